/// Every error signature buildx-doctor recognises, each covering the wording of every buildx version (the
/// refusal text of `docker/buildx build/utils.go` `notSupported` changed in v0.9, v0.11, v0.12 and v0.25, when
/// `commands/build.go` began to wrap every error in `failed to build`). Each entry's `documentation` is the upstream
/// page that explains it. Fragments are matched without regard to case, so `error:` and
/// `ERROR:` prefixes and the capitalisation changes between versions need no separate entries.
public enum SignatureCatalog {
    static let dockerDriverFix = [
        "add `- uses: docker/setup-buildx-action@v4` before the build step, in the same job: it creates a `docker-container` builder",
        "or turn on the containerd image store on the runner's Docker Engine (`docker/setup-docker-action` with `daemon-config: {\"features\":{\"containerd-snapshotter\":true}}`)",
    ]
    static let cacheDocs = "https://docs.docker.com/go/build-cache-backends/"

    public static let all: [ErrorSignature] = [
        ErrorSignature(
            id: "cache-export-docker-driver", title: "Cache export on the docker driver",
            rootCause: "The build ran on the default `docker` driver with the classic image store, which can export only `inline` cache; every `local`, `registry`, `gha`, `s3` or `azblob` cache-to fails there. This happens when no docker/setup-buildx-action step ran before the build in the same job. (Switching to registry cache does not help.)",
            fix: dockerDriverFix + ["or export only `type=inline` cache"], rule: "cache-export-unsupported-by-driver",
            documentation: cacheDocs,
            fragments: [
                "cache export is not supported for the docker driver",
                "cache export feature is currently not supported for docker driver",
                "buildx failed with: learn more at https://docs.docker.com/go/build-cache-backends/",
            ]),
        ErrorSignature(
            id: "multi-platform-docker-driver", title: "Multi-platform build on the docker driver",
            rootCause: "Several platforms were requested on the default `docker` driver with the classic image store, which builds one platform at a time.",
            fix: dockerDriverFix + ["add `docker/setup-qemu-action` for platforms the runner cannot run natively"],
            rule: "multi-platform-unsupported-by-driver", documentation: "https://docs.docker.com/go/build-multi-platform/",
            fragments: [
                "multi-platform build is not supported for the docker driver",
                "multiple platforms feature is currently not supported for docker driver",
                "buildx failed with: learn more at https://docs.docker.com/go/build-multi-platform/",
            ]),
        ErrorSignature(
            id: "load-manifest-list", title: "Loading a multi-platform image",
            rootCause: "`load: true` (or a `type=docker` output) was used with several platforms or with attestations, but the Docker Engine receiving the image uses the classic image store, which holds one platform per image.",
            fix: ["load one platform per build (a matrix over platforms)", "or push instead of loading", "or use an engine with the containerd image store"],
            rule: "load-multi-platform", documentation: "https://docs.docker.com/go/build-multi-platform/",
            fragments: ["docker exporter does not currently support exporting manifest lists", "docker exporter does not support exporting manifest lists"]),
        ErrorSignature(
            id: "oci-exporter-docker-driver", title: "OCI output on the docker driver",
            rootCause: "`type=oci` output was requested on the default `docker` driver, which cannot write OCI layouts.",
            fix: dockerDriverFix, rule: "exporter-unsupported-by-driver", documentation: "https://docs.docker.com/go/build-exporters/",
            fragments: ["oci exporter is not supported for the docker driver", "oci exporter feature is currently not supported for docker driver"]),
        ErrorSignature(
            id: "docker-exporter-docker-driver", title: "Docker tarball output on the docker driver",
            rootCause: "`type=docker,dest=…` output was requested on the default `docker` driver, which cannot write image tarballs.",
            fix: dockerDriverFix, rule: "exporter-unsupported-by-driver", documentation: "https://docs.docker.com/go/build-exporters/",
            fragments: ["docker exporter is not supported for the docker driver", "docker exporter feature is currently not supported for docker driver"]),
        ErrorSignature(
            id: "attestation-docker-driver", title: "Attestations on the docker driver",
            rootCause: "`provenance`, `sbom` or `attests` asked for attestations on the default `docker` driver, which cannot attach them.",
            fix: dockerDriverFix + ["or set `provenance: false` and drop `sbom`/`attests`"], rule: "attestation-unsupported-by-driver",
            documentation: "https://docs.docker.com/go/attestations/",
            fragments: [
                "attestation is not supported for the docker driver", "attestations are not supported by the current buildkitd",
                "buildx failed with: learn more at https://docs.docker.com/go/attestations/",
            ]),
        ErrorSignature(
            id: "multiple-outputs-unsupported", title: "Several outputs on an old BuildKit",
            rootCause: "Several outputs (for example `load` and `push` together) need BuildKit v0.13 or later.",
            fix: ["use a newer BuildKit (setup-buildx-action's default image)", "or request a single output"],
            documentation: "https://docs.docker.com/build/exporters/", fragments: ["multiple outputs currently unsupported"]),
        ErrorSignature(
            id: "multiple-cache-exports-unsupported", title: "Several cache exports on an old BuildKit",
            rootCause: "More than one cache-to (an implicit inline one from `BUILDKIT_INLINE_CACHE=1` counts) needs BuildKit v0.11 or later.",
            fix: ["use BuildKit v0.11 or later", "or keep one cache-to"], documentation: cacheDocs,
            fragments: ["specifying multiple cache exports is not supported currently"]),
        ErrorSignature(
            id: "duplicate-cache-exports", title: "Duplicate cache exports",
            rootCause: "Two cache-to entries have the same registry `ref` (even with different attributes), or are identical.",
            fix: ["keep one cache-to entry per registry ref"], rule: "cache-export-duplicate", documentation: cacheDocs,
            fragments: ["duplicate cache exports ["]),
        ErrorSignature(
            id: "unknown-cache-exporter", title: "Unknown cache exporter",
            rootCause: "The daemon has no exporter of that type: a misspelt or uppercase `type=` (buildx keeps `GHA` as is), or `s3`/`azblob` on Docker Engine, which has neither.",
            fix: ["write the type in lowercase: inline, registry, local, gha, s3 or azblob", "for s3/azblob, build on a `docker-container` builder"],
            rule: "cache-type-unknown", documentation: cacheDocs, fragments: ["unknown cache exporter: "]),
        ErrorSignature(
            id: "unknown-cache-importer", title: "Cache import skipped: no importer", kind: .coldCache,
            rootCause: "The builder has no importer of that type, so the import was skipped and the build ran without that cache: gha/s3/azblob on the classic `docker` driver, or `type=inline` (which is never an importer).",
            fix: ["build on a `docker-container` builder (docker/setup-buildx-action)", "import inline caches with `type=registry,ref=<image>`"],
            rule: "cache-import-unsupported-by-driver", documentation: cacheDocs, fragments: ["unknown cache importer: "]),
        ErrorSignature(
            id: "cache-type-required", title: "Cache entry without type",
            rootCause: "A cache-from/cache-to entry has `key=value` fields but no `type=` (a comment line inside a `cache-to: |` block counts as an entry, too).",
            fix: ["start every entry with `type=<backend>`", "remove comment lines from the list"], rule: "cache-spec-invalid",
            documentation: cacheDocs, fragments: ["type required for \"", "type required form> \""]),
        ErrorSignature(
            id: "cache-invalid-field", title: "Cache entry field without =",
            rootCause: "A field of a cache entry has no `=`, for example `type=local,/tmp/cache`, or a quoted field whose quotes build-push-action removed.",
            fix: ["write every field as `key=value`, e.g. `dest=/tmp/cache`"], rule: "cache-spec-invalid", documentation: cacheDocs,
            fragments: ["error: invalid value ", "failed to build: invalid value "]),
        ErrorSignature(
            id: "local-cache-not-found", title: "Local cache not found", kind: .coldCache,
            rootCause: "The local cache directory did not exist when the build started: the first run, or no actions/cache step restored it to that path.",
            fix: ["add an actions/cache step before the build whose `path` is the `src` directory", "or use `type=gha` cache"],
            rule: "local-cache-not-persisted", documentation: "https://docs.docker.com/build/cache/backends/local/",
            fragments: ["local cache import at "], alsoRequires: ["not found"]),
        ErrorSignature(
            id: "local-cache-index-tag", title: "Local cache index without the tag",
            rootCause: "The local cache's `index.json` exists but has no entry for the requested tag (an empty or hand-made index, or a custom `tag`).",
            fix: ["use the same `tag=` for export and import", "remove the stale index.json"],
            documentation: "https://docs.docker.com/build/cache/backends/local/",
            fragments: ["local cache importer requires either explicit digest"]),
        ErrorSignature(
            id: "cache-attribute-missing", title: "Cache entry without a required attribute",
            rootCause: "A cache entry lacks the attribute its backend needs: `dest` on local exports, `src` on local imports, `ref` on registry caches (often `src=`/`dest=` swapped).",
            fix: ["add the attribute: `dest=` for cache-to, `src=` for cache-from, `ref=` for registry"], rule: "cache-attribute-missing",
            documentation: cacheDocs,
            fragments: [
                "local cache exporter requires dest", "local cache importer requires src", "registry cache exporter requires ref",
                "registry cache importer requires ref",
            ]),
        ErrorSignature(
            id: "gha-legacy-service", title: "GitHub Actions cache: legacy service",
            rootCause: "The gha cache spoke the retired v1 cache API: buildx older than v0.21.0 or BuildKit older than v0.20.0 (a pinned `version:` or `driver-opts: image=moby/buildkit:v0.1x`, an old self-hosted buildx, or Docker Engine < 28 with the containerd store).",
            fix: ["use buildx v0.21.0+ and BuildKit v0.20.0+ (`version: latest` on setup-buildx-action, no old image pin)"],
            rule: "gha-cache-legacy-service", documentation: "https://docs.docker.com/build/ci/github-actions/cache/",
            fragments: ["this legacy service is shutting down"]),
        ErrorSignature(
            id: "gha-url-not-set", title: "GitHub Actions cache: no v1 URL for an old BuildKit",
            rootCause: "buildx sent only the v2 cache URL to a BuildKit older than v0.20.0, which reads only the v1 URL.",
            fix: ["use BuildKit v0.20.0 or later"], rule: "gha-cache-legacy-service",
            documentation: "https://docs.docker.com/build/ci/github-actions/cache/", fragments: ["url not set for github actions cache"]),
        ErrorSignature(
            id: "gha-token-not-set", title: "GitHub Actions cache: no token",
            rootCause: "The gha cache reached BuildKit without the runtime token: buildx was run from a `run:` step or other tooling that does not see `ACTIONS_RUNTIME_TOKEN`.",
            fix: ["build with docker/build-push-action", "or expose the runtime with crazy-max/ghaction-github-runtime before the `run:` step"],
            documentation: "https://docs.docker.com/build/cache/backends/gha/", fragments: ["token not set for github actions cache"]),
        ErrorSignature(
            id: "gha-throttled", title: "GitHub Actions cache: throttled",
            rootCause: "The GitHub cache API refused requests for exceeding its rate (`Request was blocked due to exceeding usage`), typical with `mode=max` and many layers.",
            fix: ["add `ghtoken=${{ secrets.GITHUB_TOKEN }}` and `repository=${{ github.repository }}` to the gha entries", "or `ignore-error=true`", "or fewer, larger layers / a registry cache"],
            documentation: "https://docs.docker.com/build/cache/backends/gha/", fragments: ["request was blocked due to exceeding usage of resource"]),
        ErrorSignature(
            id: "gha-timeout", title: "GitHub Actions cache: timeout",
            rootCause: "Exporting to the gha cache took longer than its `timeout` (10 minutes by default), usually because of throttling.",
            fix: ["raise `timeout=` on the gha entry", "or `ignore-error=true`", "or a registry cache"],
            documentation: "https://docs.docker.com/build/cache/backends/gha/", fragments: ["maximum timeout reached"]),
        ErrorSignature(
            id: "gha-reserve-failed", title: "GitHub Actions cache: reservation refused",
            rootCause: "The GitHub cache service refused to reserve or commit a cache entry.",
            fix: ["retry", "or add `ignore-error=true` to the gha cache-to"], documentation: "https://docs.docker.com/build/cache/backends/gha/",
            fragments: ["failed to reserve cache", "failed to commit cache"]),
        ErrorSignature(
            id: "gha-service-unavailable", title: "GitHub Actions cache: service unavailable",
            rootCause: "GitHub's cache service was unavailable: it answered BuildKit's gha cache with its HTML outage page (`Our services aren't available right now`) instead of an API response. An outage on GitHub's side, not a mistake in the configuration.",
            fix: ["re-run the job once the service is back (https://www.githubstatus.com)", "`ignore-error=true` on the gha cache-to keeps builds green while the cache service is down"],
            documentation: "https://docs.docker.com/build/cache/backends/gha/",
            // BuildKit's gha client quotes the body it could not parse: `failed to parse error response 400: <h2>…`.
            fragments: ["our services aren't available right now", "our services aren&#39;t available right now"],
            alsoRequires: ["failed to parse error response"]),
        ErrorSignature(
            id: "gha-token-expired", title: "GitHub Actions cache: token expired",
            rootCause: "The job's cache token expired before the export finished (very long jobs).",
            fix: ["split the job or shorten the build"], documentation: "https://docs.docker.com/build/cache/backends/gha/",
            fragments: ["cache token expired at"]),
        ErrorSignature(
            id: "gha-unauthorized", title: "GitHub Actions cache: 401",
            rootCause: "The early gha backend could not authenticate to the cache service.",
            fix: ["use current buildx and BuildKit"], documentation: "https://docs.docker.com/build/cache/backends/gha/",
            fragments: ["authorization status: 401: authorization failed"]),
        ErrorSignature(
            id: "cache-blob-not-found", title: "Cache index points at evicted blobs",
            rootCause: "The gha cache index references blobs GitHub evicted (10 GB limit, 7 days unused); BuildKit before v0.9.1 failed instead of skipping them.",
            fix: ["use BuildKit v0.9.1 or later"], documentation: "https://docs.docker.com/build/cache/backends/gha/",
            fragments: ["failed to compute cache key: blob not found"]),
        ErrorSignature(
            id: "context-file-missing", title: "File missing from the build context",
            rootCause: "Not a cache problem: a file the Dockerfile copies is not in the build context. build-push-action builds the Git context by default, which lacks files made by earlier steps; `.dockerignore` can exclude it too.",
            fix: ["set `context: .` to build from the workspace", "check `.dockerignore`"],
            documentation: "https://docs.docker.com/build/concepts/context/",
            fragments: ["failed to calculate checksum of ref"], alsoRequires: ["not found"]),
        ErrorSignature(
            id: "registry-forbidden", title: "Registry push forbidden (403)",
            rootCause: "The registry refused the push: the job's GITHUB_TOKEN lacks `packages: write`, the package is not linked to the repository (\"Manage Actions access\"), or the run is a pull request from a fork.",
            fix: ["add `permissions: packages: write` to the job", "grant the repository access on the package's settings", "skip pushes and cache exports on fork pull requests"],
            rule: "registry-push-permission-missing",
            documentation: "https://docs.github.com/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions",
            fragments: ["unexpected status: 403 forbidden"]),
        ErrorSignature(
            id: "ghcr-write-denied", title: "ghcr.io: write_package denied",
            rootCause: "ghcr.io refused the push: the token may not write this package (no `packages: write`, or the package is not linked to the repository).",
            fix: ["add `permissions: packages: write` to the job", "grant the repository access on the package's settings"],
            rule: "registry-push-permission-missing",
            documentation: "https://docs.github.com/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions",
            fragments: ["denied: permission_denied: write_package"]),
        ErrorSignature(
            id: "ghcr-organization-package-denied", title: "ghcr.io: organization package denied",
            rootCause: "The token may not create or write the organization's package: the first push of a new package, or a pull request from a fork.",
            fix: ["create the package and grant the repository access", "skip pushes and cache exports on fork pull requests"],
            rule: "cache-export-on-fork-pull-request",
            documentation: "https://docs.github.com/packages/learn-github-packages/configuring-a-packages-access-control-and-visibility",
            fragments: ["installation not allowed to create organization package", "installation not allowed to write organization package"]),
        ErrorSignature(
            id: "registry-insufficient-scope", title: "Registry: insufficient scope",
            rootCause: "Not logged in to the registry that holds the image or cache, or the token may not write there (wrong namespace).",
            fix: ["log in to that registry before the build (docker/login-action)", "use a token with write access", "check the repository name"],
            documentation: "https://docs.docker.com/build/cache/backends/registry/", fragments: ["insufficient_scope: authorization failed"]),
        ErrorSignature(
            id: "registry-manifest-rejected", title: "Registry rejected the cache manifest (400)",
            rootCause: "The registry (ECR, older Quay/GCR, Pulp) rejects the cache manifest format BuildKit pushed.",
            fix: ["add `image-manifest=true,oci-mediatypes=true` to the registry cache-to (the default since BuildKit v0.21)"],
            documentation: "https://docs.docker.com/build/cache/backends/registry/", fragments: ["400 bad request"], alsoRequires: ["manifest"]),
        ErrorSignature(
            id: "registry-ref-uppercase", title: "Uppercase letters in an image reference",
            rootCause: "An image or cache reference has uppercase letters in its repository, usually from `${{ github.repository }}` or `${{ github.repository_owner }}`.",
            fix: ["lowercase the reference (docker/metadata-action outputs are lowercase; `${GITHUB_REPOSITORY,,}` in a shell step)"],
            rule: "registry-ref-uppercase", documentation: "https://docs.docker.com/build/cache/backends/registry/",
            // `distribution/reference` says `repository name must be lowercase` in older versions and
            // `repository name (<name>) must be lowercase` since `normalize.go` began to name it.
            fragments: ["must be lowercase"], alsoRequires: ["repository name"]),
        ErrorSignature(
            id: "cache-config-too-large", title: "Registry cache config too large", kind: .coldCache,
            rootCause: "The registry cache's config blob is larger than BuildKit reads (1 MiB), typical of big `mode=max` graphs; the cache is silently not used.",
            fix: ["split the cache into scopes/refs per stage", "or use `mode=min`"], documentation: "https://docs.docker.com/build/cache/backends/registry/",
            fragments: ["is too large ("], alsoRequires: ["1048576"]),
        ErrorSignature(
            id: "no-space-left", title: "Runner disk full",
            rootCause: "The runner ran out of disk (about 14 GB free on hosted runners): the build plus `mode=max` caches plus local cache copies (`.buildx-cache` and `.buildx-cache-new`).",
            fix: ["free disk space before the build", "rotate local caches (\"Move cache\" step or `reset=true`)", "use a smaller cache mode"],
            rule: "local-cache-unbounded-growth", documentation: "https://docs.docker.com/build/cache/backends/local/",
            fragments: ["no space left on device"]),
        ErrorSignature(
            id: "request-entity-too-large", title: "Proxy rejected a large upload (413)",
            rootCause: "A reverse proxy in front of the registry rejected a large layer or cache upload.",
            fix: ["raise the proxy's request body limit"], documentation: "https://docs.docker.com/build/cache/backends/registry/",
            fragments: ["413 request entity too large"]),
        ErrorSignature(
            id: "image-manifest-needs-oci", title: "image-manifest without OCI media types",
            rootCause: "A cache export sets `image-manifest=true` together with `oci-mediatypes=false`.",
            fix: ["drop `oci-mediatypes=false`"], rule: "cache-attribute-invalid-value", documentation: cacheDocs,
            fragments: ["oci mediatypes are required for image-manifest cache format"]),
        ErrorSignature(
            id: "unsupported-compression", title: "Unsupported cache compression",
            rootCause: "A cache export names a compression BuildKit does not have.",
            fix: ["use `compression=` gzip, estargz, zstd or uncompressed"], rule: "cache-attribute-invalid-value", documentation: cacheDocs,
            fragments: ["unsupported compression type "]),
        ErrorSignature(
            id: "buildx-missing-action", title: "buildx missing on the runner",
            rootCause: "docker/build-push-action found no buildx plugin on the runner (self-hosted runners).",
            fix: ["add docker/setup-buildx-action before the build"], documentation: "https://github.com/docker/setup-buildx-action",
            fragments: ["docker buildx is required. see https://github.com/docker/setup-buildx-action"]),
        ErrorSignature(
            id: "keep-state-driver", title: "keep-state with a non docker-container driver",
            rootCause: "setup-buildx-action's `keep-state: true` works only with the `docker-container` driver.",
            fix: ["remove `keep-state`, or use the docker-container driver"], documentation: "https://github.com/docker/setup-buildx-action",
            fragments: ["cannot use keep-state with "]),
        ErrorSignature(
            id: "buildx-create-tls", title: "buildx create with TLS environment",
            rootCause: "`docker buildx create` ran with `DOCKER_HOST` and `DOCKER_TLS_*` in the environment (GitLab docker:dind).",
            fix: ["`docker context create ci` first, then `docker buildx create ci --use`"],
            documentation: "https://docs.docker.com/build/ci/", fragments: ["could not create a builder instance with tls data loaded from environment"]),
        ErrorSignature(
            id: "no-output-specified", title: "No output specified", kind: .notice,
            rootCause: "A docker-container build without push, load or output keeps its result only in the build cache (fine for cache-only builds).",
            fix: ["add `push: true` or `load: true` if the image is needed"], documentation: "https://docs.docker.com/build/exporters/",
            fragments: ["no output specified with docker-container driver"]),
        ErrorSignature(
            id: "config-file-docker-driver", title: "BuildKit config on the docker driver",
            rootCause: "A buildkitd configuration was given to the `docker` driver, which takes its configuration from dockerd.",
            fix: ["use the docker-container driver for a custom BuildKit config"], documentation: "https://docs.docker.com/build/builders/drivers/",
            fragments: ["setting config file is not supported for docker driver"]),
        ErrorSignature(
            id: "push-by-digest-docker-driver", title: "Push by digest on the docker driver",
            rootCause: "`push-by-digest=true` (or a push without tags) on the default `docker` driver.",
            fix: dockerDriverFix + ["give the image a tag when pushing"], documentation: "https://docs.docker.com/build/exporters/image-registry/",
            fragments: ["push-by-digest is currently not implemented for docker driver", "tag is needed when pushing to registry"]),
        ErrorSignature(
            id: "s3-bucket-region-missing", title: "s3 cache without bucket or region",
            rootCause: "An s3 cache entry has no `bucket=` or `region=`; buildx never forwards them from the environment.",
            fix: ["add `bucket=` and `region=` to the entry"], rule: "cache-attribute-missing",
            documentation: "https://docs.docker.com/build/cache/backends/s3/", fragments: ["not set for s3 cache"]),
        ErrorSignature(
            id: "azblob-account-url-missing", title: "azblob cache without account_url",
            rootCause: "An azblob cache entry has no `account_url=`.", fix: ["add `account_url=` to the entry"],
            rule: "cache-attribute-missing", documentation: "https://docs.docker.com/build/cache/backends/azblob/",
            fragments: ["account_url attribute is required for azblob cache"]),
        ErrorSignature(
            id: "unexpected-action-input", title: "Action input ignored", kind: .notice,
            rootCause: "An input the action does not declare (build-push-action v1 names on v2+, a typo): the runner only warns, and the step ran without it.",
            fix: ["rename the input to what the action's version declares"], rule: "action-input-unknown",
            documentation: "https://github.com/docker/build-push-action#inputs", fragments: ["unexpected input(s) '"]),
        ErrorSignature(
            id: "deprecated-actions-cache", title: "Deprecated actions/cache",
            rootCause: "actions/cache v1/v2 (or a SHA before v3.4.0/v4.2.0) uses the retired cache service, so GitHub fails the request.",
            fix: ["use actions/cache@v4"], rule: "action-version-outdated", documentation: "https://github.com/actions/cache",
            fragments: ["uses a deprecated version of actions/cache"]),
        ErrorSignature(
            id: "buildx-component-missing", title: "BuildKit enabled without buildx",
            rootCause: "`DOCKER_BUILDKIT=1` is set but the buildx plugin is missing or broken.",
            fix: ["install buildx (docker/setup-buildx-action)"], documentation: "https://docs.docker.com/build/",
            fragments: ["buildkit is enabled but the buildx component is missing or broken"]),
        ErrorSignature(
            id: "cache-import-failed", title: "Cache import failed", kind: .coldCache,
            rootCause: "Importing a cache failed on the `importing cache manifest from …` step (not found, no access, bad reference); BuildKit goes on without that cache.",
            fix: ["check the import's ref or scope matches what is exported", "log in to the registry before the build"],
            documentation: cacheDocs, fragments: []),
    ]

    public static func signature(id: String) -> ErrorSignature? { all.first { $0.id == id } }
}
