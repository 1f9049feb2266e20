import BuildxModel

/// Different builds writing the same GitHub Actions cache scope (https://docs.docker.com/build/cache/backends/gha/#scope:
/// "each build will overwrite the cache of the previous").
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
                    let keys = Self.matrixKeys(in: build.identity)
                    diagnostics.append(
                        description.diagnostic(
                            "every combination of the matrix exports to the GitHub Actions cache scope `\(scope ?? "buildkit")`, so each overwrites the others' cache",
                            at: entry.span, help: "add a scope that varies with the matrix, e.g. `scope=${{ matrix.<key> }}`, to cache-from and cache-to",
                            fix: keys.count == 1 ? scopeFix(build, suffix: "${{ matrix.\(keys[0]) }}") : nil))
                    continue
                }
                guard let scope, !Expression.occurs(in: scope) else { continue }
                if let first = firstByScope[scope] {
                    if first.identity != build.identity {
                        diagnostics.append(
                            description.diagnostic(
                                "this build exports to the GitHub Actions cache scope `\(scope)`, which the different build on line \(first.line) also writes: each overwrites the other's cache",
                                at: entry.span, help: "give each image its own `scope=` in cache-from and cache-to",
                                fix: Self.imageName(of: build).flatMap { scopeFix(build, suffix: $0) }))
                    }
                } else {
                    firstByScope[scope] = (build.identity, entry.span.start.line)
                }
            }
        }
        return diagnostics
    }

    /// Gives every gha entry of the build (imports too, so the build reads what it writes) a scope ending
    /// in `suffix`: a new `scope=<suffix>`, or `-<suffix>` appended to the scope it has.
    private func scopeFix(_ build: BuildInvocation, suffix: String) -> Fix? {
        var edits: [TextEdit] = []
        for entry in build.cacheEntries {
            guard let spec = entry.specs.first(where: { $0.backend == .gha }) else { continue }
            if let field = spec.field("scope") {
                guard let written = entry.writtenValue(of: field), let edit = entry.replacing(field, with: "scope=\(written)-\(suffix)")
                else { return nil }
                edits.append(edit)
            } else {
                guard let type = spec.typeField, let exact = entry.exactSpan(of: type) else { return nil }
                edits.append(.insert(",scope=\(suffix)", at: exact.end.offset))
            }
        }
        return edits.isEmpty ? nil : Fix(summary: "give the build its own GitHub Actions cache scope", edits: edits)
    }

    /// The distinct `matrix.<key>` names a text uses.
    static func matrixKeys(in text: String) -> [String] {
        var keys: [String] = []
        var rest = Substring(text)
        while let range = rest.range(of: "matrix.") {
            let key = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            if !key.isEmpty, !keys.contains(String(key)) { keys.append(String(key)) }
            rest = rest[range.upperBound...]
        }
        return keys
    }

    /// A literal name for the build's image: its context folder, else its Dockerfile's distinctive part
    /// (`api.Dockerfile`, `Dockerfile.api` → `api`).
    static func imageName(of build: BuildInvocation) -> String? {
        let inputs = build.identity.split(separator: "\u{0}", omittingEmptySubsequences: false).prefix(2)
        for input in inputs where !input.isEmpty && !Expression.occurs(in: String(input)) {
            let last = input.split(separator: "/").last.map(String.init) ?? ""
            let name = last.split(separator: ".").filter { $0 != "Dockerfile" }.joined(separator: "-")
                .filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            if !name.isEmpty { return name }
        }
        return nil
    }

    /// The scope as written (`buildkit` when absent); `nil` when the action changed the text.
    private func scopeText(_ spec: CacheSpec, _ entry: CacheEntry) -> String? {
        guard let field = spec.field("scope") else { return "buildkit" }
        return entry.writtenValue(of: field)
    }
}
