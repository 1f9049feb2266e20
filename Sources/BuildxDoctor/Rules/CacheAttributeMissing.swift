import BuildxModel

/// A cache entry without an attribute its backend cannot work without (the
/// `requires` errors of `moby/buildkit client/solve.go` `parseCacheOptions`, and the `not set`/`required` errors of
/// `cache/remotecache/s3/s3.go` and `azblob/utils.go`).
struct CacheAttributeMissing: Rule {
    let description = RuleDescription(
        id: "cache-attribute-missing",
        severity: .error,
        summary: "A cache entry without an attribute its backend requires: the build fails.",
        explanation: """
            Some backends cannot work without a particular attribute, and buildx or BuildKit stops the build:

            | backend | direction | attribute | error |
            |---|---|---|---|
            | registry | both | `ref` | `registry cache exporter requires ref` / `registry cache importer requires ref` |
            | local | export | `dest` | `local cache exporter requires dest` |
            | local | import | `src` | `local cache importer requires src` |
            | s3 | both | `bucket`, `region` | `bucket ($AWS_BUCKET) not set for s3 cache` |
            | azblob | both | `account_url` | `either ${BUILDKIT_AZURE_STORAGE_ACCOUNT_URL} or account_url attribute is required for azblob cache` |

            The `registry` and `local` checks run in the BuildKit client inside buildx, before anything \
            is built, so they fail the build in both directions. The `s3` and `azblob` checks run when \
            BuildKit sets the backend up: a cache-to fails the build, but a cache-from is only skipped \
            with the error in the log and the build runs without cache (a warning).

            A common slip is `src=` on a cache-to or `dest=` on a cache-from: local exports write to \
            `dest`, imports read from `src`. buildx never forwards `AWS_REGION` or a bucket from the \
            workflow's environment to BuildKit; s3 falls back only to the BuildKit daemon's own environment.

            Fix: add the attribute.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=local,dest=/tmp/.buildx-cache
                    cache-to: |
                      ↓type=local,src=/tmp/.buildx-cache
                      ↓type=registry,mode=max
                      ↓type=s3,bucket=ci-cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=azblob,name=app
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: |
                      type=local,src=/tmp/.buildx-cache
                      ghcr.io/acme/app:cache
                    cache-to: |
                      type=local,dest=/tmp/.buildx-cache-new
                      type=registry,ref=${{ env.CACHE_REF }}
                      type=s3,region=eu-west-1,bucket=ci-cache
                      type=gha
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.flatMap { _, _, _, entry in
            entry.specs.flatMap { spec -> [Diagnostic] in
                guard let backend = spec.backend else { return [] }
                let missing = backend.requiredAttributes(for: entry.direction).filter {
                    entry.value(of: $0.name, in: spec) == .absent || entry.value(of: $0.name, in: spec) == .known("")
                }
                guard !missing.isEmpty else { return [] }
                let names = missing.map { "`\($0.name)`" }.joined(separator: " and ")
                // The BuildKit client checks registry and local entries before the build; s3 and azblob
                // are checked when BuildKit sets the backend up, where a failed import is only logged.
                let stage: CacheFailure.Stage = backend == .registry || backend == .local ? .beforeBuild : .configuring
                let failure = CacheFailure(entry, failingWhen: stage)
                let outcome =
                    failure == .buildFails
                    ? "the build fails with `\(Self.error(backend, entry.direction))`"
                    : "BuildKit logs `\(Self.error(backend, entry.direction))`, skips the import and the build gets no cache from it"
                let message = "this `type=\(backend.rawValue)` \(entry.direction.flag) entry has no \(names): \(outcome)"
                return [
                    description.diagnostic(
                        message, at: entry.span, help: help(backend, entry, spec, missing), severity: failure.severity)
                ]
            }
        }
    }

    /// The text buildx or BuildKit prints for the first missing attribute (same sources as the type).
    static func error(_ backend: CacheBackend, _ direction: CacheDirection) -> String {
        let role = direction == .export ? "exporter" : "importer"
        switch backend {
        case .registry: return "registry cache \(role) requires ref"
        case .local: return direction == .export ? "local cache exporter requires dest" : "local cache importer requires src"
        case .s3: return "bucket ($AWS_BUCKET) not set for s3 cache"
        case .azblob: return "either ${BUILDKIT_AZURE_STORAGE_ACCOUNT_URL} or account_url attribute is required for azblob cache"
        case .inline, .gha: return ""
        }
    }

    private func help(_ backend: CacheBackend, _ entry: CacheEntry, _ spec: CacheSpec, _ missing: [CacheAttribute]) -> String {
        let direction = entry.direction
        if backend == .local {
            let wrong = direction == .export ? "src" : "dest"
            if case .known(let path) = entry.value(of: wrong, in: spec) {
                let right = direction == .export ? "dest" : "src"
                return "a \(direction.flag) entry \(direction == .export ? "writes to" : "reads from") `\(right)`: write \(Quoted.code("\(right)=\(path)")) instead of `\(wrong)=`"
            }
        }
        return "add " + missing.map { "`\($0.name)=…`" }.joined(separator: " and ") + " to the entry"
    }
}
