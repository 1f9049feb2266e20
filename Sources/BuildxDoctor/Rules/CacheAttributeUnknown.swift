import BuildxModel

/// An attribute the backend does not read in that direction: silently ignored: BuildKit hands
/// backends a free map of attributes and each reads only the keys it knows (`cache/remotecache/*/` in moby/buildkit).
struct CacheAttributeUnknown: Rule {
    let description = RuleDescription(
        id: "cache-attribute-unknown",
        severity: .warning,
        summary: "A cache attribute the backend ignores: a typo or a misplaced option that silently does nothing.",
        explanation: """
            Neither buildx nor BuildKit rejects attributes they do not know: each backend reads the keys it \
            knows and ignores the rest. A typo such as `ignore-errors=true` (the key is `ignore-error`) or \
            `dest=` on a registry cache changes nothing, and the build behaves as if it were not there. \
            Attributes are also read per direction: `mode` on a `cache-from` does nothing (reported as info, \
            since it is harmless).

            Fix: use the attribute the backend reads (the message suggests the nearest name), or remove it.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha,↓mode=max,↓key=app
                    cache-to: type=registry,ref=ghcr.io/acme/app:cache,↓ignore-errors=true
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha,scope=app
                    cache-to: type=registry,ref=ghcr.io/acme/app:cache,ignore-error=true,mode=max,${{ inputs.extra }}
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.flatMap { _, _, _, entry in
            entry.specs.flatMap { spec -> [Diagnostic] in
                guard let backend = spec.backend else { return [] }
                var reported = Set<String>()
                return spec.fields.compactMap { field in
                    guard reported.insert(field.key).inserted else { return nil }
                    guard backend.attribute(named: field.key, for: entry.direction) == nil,
                        !CacheBackend.compressionKeys.contains(field.key) || backend == .registry || backend == .local
                    else { return nil }
                    let otherDirection = backend.attribute(named: field.key) != nil
                    let reason =
                        otherDirection
                        ? "\(Quoted.code(field.key)) is read only on \(entry.direction == .export ? "cache-from" : "cache-to") entries"
                        : "the `\(backend.rawValue)` backend has no \(Quoted.code(field.key)) attribute"
                    let suggestion = otherDirection ? nil : Self.nearest(field.key, in: backend, direction: entry.direction)
                    // A clear typo is renamed; a key of the other direction might be meant for the other list.
                    // buildx keeps the last of repeated keys, so every spelling of the key is renamed at once
                    // (all or none), and one finding stands for them all.
                    let fix = suggestion.flatMap { name -> Fix? in
                        let edits = spec.fields.filter { $0.key == field.key }.map { repeated in
                            // The value as written: `field.value` has placeholders where expressions stand.
                            entry.writtenValue(of: repeated).flatMap { entry.replacing(repeated, with: "\(name)=\($0)") }
                        }
                        guard !edits.contains(where: { $0 == nil }) else { return nil }
                        return Fix(summary: "rename \(Quoted.code(field.key)) to `\(name)`", path: entry.span.path, edits: edits.compactMap { $0 })
                    }
                    // An attribute of the other direction is harmless noise; a name the backend never reads is a slip.
                    return description.diagnostic(
                        "\(Quoted.code(field.key)) is ignored: \(reason), and buildx and BuildKit drop unknown attributes without a word",
                        at: entry.span(of: field),
                        help: suggestion.map { "did you mean `\($0)`?" } ?? "remove \(Quoted.code(field.key + "=…")) from the entry",
                        severity: otherDirection ? .info : .warning, fix: fix)
                }
            }
        }
    }

    /// The attribute a typo clearly meant: the only one at the smallest distance, at most two edits away.
    static func nearest(_ key: String, in backend: CacheBackend, direction: CacheDirection) -> String? {
        let names = backend.attributes.filter { $0.directions.contains(direction) }.map(\.name)
        guard let nearest = EditDistance.nearest(to: key, among: names), nearest.isUnique else { return nil }
        return nearest.match
    }
}
