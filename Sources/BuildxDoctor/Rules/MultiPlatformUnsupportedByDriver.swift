import BuildxModel

/// More than one platform on the Docker Engine's own builder with the classic store (`docker/buildx build/opt.go` checks the
/// `Multi-platform build` feature; https://docs.docker.com/go/build-multi-platform/).
struct MultiPlatformUnsupportedByDriver: Rule {
    let description = RuleDescription(
        id: "multi-platform-unsupported-by-driver",
        severity: .error,
        summary: "A multi-platform build on a driver that builds one platform at a time: the build fails.",
        explanation: """
            The `docker` driver with the classic image store — the default builder on GitHub-hosted \
            runners — cannot build for several platforms at once. buildx refuses before building:

                ERROR: failed to build: Multi-platform build is not supported for the docker driver.
                Switch to a different driver, or turn on the containerd image store, and try again.

            Fix: add `docker/setup-buildx-action` (and `docker/setup-qemu-action` for platforms the runner \
            cannot run natively) before the build, in the same job. On self-hosted runners whose Docker \
            Engine uses the containerd image store the build works, so there the finding is a warning.
            """,
        helpURI: "https://docs.docker.com/go/build-multi-platform/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-qemu-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: ↓linux/amd64,linux/arm64
                    push: true
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    platforms: |
                      ↓linux/amd64
                      linux/arm64
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-qemu-action@v3
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    platforms: ${{ matrix.platform }}
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.compactMap { job, step, build in
            guard let builder = build.builder.builder, let platforms = build.platforms else { return nil }
            let known = Set(platforms.platforms.compactMap(\.known))
            guard known.count > 1 else { return nil }
            let verdict = DriverVerdict(builder) { !$0.supports(.multiPlatform) }
            guard verdict != .works else { return nil }
            let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
            let list = known.sorted().map { "`\($0)`" }.joined(separator: ", ")
            let message =
                verdict == .fails
                ? "this build for \(list) will fail: it runs on \(cause.dockerDriver(verdict)), which builds one platform at a time; \(cause.reason)"
                : "this build for \(list) may fail: it runs on \(cause.dockerDriver(verdict)), which builds one platform at a time \(DockerDriverCause.containerdStoreCondition); \(cause.reason)"
            return description.diagnostic(
                message, at: platforms.span, help: cause.help, severity: verdict == .fails ? .error : .warning,
                fix: cause.fix(emulating: Array(known)))
        }
    }
}
