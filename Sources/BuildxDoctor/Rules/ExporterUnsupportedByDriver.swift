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
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build -> [Diagnostic] in
            guard let builder = build.builder.builder else { return [] }
            return build.result.outputs.compactMap { output in
                guard let feature = output.spec?.requiredFeature else { return nil }
                let verdict = DriverVerdict(builder) { !$0.supports(feature) }
                guard verdict != .works else { return nil }
                let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
                let condition = verdict == .mayFail ? " \(DockerDriverCause.containerdStoreCondition)" : ""
                return description.diagnostic(
                    "this `type=\(output.spec!.type)` output \(verdict == .fails ? "will" : "may") fail (`\(feature.refusal(by: .docker(.classic)))`): the build runs on \(cause.dockerDriver(verdict))\(condition); \(cause.reason)",
                    at: output.written.span, help: cause.help, severity: verdict == .fails ? .error : .warning,
                    fix: cause.fix())
            }
        }
    }
}
