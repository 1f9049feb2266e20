import BuildxModel

/// `type=oci` or `type=docker,dest=…` outputs on the classic docker driver (`docker/buildx build/opt.go`
/// checks the `OCI exporter` and `Docker exporter` features; https://docs.docker.com/go/build-exporters/).
struct ExporterUnsupportedByDriver: Rule {
    let description = RuleDescription(
        id: "exporter-unsupported-by-driver",
        severity: .error,
        summary: "An output type the build's driver cannot export: the build fails.",
        explanation: """
            The `docker` driver with the classic image store cannot write OCI layouts or Docker image \
            tarballs. buildx refuses before building with `OCI exporter is not supported for the docker \
            driver.` or `Docker exporter is not supported for the docker driver.`

            Fix: add `docker/setup-buildx-action` before the build.
            """,
        helpURI: "https://docs.docker.com/go/build-exporters/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    outputs: ↓type=oci,dest=/tmp/image.tar
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    outputs: |
                      ↓type=docker,dest=/tmp/image.tar
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    outputs: type=oci,dest=/tmp/image.tar
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    outputs: type=docker
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    outputs: type=docker,dest=/tmp/image.tar
                """),
            RuleExample.steps(
                """
                - uses: crazy-max/ghaction-setup-docker@v3
                  with:
                    version: v29.1.3
                - uses: docker/build-push-action@v6
                  with:
                    outputs: type=oci,dest=/tmp/image.tar
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build -> [Diagnostic] in
            guard let builder = build.builder.builder else { return [] }
            // With several platforms a `type=docker,dest=…` output fails earlier, on the manifest list
            // (`build/opt.go`): load-multi-platform reports it.
            let multiPlatform = Set(build.platforms?.platforms.compactMap(\.known) ?? []).count > 1
            return build.result.outputs.compactMap { output in
                guard let feature = output.spec?.requiredFeature, !(multiPlatform && feature == .dockerExporter) else { return nil }
                let verdict = DriverVerdict(builder) { !$0.supports(feature) }
                guard verdict != .works else { return nil }
                let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
                let condition = verdict == .mayFail ? " \(cause.storeCondition)" : ""
                return description.diagnostic(
                    "this \(Quoted.code("type=" + output.spec!.type)) output \(verdict == .fails ? "will" : "may") fail (`\(feature.refusal(by: .docker(.classic)))`): the build runs on \(cause.driver(verdict))\(condition); \(cause.reason)",
                    at: output.written.span, help: cause.help, severity: verdict == .fails ? .error : .warning,
                    fix: cause.fix())
            }
        }
    }
}
