/// A bake definition (`docker-bake*.hcl`, `docker-bake*.json`) or a Compose file checked on its own, when
/// no CI file checked with it runs bake on it. Each target is a build of its own; which builder runs bake
/// is not known, so only the rules about the values themselves can speak (driver rules stay silent).
struct BakeFrontend: Frontend {
    func claims(relativePath: String) -> Bool {
        let name = Self.name(relativePath)
        if name.hasPrefix("docker-bake"), name.hasSuffix(".hcl") || name.hasSuffix(".json") { return true }
        return Self.isComposeName(name)
    }

    /// `compose.yaml`, `docker-compose.yml`, `compose.override.yaml`, `docker-compose.prod.yml` and the like.
    static func isComposeName(_ name: String) -> Bool {
        guard name.hasSuffix(".yml") || name.hasSuffix(".yaml") else { return false }
        return name.hasPrefix("compose.") || name.hasPrefix("docker-compose.") || name == "compose.yaml" || name == "compose.yml"
    }

    private static func name(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    func plan(_ input: FrontendInput) -> BuildPlan? {
        let file = input.file
        let name = Self.name(file.path)
        let kind: FileKind
        let documents: [BakeDocument]
        if name.hasSuffix(".hcl") || (name.hasSuffix(".json") && (name.hasPrefix("docker-bake") || input.yaml?.mapping?["target"]?.mapping != nil)) {
            guard let read = BakeDefinitions.documents([file], environment: BakeEnvironment()) else { return nil }
            kind = .bakeFile
            documents = read
        } else if ComposeReader.isCompose(input.yaml) {
            kind = .composeFile
            documents = [ComposeReader.read(file, root: input.yaml, environment: BakeEnvironment())]
        } else {
            return nil
        }
        return Self.plan(file, kind: kind, documents: documents)
    }

    /// The plan of definition files read into `documents`.
    static func plan(_ file: SourceFile, kind: FileKind, documents: [BakeDocument]) -> BuildPlan {
        // Every target on its own: which ones a run asks for is decided where bake runs.
        var requested: [WrittenText] = []
        for block in documents.flatMap(\.targets) where !requested.contains(where: { $0.text == block.name }) {
            requested.append(WrittenText(text: block.name, span: block.nameSpan))
        }
        let start = file.span(0..<0)
        let resolution = BakeResolver.resolve(documents, requested: requested, overrides: [], sources: [file])
        let sources = [file.path: file]
        var steps = [Step(index: 0, span: start, builderChange: .unknown(reason: "a bake file checked on its own builds on whatever builder runs bake"))]
        for target in resolution.targets {
            let build = BakeBuilds.invocation(target, span: target.nameSpan, selection: .current, actionsRuntime: .unknown, sources: sources)
            steps.append(Step(index: steps.count, span: target.nameSpan, build: build))
        }
        let host = RunnerHost.unknownMachine("the machine that runs bake")
        let job = Job(
            id: "bake", span: start, host: host, steps: BuilderSimulation.run(steps, on: host),
            place: kind == .bakeFile ? "this bake file" : "this Compose file")
        return BuildPlan(file: file, kind: kind, jobs: requested.isEmpty ? [] : [job], bakeProblems: resolution.problems)
    }
}

/// Findings about what bake refuses, reported like a rule's: an unknown target, a bad `--set`, a
/// target name bake does not accept, a value of the wrong type, an `inherits` cycle.
enum BakeDefinitionRule {
    public static let description = RuleDescription(
        id: "bake-definition-invalid", severity: .error, summary: "bake refuses the definition or the command that runs it.",
        explanation: """
            `docker buildx bake` reads its definition files (HCL, JSON or Compose), merges them, expands the \
            groups and targets it is asked for, follows `inherits`, and applies `--set` overrides before it \
            builds anything. When one of these steps fails — a target that no file defines (`failed to find \
            target`), an override whose key bake does not know (`unknown key`), an override without a \
            target pattern, a pattern that matches no target, a target name outside `[a-zA-Z0-9_-]`, a value \
            of the wrong type — bake stops with that error and nothing is built.

            An `inherits` cycle is not an error: bake silently drops the inherit that closes the cycle, so \
            the target misses the values it was meant to inherit. That finding is a warning.

            Fix the name, key or value at the reported place; the message is the error bake prints.
            """,
        helpURI: "https://docs.docker.com/build/bake/reference/",
        triggeringExamples: [], nonTriggeringExamples: [])

    /// The findings of a plan's bake problems.
    static func diagnostics(_ plan: BuildPlan) -> [Diagnostic] {
        plan.bakeProblems.filter { !$0.span.path.isEmpty }.map { problem in
            description.diagnostic(
                problem.stopsBake ? "bake stops: \(problem.message)" : problem.message, at: problem.span,
                help: problem.stopsBake ? "fix it here: bake builds nothing until then" : "remove the inherit that closes the cycle",
                severity: problem.stopsBake ? .error : .warning)
        }
    }
}
