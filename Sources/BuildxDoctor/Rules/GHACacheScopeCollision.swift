import BuildxModel

/// Different builds writing the same GitHub Actions cache scope (facts §8.2).
struct GHACacheScopeCollision: Rule {
    let description = RuleDescription(
        id: "gha-cache-scope-collision",
        severity: .warning,
        summary: "Several builds export `type=gha` cache to the same scope and overwrite each other.",
        explanation: """
            A `type=gha` cache is stored under its `scope` (default `buildkit`) and the branch. Every export \
            replaces the scope's index, so when two different images — two steps, two jobs, or the \
            combinations of a matrix — export to the same scope, only the last one's cache survives and the \
            others start cold next time: "If you build multiple images, each build will overwrite the cache \
            of the previous, leaving only the final cache."

            Fix: give each image its own scope, e.g. `scope=${{ matrix.image }}` in both `cache-from` and \
            `cache-to`.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/gha/#scope",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    context: ./api
                    cache-to: type=gha,mode=max
                - uses: docker/build-push-action@v6
                  with:
                    context: ./web
                    cache-to: ↓type=gha,mode=max
                """),
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        image: [api, web]
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          context: ./${{ matrix.image }}
                          cache-to: ↓type=gha,scope=images,mode=max
                """),
        ],
        nonTriggeringExamples: [
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        image: [api, web]
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          context: ./${{ matrix.image }}
                          cache-to: type=gha,scope=${{ matrix.image }},mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    context: ./api
                    cache-to: type=gha,scope=api
                - uses: docker/build-push-action@v6
                  with:
                    context: ./web
                    cache-to: type=gha,scope=web
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        var firstByScope: [String: (identity: String, line: Int)] = [:]
        var diagnostics: [Diagnostic] = []
        for (job, _, build) in plan.builds {
            for entry in build.cacheExports {
                guard let spec = entry.specs.first(where: { $0.backend == .gha }) else { continue }
                let scope = scopeText(spec, entry)
                if job.hasMatrix, build.identity.containsText("matrix."), !(scope?.containsText("matrix.") ?? false) {
                    diagnostics.append(
                        description.diagnostic(
                            "every combination of the matrix exports to the GitHub Actions cache scope `\(scope ?? "buildkit")`, so each overwrites the others' cache",
                            at: entry.span, help: "add a scope that varies with the matrix, e.g. `scope=${{ matrix.<key> }}`, to cache-from and cache-to"))
                    continue
                }
                guard let scope, !Expression.occurs(in: scope) else { continue }
                if let first = firstByScope[scope] {
                    if first.identity != build.identity {
                        diagnostics.append(
                            description.diagnostic(
                                "this build exports to the GitHub Actions cache scope `\(scope)`, which the different build on line \(first.line) also writes: each overwrites the other's cache",
                                at: entry.span, help: "give each image its own `scope=` in cache-from and cache-to"))
                    }
                } else {
                    firstByScope[scope] = (build.identity, entry.span.start.line)
                }
            }
        }
        return diagnostics
    }

    /// The scope as written (`buildkit` when absent); `nil` when the action changed the text.
    private func scopeText(_ spec: CacheSpec, _ entry: CacheEntry) -> String? {
        guard let field = spec.fields.last(where: { $0.key == "scope" }) else { return "buildkit" }
        return entry.writtenValue(of: field)
    }
}
