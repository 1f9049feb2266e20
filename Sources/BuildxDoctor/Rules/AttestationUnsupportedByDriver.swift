import BuildxModel

/// Provenance, SBOM or other attestations on the classic docker driver (`docker/buildx build/opt.go`:
/// attestations need the multi-platform feature; https://docs.docker.com/go/attestations/).
struct AttestationUnsupportedByDriver: Rule {
    let description = RuleDescription(
        id: "attestation-unsupported-by-driver",
        severity: .error,
        summary: "Attestations requested on a driver that cannot make them: the build fails.",
        explanation: """
            `provenance`, `sbom` and `attests` ask BuildKit for attestations, which the `docker` driver with \
            the classic image store cannot attach. buildx stops before building:

                ERROR: failed to build: Attestation is not supported for the docker driver.
                Switch to a different driver, or turn on the containerd image store, and try again.

            and build-push-action's annotation shows only `buildx failed with: Learn more at \
            https://docs.docker.com/go/attestations/`.

            Fix: add `docker/setup-buildx-action` before the build, or drop the attestation inputs \
            (`provenance: false`).
            """,
        helpURI: "https://docs.docker.com/go/attestations/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    push: true
                    provenance: ↓mode=max
                    sbom: ↓true
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    provenance: mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    provenance: false
                    sbom: false
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build -> [Diagnostic] in
            guard let builder = build.builder.builder else { return [] }
            let verdict = DriverVerdict(builder) { !$0.supports(.attestation) }
            guard verdict != .works else { return [] }
            let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
            return build.attestations.map { attestation in
                let outcome = verdict == .fails ? "will fail" : "may fail"
                let condition = verdict == .mayFail ? " \(cause.storeCondition)" : ""
                return description.diagnostic(
                    "this attestation request \(outcome): the build runs on \(cause.driver(verdict)), which cannot attach attestations\(condition); \(cause.reason)",
                    at: attestation.span, help: cause.help + ", or remove the attestation input",
                    severity: verdict == .fails ? .error : .warning, fix: cause.fix())
            }
        }
    }
}
