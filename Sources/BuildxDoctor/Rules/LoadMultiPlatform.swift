import BuildxModel

/// `load: true` with several platforms into a Docker Engine with the classic store (`docker/buildx
/// build/opt.go`: `docker exporter does not currently support exporting manifest lists` unless the target engine runs
/// the containerd store, which `util/dockerutil/client.go` detects).
struct LoadMultiPlatform: Rule {
    let description = RuleDescription(
        id: "load-multi-platform",
        severity: .error,
        summary: "Loading a multi-platform image into a Docker Engine that cannot store one: the build fails.",
        explanation: """
            `load: true` (or a `type=docker` output) sends the result to the runner's Docker Engine. With \
            the classic image store — GitHub-hosted runners — the engine holds one platform per image, and \
            buildx fails after the build with

                docker exporter does not currently support exporting manifest lists

            Fix: load one platform at a time (a matrix over platforms), push instead of loading, or use \
            an engine with the containerd image store.
            """,
        helpURI: "https://docs.docker.com/go/build-multi-platform/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-qemu-action@v3
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    load: ↓true
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64
                    load: true
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    push: true
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.compactMap { job, _, build in
            guard let platforms = build.platforms, Set(platforms.platforms.compactMap(\.known)).count > 1,
                let stores = job.host.possibleImageStores, let builder = build.builder.builder,
                // The docker driver with the classic store fails earlier, on the platforms themselves.
                builder.possibleDrivers.contains(where: { $0.supports(.multiPlatform) })
            else { return nil }
            let loads: Span? =
                build.result.load.flatMap { $0.value == .known(true) ? $0.span : nil }
                ?? build.result.outputs.first { $0.spec?.type == "docker" }?.written.span
            guard let span = loads, stores.contains(.classic) else { return nil }
            let certain = stores == [.classic]
            return description.diagnostic(
                certain
                    ? "loading this multi-platform build will fail: the runner's Docker Engine uses the classic image store, which holds one platform per image (`docker exporter does not currently support exporting manifest lists`)"
                    : "loading this multi-platform build may fail: unless the runner's Docker Engine uses the containerd image store it holds one platform per image",
                at: span, help: "load one platform per build (a matrix over platforms), or push instead of loading",
                severity: certain ? .error : .warning)
        }
    }
}
