import BuildxModel

/// `type=gha` with a buildx or BuildKit too old for the GitHub cache service v2 (minimum versions
/// in https://docs.docker.com/build/ci/github-actions/cache/, "Cache backend API").
struct GHACacheLegacyService: Rule {
    let description = RuleDescription(
        id: "gha-cache-legacy-service",
        severity: .error,
        summary: "GitHub Actions cache with a buildx or BuildKit that only speaks the retired cache API.",
        explanation: """
            Since April 15, 2025 GitHub serves only version 2 of its cache API. buildx reads the v2 \
            environment from v0.21.0 on, BuildKit speaks v2 from v0.20.0 on. A workflow that pins an older \
            buildx (`version:` of setup-buildx-action) or an older BuildKit image \
            (`driver-opts: image=moby/buildkit:v0.19.0`) fails with

                This legacy service is shutting down, effective April 15, 2025.

            on a cache-to, which fails the build (an error) unless the entry has `ignore-error=true`; then \
            the cache is never saved (a warning). A cache-from that fails is only logged: the build runs \
            without cache (a warning).

            Fix: use buildx ≥ v0.21.0 and BuildKit ≥ v0.20.0 (`version: latest`, or drop the pins).
            """,
        helpURI: "https://docs.docker.com/build/ci/github-actions/cache/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    version: v0.19.0
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=gha
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    driver-opts: image=moby/buildkit:v0.18.2
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=gha,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    version: v0.20.2
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=gha,scope=app
                    cache-to: ↓type=gha,scope=app,mode=max,ignore-error=true
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    version: v0.21.0
                    driver-opts: image=moby/buildkit:v0.20.0
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha,mode=max
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { _, _, build -> [Diagnostic] in
            guard let pin = oldPin(build) else { return [] }
            return build.cacheEntries.compactMap { entry in
                guard entry.specs.contains(where: { $0.backend == .gha }) else { return nil }
                // The retired service answers only when the cache is read or written.
                let failure = CacheFailure(entry, failingWhen: .exporting)
                return description.diagnostic(
                    "this GitHub Actions cache \(entry.direction == .export ? "export" : "import") cannot work: \(pin) only speaks the retired cache API (`This legacy service is shutting down, effective April 15, 2025`), so \(failure.outcome)",
                    at: entry.span, help: "use buildx \(VersionFacts.buildxGitHubCacheV2) or later and BuildKit \(VersionFacts.buildkitGitHubCacheV2) or later",
                    severity: failure.severity)
            }
        }
    }

    /// The pin that is too old, described with its line.
    private func oldPin(_ build: BuildInvocation) -> String? {
        if let pin = build.buildxVersion, let version = SemanticVersion(parsing: pin.text), version < VersionFacts.buildxGitHubCacheV2 {
            return "buildx \(Quoted.code(pin.text)) (pinned on line \(pin.span.start.line))"
        }
        if let image = build.builder.builder?.buildkitImage, let tag = ImageReference(image.text).tag,
            let version = SemanticVersion(parsing: tag), version < VersionFacts.buildkitGitHubCacheV2
        {
            return "BuildKit \(Quoted.code(tag)) (pinned on line \(image.span.start.line))"
        }
        // The versions read from this machine (`check --builder`) when nothing pins another.
        if build.buildxVersion == nil, let version = build.liveBuildxVersion, version < VersionFacts.buildxGitHubCacheV2 {
            return "buildx \(version) (on this machine)"
        }
        if let builder = build.builder.builder, builder.buildkitImage == nil, let name = builder.liveName,
            let version = builder.liveBuildKitVersion, version < VersionFacts.buildkitGitHubCacheV2
        {
            return "BuildKit \(version) (builder `\(name)` on this machine)"
        }
        return nil
    }
}
