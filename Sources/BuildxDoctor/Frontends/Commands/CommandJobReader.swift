import BuildxModel

/// Turns the shell commands a job runs into plan steps — builds, builder changes and registry logins —
/// each at its command's place in the file, in the order they run. Shared by every frontend whose jobs
/// are shell scripts (GitHub `run:` steps, GitLab CI, CircleCI, scripts, Makefiles).
struct CommandJobReader {
    /// One part of a job's work, in order.
    enum Piece {
        /// Shell text held by a YAML scalar (`run: |`, a GitLab `script:` line).
        case script(YAMLScalar)
        /// A point after which the job's Docker Engine is ready (CircleCI's `setup_remote_docker`).
        case engineReady
        /// A step whose effect on the builder is not in this file (a CircleCI orb command).
        case opaque(span: Span, reason: String)
    }

    let file: SourceFile
    let loader: RepositoryFileLoader

    /// A job of `pieces`, simulated on `host`.
    func job(
        id: String, span: Span, host: RunnerHost, place: String, pieces: [Piece], variables: [String: String],
        unknownBuilderReason: String?
    ) -> Job {
        var steps: [Step] = []
        if let unknownBuilderReason {
            steps.append(Step(index: 0, span: span, builderChange: .unknown(reason: unknownBuilderReason)))
        }
        var known = variables.filter { !Expression.occurs(in: $0.value) && !$0.value.contains("$") }
        for piece in pieces {
            switch piece {
            case .script(let scalar):
                steps += CommandSteps(file: file, loader: loader).steps(
                    inScript: scalar, startingAt: steps.count, knownVariables: &known, context: CommandSteps.Context())
            case .engineReady:
                continue
            case .opaque(let span, let reason):
                steps.append(Step(index: steps.count, span: span, builderChange: .unknown(reason: reason)))
            }
        }
        return Job(id: id, span: span, host: host, steps: BuilderSimulation.run(steps, on: host), place: place)
    }
}

/// Reads one script's commands into steps.
struct CommandSteps {
    /// What the script's surroundings decide for its commands.
    struct Context {
        /// The CI step that runs the script (a GitHub `run:` step): its condition applies, and edits that
        /// add steps go before it.
        var enclosing: Step?
        /// `BUILDX_BUILDER` from the step's or job's environment: builds without `--builder` use it.
        var builderFromEnvironment: String?
        /// Whether buildx will find the GitHub Actions cache service's credentials.
        var actionsRuntime: ActionsRuntime = .noService
        /// Whether the commands are the script of a `sh -c` string, where no line can be added before one.
        var inShellString = false
    }

    let file: SourceFile
    let loader: RepositoryFileLoader

    /// Commands after which the builder, or the Docker Engine behind it, cannot be known from the text.
    private static let untraceable = [
        "DOCKER_CONTEXT=", "DOCKER_HOST=", "BUILDX_BUILDER=", "daemon.json", "containerd-snapshotter", "restart docker",
        "docker restart", "dockerd", "buildx install",
    ]

    /// The steps of a script held by a YAML scalar; offsets in the script map back through the scalar.
    /// `variablesOutliveScript`: whether the caller reads `knownVariables` after this script (a GitLab or
    /// CircleCI job's next line does; a GitHub `run:` step starts from its own environment).
    func steps(
        inScript scalar: YAMLScalar, startingAt index: Int, knownVariables: inout [String: String], context: Context,
        variablesOutliveScript: Bool = true
    ) -> [Step] {
        // Most scripts run no docker command at all; they cost a few byte searches. A script whose variables
        // no later script reads needs reading only when it can make a step.
        let mayMakeSteps =
            variablesOutliveScript
            ? CommandSteps.mayRunDocker(scalar.value)
            : CommandSteps.mentionsDockerMakeOrScript(scalar.value) || knownVariables.values.contains(where: CommandSteps.mayRunDocker)
        guard mayMakeSteps else { return [] }
        let script = ShellScript.parse(scalar.value, knownVariables: knownVariables)
        knownVariables.merge(script.variables) { $1 }
        return steps(of: script, locator: ScriptLocator(scalar: scalar, file: file), startingAt: index, context: context, depth: 0)
    }

