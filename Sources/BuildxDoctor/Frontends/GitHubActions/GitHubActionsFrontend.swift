import BuildxModel

/// Turns a GitHub Actions workflow or composite action into a build plan.
public struct GitHubActionsFrontend: Frontend {
    public init() {}

    /// Workflows directly inside `.github/workflows` (the only place GitHub reads them) and action
    /// metadata files anywhere.
    public func claims(relativePath: String) -> Bool {
        let components = relativePath.split(separator: "/")
        guard let name = components.last else { return false }
        if name == "action.yml" || name == "action.yaml" { return true }
        let isYAML = name.hasSuffix(".yml") || name.hasSuffix(".yaml")
        return isYAML && components.count >= 3 && components[components.count - 2] == "workflows"
            && components[components.count - 3] == ".github"
    }

    public func plan(_ input: FrontendInput) -> BuildPlan? {
        guard let root = input.yaml, let kind = Self.kind(of: root) else { return nil }
        return Self.plan(root, kind: kind, file: input.file, localActions: input.repository, runnerFacts: input.runnerFacts)
    }

    /// Which kind of GitHub Actions file `root` is, judged by content: a workflow has `jobs` and `on`
    /// (or jobs with `runs-on`/`uses`, which CircleCI's `jobs` never have); a composite action has
    /// `runs.using: composite`.
    public static func kind(of root: YAMLNode?) -> FileKind? {
        guard let mapping = root?.mapping else { return nil }
        if let jobs = mapping["jobs"]?.mapping {
            let hasTrigger = mapping.entry("on") != nil
            let hasGitHubJobs = jobs.entries.contains { $0.value.mapping?["runs-on"] != nil || $0.value.mapping?["uses"] != nil }
            if hasTrigger || hasGitHubJobs { return .githubWorkflow }
        }
        if let runs = mapping["runs"]?.mapping, runs["using"]?.string == "composite" { return .githubCompositeAction }
        return nil
    }

    public static func plan(
        _ root: YAMLNode, kind: FileKind, file: SourceFile, localActions: RepositoryFileLoader = RepositoryFileLoader(repositoryRoot: nil),
        runnerFacts: RunnerFacts = RunnerFacts()
    ) -> BuildPlan {
        let reader = Reader(file: file, localActions: localActions, depth: 0, runnerFacts: runnerFacts)
        let jobs = kind == .githubCompositeAction ? reader.compositeJob(root.mapping) : reader.workflowJobs(root.mapping)
        return BuildPlan(file: file, kind: kind, jobs: jobs, triggers: triggers(root.mapping?["on"]), editor: GitHubActionsEditor())
    }

    /// `on:` as one event, a list of events, or a mapping of events to their filters.
    private static func triggers(_ node: YAMLNode?) -> Set<String> {
        switch node {
        case .scalar(let scalar)?: [scalar.value]
        case .sequence(let sequence)?: Set(sequence.items.compactMap(\.string))
        case .mapping(let mapping)?: Set(mapping.entries.map(\.key.value))
        case nil: []
        }
    }
}

/// Reads jobs and steps out of the YAML tree of one file.
private struct Reader {
    let file: SourceFile
    let localActions: RepositoryFileLoader
    /// How many local actions deep this reader is; bounds cycles of actions that use each other.
    let depth: Int
    /// What the configuration says about the runners' Docker Engines.
    var runnerFacts = RunnerFacts()

    func workflowJobs(_ workflow: YAMLMapping?) -> [Job] {
        guard let jobs = workflow?["jobs"]?.mapping else { return [] }
        let workflowEnv = environment(workflow?["env"])
        return jobs.entries.compactMap { entry in
            guard let job = entry.value.mapping else { return nil }
            let span = entry.key.valueSpan(in: file)
            if let called = job["uses"]?.string {
                return Job(id: entry.key.value, span: span, host: .decidedAtRunTime, steps: [], calledWorkflow: called)
            }
            var host = runnerFacts.applied(to: runnerHost(job["runs-on"]), runsOn: job["runs-on"])
            let env = workflowEnv.merging(environment(job["env"])) { $1 }
            if job["container"] != nil || env["DOCKER_HOST"] != nil || env["DOCKER_CONTEXT"] != nil {
                // The build talks to a Docker Engine the workflow does not describe.
                host = .selfHosted(label: job["container"] != nil ? "job container" : "DOCKER_HOST")
            }
            let steps = self.steps(job["steps"], inheritedEnv: env, defaultShellIsPOSIX: !Self.isWindows(host))
            let permissions = self.permissions(job.entry("permissions") ?? workflow?.entry("permissions"))
            return Job(
                id: entry.key.value, span: span, host: host, steps: BuilderSimulation.run(steps, on: host),
                permissions: permissions, condition: job["if"]?.string.map(normalizedCondition),
                hasMatrix: job["strategy"]?.mapping?["matrix"] != nil, matrix: MatrixReader.matrix(job["strategy"]?.mapping?["matrix"]),
                runsOn: MatrixReader.runsOn(job["runs-on"]))
        }
    }

