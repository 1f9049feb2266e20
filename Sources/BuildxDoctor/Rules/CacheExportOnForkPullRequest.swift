import BuildxModel

/// A registry cache export in pull request runs, where forks have no write token (https://docs.github.com/actions/security-for-github-actions/security-guides/automatic-token-authentication:
/// pull requests from forks get a read-only GITHUB_TOKEN and no secrets).
struct CacheExportOnForkPullRequest: Rule {
    let description = RuleDescription(
        id: "cache-export-on-fork-pull-request",
        severity: .warning,
        summary: "A registry cache export that also runs for pull requests from forks, which cannot push.",
        explanation: """
            Pull requests from forks get no secrets and a read-only token, so the registry login fails or \
            the cache push is denied (`denied: installation not allowed to Write organization package`, \
            `unexpected status: 403 Forbidden`), and the build fails after it has finished — for every \
            outside contributor.

            Fix: export the cache only outside pull requests, e.g. \
            `cache-to: ${{ github.event_name != 'pull_request' && 'type=registry,ref=…,mode=max' || '' }}`, \
            guard the step or job with an `if:`, or add `ignore-error=true` to the entry.
            """,
        helpURI: "https://docs.docker.com/build/ci/github-actions/cache/",
        triggeringExamples: [
            RuleExample(
                """
                on: [push, pull_request]
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/login-action@v3
                        with:
                          registry: ghcr.io
                          username: ${{ github.actor }}
                          password: ${{ secrets.GITHUB_TOKEN }}
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: ↓type=registry,ref=ghcr.io/acme/app:cache,mode=max
                """)
        ],
        nonTriggeringExamples: [
            RuleExample(
                """
                on: [push, pull_request]
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        if: github.event_name != 'pull_request'
                        with:
                          cache-to: type=registry,ref=ghcr.io/acme/app:cache,mode=max
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: type=registry,ref=ghcr.io/acme/app:cache2,ignore-error=true
                """),
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: type=registry,ref=ghcr.io/acme/app:cache,mode=max
                """),
        ])

    /// Words in a condition that show the author thought about pull requests or forks.
    private static let guards = ["pull_request", "event_name", "head.repo", "fork", "github.ref", "github.event.pull_request"]

    private func isGuarded(_ condition: String?) -> Bool {
        guard let condition else { return false }
        return Self.guards.contains(where: condition.containsText)
    }

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        guard plan.triggers.contains("pull_request") else { return [] }
        return plan.jobs.flatMap { job -> [Diagnostic] in
            // Pushing needs credentials; with a login from secrets or the job token, forks have none.
            // Found once per job: a search per build would cost quadratic time in long jobs.
            guard !isGuarded(job.condition), let login = job.registryLogins.first(where: { !isGuarded($0.condition) })
            else { return [] }
            return job.steps(job.buildSteps, after: login).flatMap { step in diagnostics(for: step, after: login) }
        }
    }

    private func diagnostics(for step: Step, after login: Step) -> [Diagnostic] {
        guard let build = step.build, login.index < step.index, !isGuarded(step.condition) else { return [] }
        return build.cacheExports.compactMap { entry in
            guard let spec = entry.specs.first(where: { $0.backend == .registry }), !entry.value(of: "ignore-error", in: spec).isTrue
            else { return nil }
            return description.diagnostic(
                "this registry cache export also runs for pull requests from forks, which get neither secrets nor a writable token: for them the login on line \(login.span.start.line) or this cache push fails the job",
                at: entry.span,
                help: "export only outside pull requests (`if: github.event_name != 'pull_request'`, or a conditional cache-to), or add `ignore-error=true`")
        }
    }
}
