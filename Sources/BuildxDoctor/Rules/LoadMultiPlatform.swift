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
            `load: true` (or a `type=docker` output) sends the result to the job's Docker Engine. With \
            the classic image store — GitHub-hosted runners — the engine holds one platform per image, and \
            buildx refuses before building with

                docker exporter does not currently support exporting manifest lists

            whatever the builder: on the runner's own `docker` driver this check comes before the \
            multi-platform one, so this is the error the log shows there (`multi-platform-unsupported-by-driver` \
            stays silent for such a build). A `type=docker` output with a `dest` writes a Docker image \
            tarball, which never holds several platforms (`docker exporter does not support exporting \
            manifest lists, use the oci exporter instead`). Attestations (`provenance`, `sbom`, `attests`) \
            also turn the result into a manifest list, so loading an attested build fails the same way. An engine installed by \
            `docker/setup-docker-action` with the containerd image store (`"containerd-snapshotter": true`, \
            or Docker Engine 29 and later) loads multi-platform images.

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
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-qemu-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    load: ↓true
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    outputs: ↓type=docker,dest=/tmp/image.tar
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    load: ↓true
                    provenance: mode=max
                """),
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
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    daemon-config: '{"features": {"containerd-snapshotter": true}}'
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    platforms: linux/amd64,linux/arm64
                    load: true
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.compactMap { _, _, build in
            guard let load = Self.load(of: build) else { return nil }
            // buildx checks the docker exporter before the driver's multi-platform feature (`build/opt.go`),
            // so on the classic `docker` driver a load fails here, not with the multi-platform refusal.
            // Attestations make a manifest list too; on a builder that cannot attest, buildx refuses them
            // earlier (attestation-unsupported-by-driver).
            let multiPlatform = Set(build.platforms?.platforms.compactMap(\.known) ?? []).count > 1
            let attested =
                !build.attestations.isEmpty
                && (build.builder.builder?.possibleDrivers.allSatisfy { $0.supports(.attestation) } ?? false)
            guard multiPlatform || attested else { return nil }
            let what = multiPlatform ? "this multi-platform build" : "this build with attestations"
            if load.toFile {
                return description.diagnostic(
                    "this `type=docker` output of \(multiPlatform ? "a multi-platform build" : "a build with attestations") will fail: the Docker image format holds one image manifest (`docker exporter does not support exporting manifest lists, use the oci exporter instead`)",
                    at: load.span, help: "write `type=oci,dest=…` instead, or build one platform per output without attestations")
            }
            guard let stores = build.engineStores, build.builder.builder != nil, stores.contains(where: { !$0.loadsManifestLists }) else { return nil }
            let certain = stores.allSatisfy { !$0.loadsManifestLists }
            return description.diagnostic(
                certain
                    ? "loading \(what) will fail: the job's Docker Engine uses the classic image store, which holds one platform per image and no attestations (`docker exporter does not currently support exporting manifest lists`)"
                    : "loading \(what) may fail: unless the job's Docker Engine uses the containerd image store it holds one platform per image and no attestations (`docker exporter does not currently support exporting manifest lists`)",
                at: load.span,
                help: multiPlatform
                    ? "load one platform per build (a matrix over platforms), or push instead of loading"
                    : "drop the attestation inputs from the build that loads, or push instead of loading",
                severity: certain ? .error : .warning)
        }
    }

    /// Where the build asks for a `docker` export: `load: true`, or a `type=docker` output, which writes
    /// a tarball when it has a `dest` and loads into the engine otherwise.
    static func load(of build: BuildInvocation) -> (span: Span, toFile: Bool)? {
        if let output = build.result.outputs.first(where: { $0.spec?.type == "docker" }) {
            return (output.written.span, output.spec?.attributes["dest"] != nil)
        }
        guard let load = build.result.load, load.value == .known(true) else { return nil }
        return (load.span, false)
    }
}