    func compositeJob(_ action: YAMLMapping?) -> [Job] {
        guard let runs = action?.entry("runs"), let body = runs.value.mapping else { return [] }
        let steps = self.steps(body["steps"], inheritedEnv: [:], defaultShellIsPOSIX: true)
        return [
            Job(
                id: "composite action", span: runs.key.valueSpan(in: file), host: .caller,
                steps: BuilderSimulation.run(steps, on: .caller))
        ]
    }

    private func permissions(_ entry: YAMLMapping.Entry?) -> Permissions? {
        guard let entry else { return nil }
        let span = entry.key.valueSpan(in: file)
        switch entry.value {
        case .scalar(let scalar) where Expression.occurs(in: scalar.value): return Permissions(grant: .unknown, span: span)
        case .scalar(let scalar) where scalar.isNull: return Permissions(grant: .scopes([:]), span: span)
        case .scalar(let scalar): return Permissions(grant: .all(scalar.value), span: span)
        case .mapping(let mapping):
            var scopes: [String: String] = [:]
            for scope in mapping.entries { scopes[scope.key.value] = scope.value.string ?? "" }
            let entries = mapping.entries.compactMap { scope -> (scope: WrittenText, level: WrittenText)? in
                guard let level = scope.value.scalar else { return nil }
                return (
                    WrittenText(text: scope.key.value, span: scope.key.valueSpan(in: file)),
                    WrittenText(text: level.value, span: level.valueSpan(in: file))
                )
            }
            return Permissions(grant: .scopes(scopes), span: span, entries: entries, isFlow: mapping.isFlow)
        case .sequence: return Permissions(grant: .unknown, span: span)
        }
    }

    /// `runs-on` as a string, a list of labels, or a `group`/`labels` mapping.
    private func runnerHost(_ node: YAMLNode?) -> RunnerHost {
        let labels: [String]
        switch node {
        case .scalar(let scalar)?: labels = [scalar.value]
        case .sequence(let sequence)?: labels = sequence.items.compactMap(\.string)
        case .mapping(let mapping)?: return .selfHosted(label: mapping["group"]?.string ?? "runner group")
        case nil: return .decidedAtRunTime
        }
        if labels.contains(where: Expression.occurs) || labels.isEmpty { return .decidedAtRunTime }
        let hostedPrefixes = ["ubuntu-", "windows-", "macos-"]
        if labels.count == 1, hostedPrefixes.contains(where: labels[0].hasPrefix) {
            return .githubHosted(label: labels[0])
        }
        return .selfHosted(label: labels.joined(separator: ", "))
    }

    private func environment(_ node: YAMLNode?) -> [String: String] {
        var result: [String: String] = [:]
        for entry in node?.mapping?.entries ?? [] { result[entry.key.value] = entry.value.string ?? "" }
        return result
    }

    /// The job's steps in order; a `run:` step is followed by the docker commands it runs, each a step
    /// of its own at its line, so that builder changes and builds inside one script keep their order.
    private func steps(_ node: YAMLNode?, inheritedEnv: [String: String], defaultShellIsPOSIX: Bool) -> [Step] {
        guard let items = node?.sequence?.items else { return [] }
        var result: [Step] = []
        // crazy-max/ghaction-github-runtime (and look-alikes such as Automattic's expose-github-runtime, or a
        // github-script step that exports ACTIONS_RUNTIME_TOKEN) hands the cache service's variables to later steps.
        var runtimeExported = false
        for item in items {
            guard let mapping = item.mapping else { continue }
            let step = self.step(mapping, index: result.count, inheritedEnv: inheritedEnv)
            if let action = step.action, action.repository == "docker/bake-action",
                let run = BakeActionInputs(ActionInputs(mapping: mapping["with"]?.mapping, file: file)).run(
                    at: action.span, environment: inheritedEnv.merging(environment(mapping["env"])) { $1 }, loader: localActions)
            {
                result += run.steps(replacing: step, enclosing: nil, startingAt: result.count)
                continue
            }
            result.append(step)
            if let action = step.action,
                action.text.lowercased().containsText("runtime")
                    || (action.repository == "actions/github-script" && mapping["with"]?.mapping?["script"]?.string?.containsText("ACTIONS_RUNTIME_TOKEN") == true)
            {
                runtimeExported = true
            }
            guard let run = mapping["run"]?.scalar, Self.isPOSIXShell(mapping["shell"]?.string, byDefault: defaultShellIsPOSIX)
            else { continue }
            let env = inheritedEnv.merging(environment(mapping["env"])) { $1 }
            var known = env.filter { !Expression.occurs(in: $0.value) }
            result += CommandSteps(file: file, loader: localActions).steps(
                inScript: run, startingAt: result.count, knownVariables: &known,
                context: CommandSteps.Context(
                    enclosing: step, builderFromEnvironment: env["BUILDX_BUILDER"],
                    actionsRuntime: runtimeExported || env["ACTIONS_RUNTIME_TOKEN"] != nil ? .exposed : .missing),
                variablesOutliveScript: false)
        }
        return result
    }