    /// The steps of a whole script file (a script or Makefile checked on its own, or one a job runs).
    func steps(ofScriptFile scriptFile: SourceFile, startingAt index: Int, context: Context, depth: Int) -> [Step] {
        guard CommandSteps.mayRunDocker(scriptFile.text) else { return [] }
        let script = ShellScript.parse(scriptFile.text)
        return steps(of: script, locator: ScriptLocator(file: scriptFile), startingAt: index, context: context, depth: depth)
    }

    /// The steps of a script already read (a Makefile's recipe line), whose ranges are offsets in `scriptFile`.
    func steps(ofScript script: ShellScript, in scriptFile: SourceFile, startingAt index: Int, context: Context) -> [Step] {
        steps(of: script, locator: ScriptLocator(file: scriptFile), startingAt: index, context: context, depth: 0)
    }

    /// Scripts and Makefiles a job runs are followed this many levels deep.
    private static let maximumDepth = 3

    private func steps(of script: ShellScript, locator: ScriptLocator, startingAt index: Int, context: Context, depth: Int) -> [Step] {
        var steps: [Step] = []
        for command in script.commands {
            let text = locator.text(command.range)
            if let invocation = DockerCommand.recognize(command) {
                switch invocation {
                case .runScript(let run):
                    steps += followed(script: run.path, startingAt: index + steps.count, context: context, depth: depth)
                case .shellString(let shell):
                    let inner = ShellScript.parse(shellString: shell.script)
                    var innerContext = context
                    innerContext.inShellString = true
                    steps += self.steps(of: inner, locator: locator, startingAt: index + steps.count, context: innerContext, depth: depth + 1)
                case .make(let make):
                    steps += followed(make: make, startingAt: index + steps.count, context: context, depth: depth)
                case .bake(let bake):
                    steps += bakeSteps(bake, command: command, index: index + steps.count, locator: locator, context: context)
                case .composeBuild(let compose):
                    steps += composeSteps(compose, command: command, index: index + steps.count, locator: locator, context: context)
                default:
                    if let step = self.step(for: invocation, command: command, index: index + steps.count, locator: locator, context: context) {
                        steps.append(step)
                    }
                }
            } else if Self.untraceable.contains(where: text.containsText) {
                steps.append(
                    Step(
                        index: index + steps.count, span: locator.span(command.range), enclosing: context.enclosing,
                        builderChange: .unknown(reason: "the command `\(text.trimmingWhitespace())` may change the builder or the Docker Engine")))
            }
        }
        return steps
    }

    /// The commands of a script the job runs (`./build.sh`, `bash ci/build.sh`), read from the repository,
    /// with findings in the script at their lines.
    private func followed(script path: ShellWord, startingAt index: Int, context: Context, depth: Int) -> [Step] {
        guard depth < Self.maximumDepth, let relative = path.literal, let scriptFile = loader.load(relative) else { return [] }
        return steps(ofScriptFile: scriptFile, startingAt: index, context: context, depth: depth + 1)
    }

    /// The recipes `make` runs for the named targets (the first target when none is named).
    private func followed(make: MakeCommand, startingAt index: Int, context: Context, depth: Int) -> [Step] {
        guard depth < Self.maximumDepth else { return [] }
        let directory = make.directory?.literal.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
        guard let makefile = make.file.flatMap(\.literal).flatMap({ loader.load(directory + $0) })
            ?? ["GNUmakefile", "makefile", "Makefile"].lazy.compactMap({ loader.load(directory + $0) }).first
        else { return [] }
        let parsed = Makefile.parse(makefile.text)
        let targets = make.targets.compactMap(\.literal)
        let rules = targets.isEmpty ? Array(parsed.rules.prefix(1)) : targets.flatMap { parsed.rules(for: $0) }
        let locator = ScriptLocator(file: makefile)
        var steps: [Step] = []
        for line in rules.flatMap(\.recipe) {
            steps += self.steps(of: line.script, locator: locator, startingAt: index + steps.count, context: context, depth: depth + 1)
        }
        return steps
    }

