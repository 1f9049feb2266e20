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

            Builds are compared by what decides their image: context, Dockerfile, target, build arguments \
            and platforms. Two builds that differ only in tags, labels, `push`, `load` or `outputs` make the \
            same image, so sharing a scope is right — the second even starts warm. A matrix with a single \
            combination, or whose values never reach those inputs, builds the same image every time and is \
            no collision either. Equal scope text is the same scope within a job, expressions included: two \
            different builds that both write `scope=${{ matrix.image }}` still overwrite each other.

            Fix: give each image its own scope, e.g. `scope=${{ matrix.image }}` in both `cache-from` and \
            `cache-to`, and a different prefix per build when one job builds several images.
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
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        include:
                          - platform: linux/amd64
                          - platform: linux/arm64
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          file: api.Dockerfile
                          platforms: ${{ matrix.platform }}
                          cache-to: type=gha,scope=${{ matrix.platform }},mode=max
                      - uses: docker/build-push-action@v6
                        with:
                          file: web.Dockerfile
                          platforms: ${{ matrix.platform }}
                          cache-to: ↓type=gha,scope=${{ matrix.platform }},mode=max
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
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  if: github.ref == 'refs/heads/main'
                  with:
                    context: ./
                    file: ./Dockerfile
                    push: true
                    tags: ghcr.io/acme/app:dev
                    cache-from: type=gha
                    cache-to: type=gha,mode=max
                - uses: docker/build-push-action@v6
                  if: github.event_name == 'release'
                  with:
                    push: true
                    tags: ghcr.io/acme/app:latest
                    labels: org.opencontainers.image.version=${{ github.ref_name }}
                    cache-from: type=gha
                    cache-to: type=gha,mode=max
                """),
            RuleExample(
                """
                on: push
                jobs:
                  build:
                    strategy:
                      matrix:
                        include:
                          - runner: arm-runner
                            arch: arm64
                    runs-on: ${{ matrix.runner }}
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          platforms: linux/${{ matrix.arch }}
                          cache-to: type=gha,mode=max,scope=${{ github.ref_name }}-deb
                """),
            RuleExample(
                """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        python: ["3.11", "3.12", "3.13"]
                    steps:
                      - uses: actions/setup-python@v5
                        with:
                          python-version: ${{ matrix.python }}
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          load: true
                          tags: app:test-${{ matrix.python }}
                          cache-to: type=gha,mode=max
                """),
        ])

    /// One `type=gha` export with the scope it writes, as written (`buildkit` when it names none).
    private struct Export {
        let job: Job
        let step: Step
        let build: BuildInvocation
        let entry: CacheEntry
        let spec: CacheSpec
        let scope: String
    }

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        let exports = plan.builds.flatMap { job, step, build in
            build.cacheExports.compactMap { entry -> Export? in
                guard let spec = entry.specs.first(where: { $0.backend == .gha }), let scope = Self.scopeText(spec, entry)
                else { return nil }
                return Export(job: job, step: step, build: build, entry: entry, spec: spec, scope: scope)
            }
        }
        var diagnostics: [Diagnostic] = []
        let usage = NameUsage(exports)
        // Earlier exports by scope text, one per kind of build: an export that makes the same image as one
        // already kept adds nothing to compare with, so a thousand identical builds cost one comparison each.
        var earlierByScope: [String: [Export]] = [:]
        for export in exports {
            if let finding = matrixCollision(export, among: exports, usage: usage) {
                diagnostics.append(finding)
                continue
            }
            let kept = earlierByScope[export.scope] ?? []
            let earlier = kept.first { other in
                // Builds started at one place are one build run many times (a matrix), except the targets
                // of one bake run, which are different builds.
                (other.build.span != export.build.span || other.build.bakeTarget?.target != export.build.bakeTarget?.target)
                    && Self.sameScope(other, export)
                    && Self.compare(export, other, ignoringTarget: false) == .different
            }
            if !kept.contains(where: { Self.sameScope($0, export) && Self.compare(export, $0, ignoringTarget: false) == .same }) {
                earlierByScope[export.scope, default: []].append(export)
            }
            guard let earlier else { continue }
            let fix = Self.imageName(of: export.build.identity).flatMap { name in
                usage.isUnused(name, by: export) ? scopeFix(export.build, suffix: name) : nil
            }
            // Two targets of one Dockerfile share stages: a `mode=max` export keeps every stage of its own
            // target, so only what the other target alone uses is lost.
            let onlyTargetsDiffer =
                Self.compare(export, earlier, ignoringTarget: true) == .same
                && export.entry.value(of: "mode", in: export.spec) == .known("max")
            let message =
                onlyTargetsDiffer
                ? "this build exports to the GitHub Actions cache scope \(Quoted.code(export.scope)), which the build of another target of the same Dockerfile on line \(earlier.entry.span.start.line) also writes: stages only that target uses lose their cache"
                : "this build exports to the GitHub Actions cache scope \(Quoted.code(export.scope)), which the different build on line \(earlier.entry.span.start.line) also writes: each overwrites the other's cache"
            diagnostics.append(
                description.diagnostic(
                    message, at: export.entry.span, help: "give each image its own `scope=` in cache-from and cache-to",
                    severity: onlyTargetsDiffer ? .info : nil, fix: fix))
        }
        return diagnostics
    }

    /// The matrix combinations of one build that make different images but share the scope.
    private func matrixCollision(_ export: Export, among exports: [Export], usage: NameUsage) -> Diagnostic? {
        guard let matrix = export.job.matrix else { return nil }
        let identity = export.build.identity
        var identityKeys = Set(identity.texts.flatMap(Self.matrixKeys))
        // Without `platforms`, the image is for the runner's platform, which a matrix may choose.
        if identity.platforms.isEmpty, let runsOn = export.job.runsOn { identityKeys.formUnion(Self.matrixKeys(in: runsOn)) }
        let scopeKeys = Set(Self.matrixKeys(in: export.scope))
        // A scope that also depends on something else of the job (a step output, the environment) may differ.
        guard !identityKeys.isEmpty, Self.expressionBodies(in: export.scope).allSatisfy({ Self.isWorkflowWideBody($0) || Self.onlyMatrix($0) })
        else { return nil }
        let varying: [String]
        if let combinations = matrix.combinations(comparableOn: identityKeys.union(scopeKeys)) {
            // Combinations that write the same scope must make the same image.
            let groups = Dictionary(grouping: combinations) { combination in scopeKeys.sorted().map { combination[$0] ?? "" } }
            let colliding = groups.values.contains { group in
                Set(group.map { combination in identityKeys.sorted().map { combination[$0] ?? "" } }).count > 1
            }
            guard colliding else { return nil }
            varying = identityKeys.sorted().filter { matrix.varies(in: [$0]) == true && !scopeKeys.contains($0) }
        } else {
            guard scopeKeys.isEmpty else { return nil }
            varying = identityKeys.sorted()
        }
        let names = varying.map { Quoted.code("matrix." + $0) }.joined(separator: ", ")
        return description.diagnostic(
            "the combinations of the matrix build different images\(names.isEmpty ? "" : " (they differ in \(names))") but all export to the GitHub Actions cache scope \(Quoted.code(export.scope)), so each overwrites the others' cache",
            at: export.entry.span, help: "add a scope that varies with the matrix, e.g. `scope=${{ matrix.<key> }}`, to cache-from and cache-to",
            fix: matrixFix(export, varying: varying, among: exports, usage: usage))
    }

    /// A scope suffix made of the varying matrix keys — prefixed with the image's name when another build
    /// of the job writes the same scope, since equal text is the same scope there.
    private func matrixFix(_ export: Export, varying: [String], among exports: [Export], usage: NameUsage) -> Fix? {
        let scalarKeys = varying.filter { key in
            export.job.matrix?.combinations?.allSatisfy { !($0[key]?.hasPrefix("[") ?? false) && !($0[key]?.hasPrefix("{") ?? false) } ?? true
        }
        guard !varying.isEmpty, scalarKeys == varying, varying.count <= 3,
            export.job.matrix?.combinations(comparableOn: Set(varying)) != nil || varying.count == 1
        else { return nil }
        var suffix = varying.map { "${{ matrix.\($0) }}" }.joined(separator: "-")
        let sharesScope = exports.contains { other in
            other.job.id == export.job.id && other.build.span != export.build.span && other.scope == export.scope
        }
        if sharesScope {
            guard let name = Self.imageName(of: export.build.identity), usage.isUnused(name, by: export) else { return nil }
            suffix = name + "-" + suffix
        }
        return scopeFix(export.build, suffix: suffix)
    }

    /// Gives every gha entry of the build (imports too, so the build reads what it writes) a scope ending
    /// in `suffix`: a new `scope=<suffix>`, or `-<suffix>` appended to the scope it has.
    private func scopeFix(_ build: BuildInvocation, suffix: String) -> Fix? {
        var edits: [TextEdit] = []
        var paths = Set<String>()
        for entry in build.cacheEntries {
            guard let spec = entry.specs.first(where: { $0.backend == .gha }) else { continue }
            paths.insert(entry.span.path)
            if let field = spec.field("scope") {
                guard let written = entry.writtenValue(of: field), let edit = entry.replacing(field, with: "scope=\(written)-\(suffix)")
                else { return nil }
                edits.append(edit)
            } else {
                guard let type = spec.typeField, let exact = entry.exactSpan(of: type) else { return nil }
                edits.append(.insert(",scope=\(suffix)", at: exact.end.offset))
            }
        }
        // One fix edits one file: entries written in several (a bake file and a `set:` line) are left as they are.
        guard !edits.isEmpty, paths.count == 1, let path = paths.first else { return nil }
        return Fix(summary: "give the build its own GitHub Actions cache scope", path: path, edits: edits)
    }

    /// Whether two exports' builds make the same image; with `ignoringTarget`, as if both built the same target.
    private static func compare(_ a: Export, _ b: Export, ignoringTarget: Bool) -> BuildIdentity.Comparison {
        let identity = a.build.identity
        let mine = ignoringTarget ? identity.with(target: b.build.identity.target) : identity
        return mine.compared(
            with: b.build.identity, sameValue: { a.job.id == b.job.id || isWorkflowWide($0) }, samePlatform: samePlatform(a.job, b.job))
    }

    /// Whether two exports write the same scope: the same text, where any expression in it has the same
    /// value for both (one job, or an expression of the whole run such as `github.ref_name`). Two steps
    /// whose `if:` picks different matrix combinations (`matrix.image == 'api'`) may never write a
    /// matrix-made scope in the same combination.
    private static func sameScope(_ a: Export, _ b: Export) -> Bool {
        guard a.scope == b.scope else { return false }
        if a.job.id != b.job.id { return isWorkflowWide(a.scope) }
        let conditionsPickCombinations =
            a.step.condition != b.step.condition
            && [a.step.condition, b.step.condition].contains { $0.map { !matrixKeys(in: "${{ \($0) }}").isEmpty } ?? false }
        return matrixKeys(in: a.scope).isEmpty || !conditionsPickCombinations
    }

    /// Two builds without `platforms` build for their runner's platform: the same job, or two
    /// GitHub-hosted runners of the same architecture, build for the same one.
    private static func samePlatform(_ a: Job, _ b: Job) -> BuildIdentity.Comparison {
        if a.id == b.id { return .same }
        guard case .githubHosted(let first, _) = a.host, case .githubHosted(let second, _) = b.host else { return .unknown }
        func isARM(_ label: String) -> Bool { label.containsText("arm") }
        return isARM(first) == isARM(second) ? .same : .different
    }

    /// The contexts whose values differ between jobs or steps of one run.
    private static let jobContexts: Set<String> = ["matrix", "strategy", "needs", "env", "steps", "job", "jobs", "runner"]

    /// Whether every expression in `text` has the same value everywhere in a run.
    static func isWorkflowWide(_ text: String) -> Bool {
        expressionBodies(in: text).allSatisfy(isWorkflowWideBody)
    }

    /// Whether an expression body reads no job-, step- or matrix-specific context (and not `github.job`
    /// or `github.action`, which name the job and the step).
    private static func isWorkflowWideBody(_ body: String) -> Bool {
        contextReferences(in: body).allSatisfy {
            !jobContexts.contains($0.context) && !($0.context == "github" && ["job", "action"].contains($0.field))
        }
    }

    /// Whether an expression reads only the matrix (besides literals and functions).
    private static func onlyMatrix(_ body: String) -> Bool {
        contextReferences(in: body).allSatisfy { $0.context == "matrix" }
    }

    /// The text inside each `${{ … }}` of `text` (an unterminated one runs to the end).
    static func expressionBodies(in text: String) -> [String] {
        guard Expression.occurs(in: text) else { return [] }
        var bodies: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                bodies.append(String(after))
                break
            }
            bodies.append(String(after[..<close.lowerBound]))
            rest = after[close.upperBound...]
        }
        return bodies
    }

    /// `context.field` references in an expression body, outside string literals (`matrix['key']`
    /// counts as `matrix`).
    static func contextReferences(in body: String) -> [(context: String, field: String)] {
        var references: [(String, String)] = []
        let characters = Array(body)
        var index = 0
        func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" }
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                // A string literal; `''` inside it is an escaped quote.
                index += 1
                while index < characters.count {
                    if characters[index] == "'" {
                        if index + 1 < characters.count, characters[index + 1] == "'" { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
                continue
            }
            guard character.isLetter || character == "_", index == 0 || !isNameCharacter(characters[index - 1]) && characters[index - 1] != "."
            else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
            let name = String(characters[index..<end])
            if end < characters.count, characters[end] == "." || characters[end] == "[" {
                // `name.field`, or `name['field']`.
                let quoted = characters[end] == "[" && end + 1 < characters.count && characters[end + 1] == "'"
                let fieldStart = end + (quoted ? 2 : 1)
                var fieldEnd = fieldStart
                while fieldEnd < characters.count, isNameCharacter(characters[fieldEnd]) { fieldEnd += 1 }
                references.append((name.lowercased(), String(characters[fieldStart..<fieldEnd]).lowercased()))
            }
            index = end
        }
        return references
    }

    /// The distinct `matrix.<key>` names a text uses.
    static func matrixKeys(in text: String) -> [String] {
        var keys: [String] = []
        for body in expressionBodies(in: text) {
            for reference in contextReferences(in: body) where reference.context == "matrix" && !reference.field.isEmpty {
                if !keys.contains(reference.field) { keys.append(reference.field) }
            }
        }
        return keys
    }

    /// A literal name for the build's image: its target, else its context folder, else its Dockerfile's
    /// distinctive part (`api.Dockerfile`, `Dockerfile.api` → `api`).
    static func imageName(of identity: BuildIdentity) -> String? {
        let folder = identity.contextPath == "." ? nil : identity.contextPath
        for input in [identity.target, folder, identity.file].compactMap({ $0 }) where !Expression.occurs(in: input) {
            let last = input.split(separator: "/").last.map(String.init) ?? ""
            let name = last.split(separator: ".").filter { $0 != "Dockerfile" }.joined(separator: "-")
                .filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            if !name.isEmpty { return name }
        }
        return nil
    }

    /// Whether `name` is free to tell this build's scope apart: no other export's scope contains it and
    /// no other build's image has the same name.
    /// Which scopes and image names the exports use, counted once, so that asking whether a name is free
    /// for every finding does not scan every export again.
    private struct NameUsage {
        private var buildsByScope: [String: Set<Span>] = [:]
        private var buildsByImageName: [String: Set<Span>] = [:]

        init(_ exports: [Export]) {
            for export in exports {
                buildsByScope[export.scope, default: []].insert(export.build.span)
                if let name = imageName(of: export.build.identity) { buildsByImageName[name, default: []].insert(export.build.span) }
            }
        }

        /// Whether no other build's scope contains `name` and no other build is named so.
        func isUnused(_ name: String, by export: Export) -> Bool {
            func others(_ builds: Set<Span>?) -> Bool {
                guard let builds else { return false }
                return builds.count > (builds.contains(export.build.span) ? 1 : 0)
            }
            if others(buildsByImageName[name]) { return false }
            return !buildsByScope.contains { scope, builds in scope.containsText(name) && others(builds) }
        }
    }

    /// The scope as written (`buildkit` when absent); `nil` when the action changed the text.
    private static func scopeText(_ spec: CacheSpec, _ entry: CacheEntry) -> String? {
        guard let field = spec.field("scope") else { return "buildkit" }
        return entry.writtenValue(of: field)
    }
}
