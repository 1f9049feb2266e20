import BuildxModel

/// The seed failure: a non-inline `cache-to` on the Docker Engine's own builder (`docker/buildx
/// build/opt.go` `toSolveOpt` asks the driver for `Cache export`; `driver/docker/driver.go` `Features()` grants it only
/// with the containerd image store; https://docs.docker.com/build/cache/backends/).
struct CacheExportUnsupportedByDriver: Rule {
    let description = RuleDescription(
        id: "cache-export-unsupported-by-driver",
        severity: .error,
        summary: "A cache export the build's driver cannot perform: the build fails.",
        explanation: """
            Without a `docker/setup-buildx-action` step, a job builds on the runner's default builder: the \
            `docker` driver, which is Docker Engine's own BuildKit. With the classic image store — what \
            GitHub-hosted runners have (Docker 28) — that driver can export only `inline` cache. buildx \
            checks this before building and stops with

                ERROR: failed to build: Cache export is not supported for the docker driver.
                Switch to a different driver, or turn on the containerd image store, and try again.

            Every non-inline `cache-to` fails this way: `local`, `registry`, `gha`, `s3` and `azblob`. \
            Switching to registry cache does not help. `s3` and `azblob` also fail with the containerd \
            image store: Docker Engine has no exporter for them (`unknown cache exporter`).

            The setup step must be in the same job as the build (every job starts on a fresh runner), \
            before it, without `driver: docker`, and with `use: true` (the default) or with the build \
            naming it in `builder:`.

            On self-hosted runners the Docker Engine may run the containerd image store, which allows \
            these exports; there the finding is a warning. A `docker/setup-docker-action` step installs a \
            new engine for the rest of the job: with `"containerd-snapshotter": true` in its \
            `daemon-config`, or Docker Engine 29 and later (`version: latest`, the default), it runs the \
            containerd image store and the `docker` driver exports every cache but `s3` and `azblob`; with \
            an older `version` it runs the classic store; when an expression decides, the finding is a \
            warning. `ignore-error=true` does not help: buildx refuses before anything is built.

            Fix: add `- uses: docker/setup-buildx-action@v4` before the build. It creates a \
            `docker-container` builder that can export every cache type.
            """,
        helpURI: "https://docs.docker.com/go/build-cache-backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: actions/checkout@v4
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: |
                      type=registry,ref=ghcr.io/acme/widget:cache
                      type=local,src=/tmp/.buildx-cache
                    cache-to: |
                      ↓type=registry,ref=ghcr.io/acme/widget:cache,mode=max
                      ↓type=local,dest=/tmp/.buildx-cache-new,mode=max
                """),
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-24.04
                    steps:
                      - uses: docker/setup-buildx-action@v3
                        with:
                          driver: docker
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: ↓type=gha,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    use: false
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=gha
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=registry,ref=ghcr.io/acme/app:cache
                - uses: docker/setup-buildx-action@v3
                """),
            RuleExample(
                """
                on: push
                jobs:
                  setup:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/setup-buildx-action@v3
                  build:
                    needs: setup
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: ↓type=local,dest=${{ runner.temp }}/cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    version: v28.5.2
                - uses: docker/setup-buildx-action@v3
                  with:
                    driver: docker
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=gha,mode=max,ignore-error=true
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    version: ${{ inputs.docker-version }}
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=registry,ref=ghcr.io/acme/app:cache
                """),
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    runs-on: [self-hosted, linux]
                    steps:
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: ↓type=gha,scope=${{ github.ref_name }}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    push: true
                    cache-from: type=gha
                    cache-to: type=gha,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  id: buildx
                  with:
                    use: false
                - uses: docker/build-push-action@v6
                  with:
                    builder: ${{ steps.buildx.outputs.name }}
                    cache-to: type=local,dest=/tmp/cache
                """),
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=registry,ref=ghcr.io/acme/app:latest
                    cache-to: type=inline
                """),
            RuleExample.steps(
                """
                - run: docker buildx create --use --driver docker-container
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ${{ github.event_name == 'push' && 'type=gha' || '' }}
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                  with:
                    daemon-config: |
                      {
                        "features": {
                          "containerd-snapshotter": true
                        }
                      }
                - uses: docker/setup-buildx-action@v3
                  with:
                    driver: docker
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=registry,ref=ghcr.io/acme/app:cache,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-docker-action@v4
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=local,dest=/tmp/.buildx-cache
                """),
            RuleExample(
                """
                runs:
                  using: composite
                  steps:
                    - uses: docker/build-push-action@v6
                      with:
                        cache-to: type=gha,mode=max
                """, kind: .githubCompositeAction),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build -> [Diagnostic] in
            guard let builder = build.builder.builder else { return [] }
            // An entry buildx drops never reaches the driver (see gha-cache-without-runtime).
            return build.cacheExports.filter { !build.dropsEntry($0) }.compactMap { entry in
                let backends = entry.specs.compactMap(\.backend)
                guard let backend = backends.first(where: { $0 != .inline }) else { return nil }
                let verdict = DriverVerdict(builder) { backend.support(.export, on: $0).failsBuild }
                guard verdict != .works else { return nil }
                return diagnostic(for: backend, entry: entry, verdict: verdict, build: build, step: step, job: job, plan: plan)
            }
        }
    }

    private func diagnostic(
        for backend: CacheBackend, entry: CacheEntry, verdict: DriverVerdict, build: BuildInvocation, step: Step,
        job: Job, plan: BuildPlan
    ) -> Diagnostic {
        let builder = build.builder.builder
        let onDockerDriverOnly = builder?.possibleDrivers.allSatisfy { if case .docker = $0 { true } else { false } } ?? false
        let cause = DockerDriverCause(build: build, step: step, job: job, plan: plan)
        let what = "`type=\(backend.rawValue)` cache export"
        let message: String
        if backend == .s3 || backend == .azblob, onDockerDriverOnly {
            message = "this \(what) will fail: the build runs on the `docker` driver, which cannot export `\(backend.rawValue)` cache with either image store; \(cause.reason)"
        } else if verdict == .mayFail {
            message = "this \(what) may fail: the build runs on \(cause.driver(verdict)), which can export only `inline` cache \(cause.storeCondition); \(cause.reason)"
        } else {
            message = "this \(what) will fail: the build runs on \(cause.driver(verdict)), which can export only `inline` cache; \(cause.reason)"
        }
        return description.diagnostic(
            message, at: entry.span, help: cause.help, severity: verdict == .fails ? .error : .warning, fix: cause.fix())
    }
}
