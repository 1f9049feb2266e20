import BuildxModel

/// A cache entry that is one bare word naming a backend: buildx reads an entry without `=` as a
/// registry reference (`docker/buildx util/buildflags/cache.go`, the ref-only form of `ParseCacheEntry`),
/// so `cache-from: gha` asks for the image `docker.io/library/gha`.
struct CacheRefLooksLikeType: Rule {
    let description = RuleDescription(
        id: "cache-ref-looks-like-type",
        severity: .error,
        summary: "A cache entry that is only a backend's name, which buildx reads as an image reference.",
        explanation: """
            An entry without `=` is buildx's short form for a registry cache: `--cache-from user/app:cache` \
            means `type=registry,ref=user/app:cache`. A bare `gha`, `local` or `registry` is therefore the image \
            `docker.io/library/gha`: an import finds nothing there and the build gets no cache; an export tries \
            to push to Docker Hub's official namespace and fails with an authorization error.

            Fix: write the type as a key, `type=gha` (with the attributes the backend needs, such as \
            `type=local,src=…`).
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓gha
                    cache-to: |
                      ↓GHA
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: |
                      type=gha
                      ghcr.io/acme/gha
                      ${{ inputs.cache }}
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.flatMap { _, _, _, entry in
            entry.specs.compactMap { spec -> Diagnostic? in
                // The ref-only form has no `type` field; its one field is the reference.
                guard spec.typeField == nil, let ref = spec.field("ref"), !entry.isUnknown(ref.range),
                    let backend = CacheBackend(rawValue: ref.value.lowercased())
                else { return nil }
                let outcome =
                    entry.direction == .export
                    ? "the export pushes to `docker.io/library/\(ref.value)` and fails"
                    : "the import reads `docker.io/library/\(ref.value)`, finds no cache and the build gets none"
                let fix = entry.replacing(ref, with: "type=\(backend.rawValue)").map {
                    Fix(summary: "write `type=\(backend.rawValue)`", path: entry.span.path, edits: [$0])
                }
                return description.diagnostic(
                    "`\(ref.value)` is read as an image reference, not as the `\(backend.rawValue)` cache type: \(outcome)",
                    at: entry.span, help: "write `type=\(backend.rawValue)`",
                    // A failed import never fails the build: it is a cold cache, not an error.
                    severity: entry.direction == .export ? .error : .warning,
                    // Only backends that need no attributes can be fixed by the type alone.
                    fix: backend == .gha || backend == .inline ? fix : nil)
            }
        }
    }
}
