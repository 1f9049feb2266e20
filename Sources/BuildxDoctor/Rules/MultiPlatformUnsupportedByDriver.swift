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

            A build that also loads its result (`load: true`, a `type=docker` output) fails earlier, on \
            the docker exporter (`docker exporter does not currently support exporting manifest lists`), \
            and is reported by `load-multi-platform` instead.

            Fix: add `docker/setup-buildx-action` (and `docker/setup-qemu-action` for platforms the runner \
            cannot run natively) before the build, in the same job. On self-hosted runners whose Docker \
            Engine uses the containerd image store the build works, so there the finding is a warning; \
            so does the engine `docker/setup-docker-action` installs with the containerd store \
            (`"containerd-snapshotter": true`, or Docker Engine 29 and later).
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
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    version: "27.5.1"
                - uses: docker/build-push-action@v6
                  with:
                    platforms: ↓linux/amd64,linux/arm64
                    push: true
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
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    load: true
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    version: latest
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    push: true
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.compactMap { job, step, build in
            guard let builder = build.builder.builder, let platforms = build.platforms else { return nil }
            let known = Set(platforms.platforms.compactMap(\.known))
            // A build that loads its result fails first on the docker exporter, where the classic store
            // cannot take several platforms (`build/opt.go`): that is load-multi-platform's finding.
            guard known.count > 1, LoadMultiPlatform.load(of: build) == nil else { return nil }
            let verdict = DriverVerdict(builder) { !$0.supports(.multiPlatform) }
            guard verdict != .works else { return nil }
            let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
            let list = known.sorted().map(Quoted.code).joined(separator: ", ")
            let message =
                verdict == .fails
                ? "this build for \(list) will fail: it runs on \(cause.driver(verdict)), which builds one platform at a time; \(cause.reason)"
                : "this build for \(list) may fail: it runs on \(cause.driver(verdict)), which builds one platform at a time \(cause.storeCondition); \(cause.reason)"
            return description.diagnostic(
                message, at: platforms.span, help: cause.help, severity: verdict == .fails ? .error : .warning,
                fix: cause.fix(emulating: Array(known)))
        }
    }
}
