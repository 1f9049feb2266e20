import BuildxModel

/// A cache import the builder has no importer for: not fatal, the build just never gets cache (`unknown cache importer`, only logged by
/// `moby/buildkit solver/llbsolver/bridge.go`; Docker Engine's importers are in `moby/moby
/// daemon/internal/builder-next/controller.go`).
struct CacheImportUnsupportedByDriver: Rule {
    let description = RuleDescription(
        id: "cache-import-unsupported-by-driver",
        severity: .warning,
        summary: "A cache import the builder cannot read: the build silently runs without cache.",
        explanation: """
            buildx never checks `cache-from` against the driver. The daemon looks for an importer of that \
            type and, when it has none, logs `unknown cache importer: <type>` on the import step and builds \
            without cache — every build starts cold and nothing fails.

            Docker Engine with the classic image store (the default builder on GitHub-hosted runners) imports \
            only `registry` and `local`; with the containerd image store also `gha`. `s3` and `azblob` need a \
            BuildKit builder. `type=inline` is never an importer on any builder: an inline cache travels \
            inside the image and is read with `type=registry,ref=<image>`.

            Fix: add `docker/setup-buildx-action` before the build, or import an inline cache with \
            `type=registry,ref=<image>`.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=gha
                    cache-to: type=inline
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=inline,ref=ghcr.io/acme/app:latest
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: |
                      type=registry,ref=ghcr.io/acme/app:latest
                      type=local,src=/tmp/.buildx-cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    set-host: true
                    daemon-config: |
                      {"features": {"containerd-snapshotter": true}}
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build in
            build.cacheImports.filter { !build.dropsEntry($0) }.compactMap { entry -> Diagnostic? in
                guard let backend = entry.specs.compactMap(\.backend).first else { return nil }
                if backend == .inline {
                    return description.diagnostic(
                        "`type=inline` cannot be imported: no builder has an inline cache importer, so this build gets no cache from it",
                        at: entry.span, help: "import the image's inline cache with `type=registry,ref=<image>`")
                }
                guard let builder = build.builder.builder else { return nil }
                let verdict = DriverVerdict(builder) { backend.support(.import, on: $0) != .supported }
                guard verdict != .works else { return nil }
                let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
                let condition = verdict == .mayFail ? " \(cause.storeCondition)" : ""
                return description.diagnostic(
                    "this `type=\(backend.rawValue)` cache import is skipped (`unknown cache importer: \(backend.rawValue)`) and the build gets no cache: it runs on \(cause.driver(verdict)), which has no \(backend.rawValue) importer\(condition); \(cause.reason)",
                    at: entry.span, help: cause.help, fix: cause.fix())
            }
        }
    }
}
