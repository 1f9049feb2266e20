import BuildxModel

/// Two cache exports BuildKit sees as the same one (`duplicate cache exports`,
/// `findDuplicateCacheOptions` in `moby/buildkit control/control.go`: the key is the `ref` for registry, else the
/// type and attributes).
struct CacheExportDuplicate: Rule {
    let description = RuleDescription(
        id: "cache-export-duplicate",
        severity: .error,
        summary: "Two cache-to entries with the same registry ref, or identical entries: the build fails.",
        explanation: """
            BuildKit keys every cache export — by `ref` for registry caches, by type and attributes for the \
            others — and refuses a build that asks for the same key twice:

                duplicate cache exports [registry]

            This happens when a list is extended by copy and paste, or when the same ref is exported with \
            two different modes.

            Fix: keep one entry per registry ref.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: |
                      type=registry,ref=ghcr.io/acme/app:cache
                      ↓type=registry,ref=ghcr.io/acme/app:cache,mode=max
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: |
                      type=registry,ref=ghcr.io/acme/app:cache
                      type=registry,ref=ghcr.io/acme/app:cache-${{ matrix.arch }}
                      type=inline
                      type=inline
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { _, _, build -> [Diagnostic] in
            var seen: [String: CacheEntry] = [:]
            return build.cacheExports.compactMap { entry in
                guard let key = Self.key(of: entry) else { return nil }
                if let first = seen[key] {
                    return description.diagnostic(
                        "this cache export duplicates the one on line \(first.span.start.line): BuildKit fails the build with \(Quoted.code("duplicate cache exports [\(entry.specs.first?.type ?? "")]"))",
                        at: entry.span, help: "keep one cache-to entry per registry ref")
                }
                seen[key] = entry
                return nil
            }
        }
    }

    /// BuildKit's key: the ref for registry caches, type and attributes otherwise; `nil` when it holds an
    /// expression or the entry is inline (extra inline entries are dropped, not duplicated).
    private static func key(of entry: CacheEntry) -> String? {
        guard entry.specs.count == 1, let spec = entry.specs.first, let backend = spec.backend, backend != .inline,
            !entry.hasUnknownParts
        else { return nil }
        if backend == .registry, let ref = spec.attributes["ref"] { return "registry\u{0}" + ref }
        return ([spec.type] + spec.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{0}")
    }
}
