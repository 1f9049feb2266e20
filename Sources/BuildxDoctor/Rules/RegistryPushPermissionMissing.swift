import BuildxModel

/// Pushing to ghcr.io with the job token while `permissions` withholds `packages: write` (https://docs.github.com/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions:
/// the job needs `packages: write`).
struct RegistryPushPermissionMissing: Rule {
    let description = RuleDescription(
        id: "registry-push-permission-missing",
        severity: .error,
        summary: "Pushing to ghcr.io with GITHUB_TOKEN while the job's permissions withhold `packages: write`.",
        explanation: """
            With an explicit `permissions:` block, every scope it does not name gets no access. A job that \
            logs in to `ghcr.io` with its own `GITHUB_TOKEN` and pushes an image or a registry cache then \
            fails at the push with `denied: permission_denied: write_package` or `403 Forbidden` — after \
            the whole build.

            When only a registry cache goes to ghcr.io and every such cache-to has `ignore-error=true`, \
            BuildKit logs the denied push and the build succeeds without saving its cache: a warning.

            Fix: add `packages: write` to the job's `permissions` (or the workflow's, when the job has none).
            """,
        helpURI: "https://docs.github.com/actions/publishing-packages/publishing-docker-images#publishing-images-to-github-packages",
        triggeringExamples: [
            RuleExample(
                """
                on: push
                permissions:
                  contents: read
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
                      - uses: ↓docker/build-push-action@v6
                        with:
                          push: true
                          tags: ghcr.io/acme/app:latest
                """),
            RuleExample(
                """
                on: push
                permissions:
                  contents: read
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
                      - uses: ↓docker/build-push-action@v6
                        with:
                          cache-to: type=registry,ref=ghcr.io/acme/app:cache,ignore-error=true
                """),
        ],
        nonTriggeringExamples: [
            RuleExample(
                """
                on: push
                permissions:
                  contents: read
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    permissions:
                      contents: read
                      packages: write
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/login-action@v3
                        with:
                          registry: ghcr.io
                          username: ${{ github.actor }}
                          password: ${{ secrets.GITHUB_TOKEN }}
                      - uses: docker/build-push-action@v6
                        with:
                          push: true
                          tags: ghcr.io/acme/app:latest
                """),
            RuleExample(
                """
                on: push
                permissions:
                  contents: read
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/login-action@v3
                        with:
                          registry: ghcr.io
                          username: ${{ github.actor }}
                          password: ${{ secrets.GHCR_PAT }}
                      - uses: docker/build-push-action@v6
                        with:
                          push: true
                          tags: ghcr.io/acme/app:latest
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.jobs.flatMap { job -> [Diagnostic] in
            guard let permissions = job.permissions, permissions.lacksWrite("packages"),
                let login = job.registryLogins.first(where: { $0.registryLogin?.registry == "ghcr.io" && $0.registryLogin?.usesJobToken == true })
            else { return [] }
            return job.steps(job.buildSteps, after: login).compactMap { step -> Diagnostic? in
                guard let build = step.build, let failure = pushToGHCR(build) else { return nil }
                let outcome =
                    failure == .buildFails
                    ? "the push fails with `denied: permission_denied: write_package`"
                    : "the cache push is denied (`denied: permission_denied: write_package`) and, with `ignore-error=true`, the cache is never saved"
                return description.diagnostic(
                    "this build pushes to ghcr.io with the job's GITHUB_TOKEN (login on line \(login.span.start.line)), but the `permissions` on line \(permissions.span.start.line) do not grant `packages: write`: \(outcome)",
                    at: build.span, help: "add `packages: write` to the `permissions` block on line \(permissions.span.start.line)",
                    severity: failure.severity, fix: plan.editor.grant("packages", level: "write", in: permissions, of: plan))
            }
        }
    }

    /// What a denied push to ghcr.io costs the build: a pushed tag fails it, and so does a registry cache
    /// export unless every one to ghcr.io has `ignore-error=true`; `nil` when nothing goes to ghcr.io.
    private func pushToGHCR(_ build: BuildInvocation) -> CacheFailure? {
        let pushedTag = build.result.pushes && build.result.tags.contains { $0.value.known?.lowercased().hasPrefix("ghcr.io/") ?? false }
        let cacheExports = build.cacheExports.filter { entry in
            entry.specs.contains { $0.backend == .registry && ($0.attributes["ref"]?.lowercased().hasPrefix("ghcr.io/") ?? false) }
        }
        if pushedTag { return .buildFails }
        let failures = cacheExports.map { CacheFailure($0, failingWhen: .exporting) }
        return failures.contains(.buildFails) ? .buildFails : failures.first
    }
}