    /// Whether text may run a docker command, directly or through a script or make.
    static func mayRunDocker(_ text: String) -> Bool {
        text.containsText("docker") || text.containsText("make") || text.containsText(".sh") || text.containsText("buildx")
    }

    /// `mayRunDocker` without the text that only looks like its words: `make` or `gmake` as a word (not
    /// `cmake`, `automake`), `.sh` that ends a name (not `github.sha`); and with the text of the commands
    /// that leave the builder unknown, which need not name docker in lower case.
    static func mentionsDockerMakeOrScript(_ text: String) -> Bool {
        text.containsText("docker") || text.containsText("buildx") || text.containsText(".sh", where: { _, after in !isNameByte(after) })
            || text.containsText("make", where: { before, after in !isNameByte(before) && !isNameByte(after) })
            || text.containsText("gmake", where: { before, after in !isNameByte(before) && !isNameByte(after) })
            || untraceable.contains(where: text.containsText)
    }

    /// A byte that continues a command name or a file extension: a letter, a digit, `_` or `-`.
    private static func isNameByte(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"): return true
        default: return false
        }
    }

    private func step(for invocation: ShellInvocation, command: ShellCommand, index: Int, locator: ScriptLocator, context: Context)
        -> Step?
    {
        let span = locator.span(command.range)
        let condition = context.enclosing?.condition ?? (command.isConditional ? "a shell condition" : nil)
        func changing(_ change: BuilderChange, id: String? = nil) -> Step {
            Step(index: index, span: span, enclosing: context.enclosing, id: id, condition: condition, builderChange: change)
        }
        switch invocation {
        case .build(let build):
            guard !build.buildKitDisabled else { return nil }
            return Step(
                index: index, span: span, enclosing: context.enclosing, condition: condition,
                build: buildInvocation(build, span: span, locator: locator, context: context),
                standsAlone: !context.inShellString && !command.isConditional && command.context.isEmpty && command.precedingOperator == nil)
        case .createBuilder(let create):
            let driver: Value<Driver?>
            switch (create.driver, create.driver?.value?.literal) {
            case (nil, _): driver = .known(.dockerContainer)
            case (_, nil): driver = .unknown("given by a variable")
            case (_, "docker"?): driver = .known(nil)
            case (_, let name?): driver = Driver(name: name).map { .known($0) } ?? .unknown("`\(name)`")
            }
            let makesCurrent = create.use?.booleanValue ?? false
            return changing(.create(BuilderSetup(driver: driver, makesCurrent: makesCurrent)), id: create.name?.value?.literal)
        case .useBuilder(let use):
            return changing(.use(name: use.name?.literal))
        case .contextUse, .contextCreate, .removeBuilder:
            return changing(.unknown(reason: "the command `\(locator.text(command.range))` may change the builder or the Docker Engine"))
        case .login(let login):
            let registry = login.registry.map { $0.literal } ?? "docker.io"
            return Step(
                index: index, span: span, enclosing: context.enclosing, condition: condition,
                registryLogin: RegistryLogin(registry: registry, usesJobToken: JobToken.isMentioned(in: locator.text(command.range))))
        case .bake, .composeBuild, .runScript, .shellString, .make:
            return nil
        }
    }

    /// The builder a command asks for: `--builder`, else `BUILDX_BUILDER`, else the current one (or, for
    /// `docker build`, the engine's own).
    func selection(builder: ShellFlag?, docker: DockerOptions, usesBuildx: Bool, span: Span, locator: ScriptLocator, context: Context)
        -> BuilderSelection
    {
        if let builder = builder?.value {
            let range = locator.span(builder.range)
            return builder.literal.map { .createdByStep(id: $0, span: range) } ?? .other(locator.text(builder.range), span: range)
        } else if let named = context.builderFromEnvironment ?? docker.environment["BUILDX_BUILDER"].map({ locator.text($0.range) }) {
            return .other("$BUILDX_BUILDER (\(named))", span: span)
        }
        // `docker build` builds on the engine's own builder unless told otherwise (docker/cli#3676).
        return usesBuildx ? .current : .engineDefault
    }

    private func buildInvocation(_ build: BuildCommand, span: Span, locator: ScriptLocator, context: Context) -> BuildInvocation {
        let selection = selection(builder: build.builder, docker: build.docker, usesBuildx: build.usesBuildx, span: span, locator: locator, context: context)
        let platformWords = build.platforms.compactMap(\.value)
        let platforms = platformWords.flatMap { word -> [Value<String>] in
            guard let text = word.literal else { return [.unknown("a variable")] }
            return text.split(separator: ",").map { .known(String($0)) }
        }
        let outputs = build.outputs.compactMap(\.value).map { word in
            (written: WrittenText(text: locator.text(word.range), span: locator.span(word.range)), spec: word.literal.flatMap { OutputSpec(parsing: $0) })
        }
        let push: Value<Bool>? = build.push.map { flag in flag.booleanValue.map { .known($0) } ?? .unknown("a variable") }
        let load = build.load.map { flag in
            WrittenFlag(value: flag.booleanValue.map { .known($0) } ?? .unknown("a variable"), span: locator.span(flag.word.range))
        }
        let attestations = (build.attests + [build.provenance, build.sbom].compactMap { $0 })
            .filter { $0.value?.literal.flatMap(GoBool.parse) != false }
            .map { WrittenText(text: locator.text($0.word.range), span: locator.span($0.word.range)) }
        return BuildInvocation(
            span: span, selection: selection,
            cacheImports: build.cacheFrom.compactMap(\.value).map { cacheEntry($0, .import, locator: locator) },
            cacheExports: build.cacheTo.compactMap(\.value).map { cacheEntry($0, .export, locator: locator) },
            platforms: platformWords.isEmpty ? nil : PlatformList(platforms: platforms, span: locator.span(platformWords[0].range)),
            result: BuildResult(
                push: push, load: load, outputs: outputs,
                tags: build.tags.compactMap(\.value).map { word in
                    (word.literal.map { .known($0) } ?? .unknown("a variable"), locator.span(word.range))
                }),
            attestations: attestations,
            identity: BuildIdentity(
                context: build.context.map { locator.text($0.range) }, file: build.file?.value.map { locator.text($0.range) },
                target: build.target?.value.map { locator.text($0.range) },
                buildArgs: build.buildArgs.compactMap(\.value).map { locator.text($0.range) },
                platforms: platformWords.map { locator.text($0.range) }),
            actionsRuntime: context.actionsRuntime)
    }

    /// One `--cache-from`/`--cache-to` value, parsed by buildx's rules with its unknown parts kept opaque.
    private func cacheEntry(_ word: ShellWord, _ direction: CacheDirection, locator: ScriptLocator) -> CacheEntry {
        let masked = word.masked
        return CacheEntry(
            direction: direction, text: locator.text(word.range), received: masked.text, unknownParts: masked.unknown,
            span: locator.span(word.range))
    }
}

/// Maps byte ranges of a script back to its file: through a YAML scalar that holds it, or straight into
/// a script file or Makefile.
struct ScriptLocator {
    private let scalar: YAMLScalar?
    let file: SourceFile

    init(scalar: YAMLScalar, file: SourceFile) {
        self.scalar = scalar
        self.file = file
    }

    init(file: SourceFile) {
        self.scalar = nil
        self.file = file
    }

    func span(_ range: Range<Int>) -> Span {
        guard let scalar else { return file.span(clamped(range, to: file.bytes.count)) }
        return scalar.span(ofValue: range, in: file)
    }

    /// The script's text at `range`.
    func text(_ range: Range<Int>) -> String {
        guard let scalar else { return String(decoding: file.bytes[clamped(range, to: file.bytes.count)], as: UTF8.self) }
        let bytes = scalar.value.utf8
        let valid = clamped(range, to: bytes.count)
        let lower = bytes.index(bytes.startIndex, offsetBy: valid.lowerBound)
        let upper = bytes.index(bytes.startIndex, offsetBy: valid.upperBound)
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    private func clamped(_ range: Range<Int>, to count: Int) -> Range<Int> {
        min(max(range.lowerBound, 0), count)..<min(max(range.upperBound, 0), count)
    }
}
