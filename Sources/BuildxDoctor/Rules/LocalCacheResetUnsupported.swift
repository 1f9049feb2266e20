import BuildxModel

/// `reset=true` with a buildx that predates it (`storesToReset` in `moby/buildkit
/// client/solve.go`, vendored first by buildx v0.35.0; older buildx ignores the key).
struct LocalCacheResetUnsupported: Rule {
    let description = RuleDescription(
        id: "local-cache-reset-unsupported",
        severity: .warning,
        summary: "`reset=true` on a local cache with a buildx too old to know it: the cache keeps growing.",
        explanation: """
            `reset=true` makes a local cache export delete blobs the new cache no longer references. It is \
            implemented in the BuildKit client that buildx vendors, first in buildx v0.35.0. Older buildx \
            ignores the key without a word, so the directory grows as if it were not there.

            Fix: pin buildx v0.35.0 or later (`version:` of setup-buildx-action), or rotate the directory \
            with a "Move cache" step.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/local/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    version: v0.30.1
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=local,dest=/tmp/cache,↓reset=true
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    version: v0.36.1
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=local,dest=/tmp/cache,reset=true
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=local,dest=/tmp/cache,reset=true
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { _, _, build -> [Diagnostic] in
            // A pinned version, else the one read from this machine (`check --builder`).
            let buildx: (version: SemanticVersion, said: String)
            if let pin = build.buildxVersion, let version = SemanticVersion(parsing: pin.text) {
                buildx = (version, "buildx \(Quoted.code(pin.text)) (pinned on line \(pin.span.start.line))")
            } else if build.buildxVersion == nil, let version = build.liveBuildxVersion {
                buildx = (version, "buildx \(version) (on this machine)")
            } else {
                return []
            }
            guard buildx.version < VersionFacts.buildxLocalCacheReset else { return [] }
            return build.cacheExports.compactMap { entry in
                guard let spec = entry.specs.first(where: { $0.backend == .local }), entry.value(of: "reset", in: spec).isTrue,
                    let field = spec.field("reset")
                else { return nil }
                return description.diagnostic(
                    "`reset=true` is ignored: \(buildx.said) predates it (v0.35.0), so old cache blobs are never deleted",
                    at: entry.span(of: field),
                    help: "pin buildx \(VersionFacts.buildxLocalCacheReset) or later, or add a step that replaces the cache directory after the build")
            }
        }
    }
}