    /// `shell: bash`, `sh` or a command line starting with them; pwsh, python and cmd scripts are not read.
    private static func isPOSIXShell(_ shell: String?, byDefault: Bool) -> Bool {
        guard let shell = shell?.trimmingWhitespace(), !shell.isEmpty else { return byDefault }
        let program = shell.split(separator: " ").first.map(String.init) ?? shell
        return ["bash", "sh"].contains(program.split(separator: "/").last.map(String.init) ?? program)
    }

    /// Windows runners run `run:` steps with PowerShell unless `shell:` says otherwise.
    private static func isWindows(_ host: RunnerHost) -> Bool {
        if case .githubHosted(let label, _) = host { return label.hasPrefix("windows") }
        return false
    }

    private func step(_ mapping: YAMLMapping, index: Int, inheritedEnv: [String: String]) -> Step {
        // The step's first key as written here; a key merged in with `<<` stands elsewhere in the file.
        let firstKeyEnd = mapping.entries.first?.key.valueSpan(in: file).end.offset ?? mapping.start.offset
        let span = file.span(mapping.start.offset..<max(mapping.start.offset, firstKeyEnd))
        let writtenCondition = mapping["if"]?.scalar.flatMap { scalar -> WrittenText? in
            let span = scalar.valueSpan(in: file)
            guard span.start.line == span.end.line, scalar.style != .literal, scalar.style != .folded else { return nil }
            return WrittenText(text: String(decoding: file.bytes[span.byteRange], as: UTF8.self), span: span)
        }
        var action: ActionReference?
        var change: BuilderChange?
        var build: BuildInvocation?
        var script: Script?
        var login: RegistryLogin?
        var restoredPaths: [String] = []
        var inputNames: [WrittenText] = []
        if let run = mapping["run"]?.scalar {
            script = Script(text: run.value, span: run.valueSpan(in: file))
        } else if let uses = mapping["uses"]?.scalar {
            let reference = ActionReference(parsing: uses.value, span: uses.valueSpan(in: file))
            let inputs = ActionInputs(mapping: mapping["with"]?.mapping, file: file)
            change = KnownActions.builderChange(of: reference, inputs: inputs)
            if case .local(let path) = reference.kind, let local = localActionChange(path) { change = local }
            if KnownActions.isBuildPushAction(reference) {
                let builderFromEnv = environment(mapping["env"])["BUILDX_BUILDER"] ?? inheritedEnv["BUILDX_BUILDER"]
                build = inputs.buildInvocation(at: reference.span, builderFromEnv: builderFromEnv)
                change = nil
            }
            restoredPaths = KnownActions.restoredPaths(of: reference, inputs: inputs)
            login = KnownActions.registryLogin(of: reference, inputs: inputs)
            inputNames = (inputs.mapping?.entries ?? []).map { WrittenText(text: $0.key.value, span: $0.key.valueSpan(in: file)) }
            action = reference
        }
        return Step(
            index: index, span: span, end: mapping.end, id: mapping["id"]?.string, name: mapping["name"]?.string,
            condition: mapping["if"]?.string.map(normalizedCondition), writtenCondition: writtenCondition, action: action,
            builderChange: change, build: build, script: script, restoredPaths: restoredPaths, inputs: inputNames,
            inputsKey: mapping.entry("with")?.key.valueSpan(in: file), inputsInFlowStyle: mapping["with"]?.mapping?.isFlow ?? false,
            registryLogin: login)
    }

    /// What a local composite action does to the builder: the last change among its own steps, or no
    /// change (`.some(nil)`); `nil` when the action cannot be read, leaving the caller's guess in place.
    private func localActionChange(_ path: String) -> BuilderChange?? {
        guard depth < 4, let (actionFile, root) = localActions.loadAction(path),
            GitHubActionsFrontend.kind(of: root) == .githubCompositeAction
        else { return nil }
        let reader = Reader(file: actionFile, localActions: localActions, depth: depth + 1)
        let steps = reader.compositeJob(root.mapping).first?.steps ?? []
        return .some(steps.last(where: { $0.builderChange != nil })?.builderChange)
    }

    /// `if:` may be written with or without `${{ }}`; both mean the same condition.
    private func normalizedCondition(_ text: String) -> String {
        var condition = text.trimmingWhitespace()
        if condition.hasPrefix("${{"), condition.hasSuffix("}}") {
            condition = String(condition.dropFirst(3).dropLast(2)).trimmingWhitespace()
        }
        return condition
    }
}
