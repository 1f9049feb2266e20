import BuildxModel

/// A cache entry buildx cannot parse (`docker/buildx util/buildflags/cache.go` `ParseCacheEntry`).
struct CacheSpecInvalid: Rule {
    let description = RuleDescription(
        id: "cache-spec-invalid",
        severity: .error,
        summary: "A cache-from or cache-to entry that buildx cannot parse: the build fails at once.",
        explanation: """
            buildx reads each `cache-from`/`cache-to` entry as one line of comma-separated `key=value` \
            fields. An entry that has `=` anywhere needs a `type=` field; every field needs `=`; a double \
            quote may only open a field and must be closed. buildx stops before building with errors such as

                type required for "ref=user/app:cache"
                invalid value /tmp/.buildx-cache
                parse error on line 1, column 19: bare " in non-quoted-field

            build-push-action first splits the input into one entry per line; quotes around a field that \
            holds commas are removed by that split, so `type=local,"dest=/a,b"` reaches buildx as \
            `type=local,dest=/a,b` and fails with `invalid value b`.

            Fix: write each entry as `type=<backend>,key=value,…`, one per line; the ref-only shorthand \
            `user/app:cache` (no `=`) means `type=registry,ref=user/app:cache`.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓ref=ghcr.io/acme/app:cache
                    cache-to: |
                      ↓type=local,/tmp/.buildx-cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=registry,ref=ghcr.io/acme/app:cache"
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: |
                      ghcr.io/acme/app:cache
                      type=local,src=/tmp/.buildx-cache
                    cache-to: type=local,${{ inputs.cache-dest }}
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.compactMap { _, _, _, entry in
            switch entry.content {
            case .invalid(let error):
                return description.diagnostic(
                    "buildx cannot parse this \(entry.direction.flag) entry and the build fails: \(Quoted.code(error.description))",
                    at: entry.span, help: help(for: error))
            case .unsplittable:
                return description.diagnostic(
                    "docker/build-push-action cannot split this \(entry.direction.flag) list: a quoted value is never closed",
                    at: entry.span, help: "close the quote, or remove it: quotes are only needed around a field that contains a comma")
            case .specs, .unknown:
                return nil
            }
        }
    }

    private func help(for error: CacheSpecError) -> String {
        switch error {
        case .typeRequired: "start the entry with `type=<backend>` (registry, local, gha, s3, azblob or inline)"
        case .invalidValue(let field):
            "write the field \(Quoted.code(field)) as `key=value`, e.g. \(Quoted.code("dest=" + field)) or \(Quoted.code("src=" + field))"
        case .csv: "quote a whole field (`\"dest=/a,b\"`) only when it contains a comma; otherwise drop the quotes"
        }
    }
}
