import BuildxModel

/// A `type=` that names no cache backend (the backends `moby/buildkit cmd/buildkitd/main.go` registers;
/// buildx keeps the value's case, so `GHA` is unknown too).
struct CacheTypeUnknown: Rule {
    let description = RuleDescription(
        id: "cache-type-unknown",
        severity: .error,
        summary: "A cache type that no BuildKit backend has.",
        explanation: """
            The cache backends are `inline`, `registry`, `local`, `gha`, `s3` and `azblob`, spelled in \
            lowercase: buildx passes the `type` value on unchanged, so `type=GHA` is not `gha`. For an \
            export BuildKit fails the build with `unknown cache exporter: "GHA"` (an error, `ignore-error` \
            or not: the exporter is never set up); for an import it logs `unknown cache importer` and \
            builds without cache (a warning: the job still succeeds, only slower).

            Fix: use one of the backend names, in lowercase.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=GHA
                    cache-to: |
                      ↓type=registery,ref=ghcr.io/acme/app:cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=Registry,ref=ghcr.io/acme/app:cache,ignore-error=true
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha
                    cache-to: type=${{ inputs.cache-type }},mode=max
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.flatMap { _, _, _, entry in
            entry.specs.compactMap { spec -> Diagnostic? in
                guard spec.backend == nil, !entry.isUnknown(spec.typeField?.range ?? 0..<0) else { return nil }
                let failure = CacheFailure(entry, failingWhen: .configuring)
                let outcome =
                    entry.direction == .export
                    ? "BuildKit fails the build with \(Quoted.code("unknown cache exporter: \"\(spec.type)\""))"
                    : "BuildKit skips the import (\(Quoted.code("unknown cache importer: \(spec.type)"))) and the build gets no cache from it"
                let suggestion = Self.nearestBackend(to: spec.type)
                // Only a wrong case is surely a slip; another near name might be meant as something else.
                let fix = CacheBackend(rawValue: spec.type.lowercased()).flatMap { backend in
                    spec.typeField.flatMap { field in
                        entry.replacing(field, with: "type=\(backend.rawValue)").map {
                            Fix(summary: "write `type=\(backend.rawValue)` in lowercase", path: entry.span.path, edits: [$0])
                        }
                    }
                }
                return description.diagnostic(
                    "\(Quoted.code(spec.type)) is not a cache type: \(outcome)", at: entry.span,
                    help: suggestion.map { "use `type=\($0.rawValue)`" }
                        ?? "use one of \(CacheBackend.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))",
                    severity: failure.severity, fix: fix)
            }
        }
    }

    /// The backend a mistyped name most likely means: same letters in another case, or at most two edits away.
    static func nearestBackend(to type: String) -> CacheBackend? {
        if let exact = CacheBackend(rawValue: type.lowercased()) { return exact }
        let nearest = EditDistance.nearest(to: type.lowercased(), among: CacheBackend.allCases.map(\.rawValue))
        return nearest.flatMap { CacheBackend(rawValue: $0.match) }
    }
}
