import BuildxModel

/// `type=gha` cache from a shell command, where buildx finds no token for the GitHub Actions cache service
/// and drops the entry without a word (`docker/buildx build/opt.go` `CreateCaches`).
struct GHACacheWithoutRuntime: Rule {
    let description = RuleDescription(
        id: "gha-cache-without-runtime",
        severity: .warning,
        summary: "`type=gha` cache in a shell command that cannot reach the GitHub Actions cache service.",
        explanation: """
            buildx fills a `type=gha` entry's `token` and `url` from `ACTIONS_RUNTIME_TOKEN` and \
            `ACTIONS_RESULTS_URL` (or `ACTIONS_CACHE_URL`), and drops the entry, silently, when they are not \
            set. The runner gives those variables only to JavaScript and container actions such as \
            `docker/build-push-action`; a `run:` step or a script it calls does not have them. The build then \
            runs without importing or exporting any cache: every run is cold, and nothing says why. Outside \
            GitHub Actions (GitLab CI, CircleCI, a laptop) there is no such service at all.

            Fix: build with `docker/build-push-action`, or expose the variables to the shell first with \
            `crazy-max/ghaction-github-runtime` (or an `env:` that sets them); elsewhere use `type=registry` or \
            `type=local` cache.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/gha/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - run: |
                    docker buildx build --pull \\
                      --cache-to ↓type=gha,mode=max .
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: crazy-max/ghaction-github-runtime@v3
                - run: docker buildx build --cache-to type=gha,mode=max .
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha,mode=max
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.compactMap { _, _, build, entry in
            guard build.dropsEntry(entry) else { return nil }
            let message =
                build.actionsRuntime == .noService
                ? "this `type=gha` cache \(entry.direction == .export ? "export" : "import") does nothing: there is no GitHub Actions cache service outside GitHub Actions, so buildx drops the entry and the build runs without it"
                : "this `type=gha` cache \(entry.direction == .export ? "export" : "import") is dropped: a shell step does not get `ACTIONS_RUNTIME_TOKEN`, so buildx silently leaves the entry out and every run starts cold"
            let help =
                build.actionsRuntime == .noService
                ? "use `type=registry,ref=…` or `type=local` cache here"
                : "add a `crazy-max/ghaction-github-runtime` step before this one, or build with `docker/build-push-action`"
            return description.diagnostic(message, at: entry.span, help: help)
        }
    }
}
