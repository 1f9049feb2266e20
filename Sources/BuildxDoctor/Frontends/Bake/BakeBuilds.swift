import BuildxModel

/// Which bake target a build is, so that a finding about one of its values can name the target (and a
/// value several targets share through `inherits` is reported once, naming them all).
public struct BakeTargetOrigin: Sendable {
    public let target: String
    /// Where every value of the resolved target is written.
    public let valueSpans: [Span]

    public init(target: String, valueSpans: [Span]) {
        self.target = target
        self.valueSpans = valueSpans
    }

    /// Whether a finding at `span` is about one of the target's values.
    func owns(_ span: Span) -> Bool {
        valueSpans.contains { $0.path == span.path && $0.start.offset <= span.start.offset && span.end.offset <= max($0.end.offset, $0.start.offset) }
    }
}

/// What one bake run asks for, wherever it is written: a docker/bake-action step, a `docker buildx bake`
/// command, `docker compose build`, or a bake file checked on its own.
struct BakeRequest {
    /// The definition files as written (relative to `directory`); empty for bake's default files.
    var files: [WrittenText] = []
    /// The folder bake runs in, relative to the repository root (`""` for the root itself).
    var directory = ""
    /// The targets and groups named; empty for the `default` group.
    var targets: [WrittenText] = []
    var overrides: [BakeOverride] = []
    /// Where the run is written: each build's span.
    var span: Span
    var selection: BuilderSelection = .current
    var actionsRuntime: ActionsRuntime = .providedByAction
    /// Only compose files count (`docker compose build`), each service a target.
    var composeOnly = false
}

/// Reads the files one bake run reads and turns its targets into builds.
struct BakeRun {
    /// The builds, one per target, in bake's order.
    let builds: [BuildInvocation]
    /// What bake would refuse; reported where each is written.
    let problems: [BakeProblem]
    /// The files the run read.
    let files: [SourceFile]

    /// `nil` when the files cannot all be read or a part of the request only the run decides (then
    /// nothing is said about the run).
    static func read(_ request: BakeRequest, loader: RepositoryFileLoader, environment: BakeEnvironment = BakeEnvironment()) -> BakeRun? {
        let prefix = request.directory.isEmpty || request.directory == "." ? "" : (request.directory.hasSuffix("/") ? request.directory : request.directory + "/")
        var files: [SourceFile] = []
        if request.files.isEmpty {
            let names = request.composeOnly ? BakeFileNames.composeDefaults : BakeFileNames.defaults
            for name in names {
                if let file = loader.load(prefix + name) {
                    files.append(file)
                    if request.composeOnly { break }
                }
            }
        } else {
            for written in request.files {
                // bake-action v6 names files of the working directory `cwd://…` beside those of the Git context.
                let path = written.text.hasPrefix("cwd://") ? String(written.text.dropFirst("cwd://".count)) : written.text
                guard !Expression.occurs(in: path), !path.contains("$"), path != "-",
                    let file = loader.load(path.hasPrefix("/") ? path : prefix + path)
                else { return nil }
                files.append(file)
            }
        }
        guard !files.isEmpty, request.targets.allSatisfy({ !Expression.occurs(in: $0.text) && !$0.text.contains("$") }) else { return nil }
        guard let documents = BakeDefinitions.documents(files, environment: environment) else { return nil }
        let resolution = BakeResolver.resolve(documents, requested: request.targets, overrides: request.overrides, sources: files)
        let sources = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let builds = resolution.targets.map { target in
            BakeBuilds.invocation(
                target, span: request.span, selection: request.selection, actionsRuntime: request.actionsRuntime, sources: sources)
        }
        return BakeRun(builds: builds, problems: resolution.problems, files: files)
    }
}

/// The files bake reads when none is named (`bake/bake.go` `defaultFilenames`: compose-go's
/// `DefaultFileNames`, then the bake files), every one that exists, in this order.
enum BakeFileNames {
    static let composeDefaults = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]
    static let defaults = composeDefaults + ["docker-bake.json", "docker-bake.hcl", "docker-bake.override.json", "docker-bake.override.hcl"]

    /// Whether bake reads a file of this name as a compose file: by its `.yml`/`.yaml` extension
    /// (`bake/compose.go` `validateComposeFile`).
    static func isCompose(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".yml") || lowered.hasSuffix(".yaml")
    }
}

/// Reads definition files into documents: compose files first, then the HCL and JSON files together
/// (buildx parses compose files into the configuration before it evaluates the HCL files, which share
/// their variables: `bake/bake.go` `ParseFiles`).
enum BakeDefinitions {
    /// `nil` when a file cannot be read as any kind bake reads.
    static func documents(_ files: [SourceFile], environment: BakeEnvironment) -> [BakeDocument]? {
        var compose: [BakeDocument] = []
        var others: [SourceFile] = []
        for file in files {
            if BakeFileNames.isCompose(file.path) {
                guard let root = try? YAMLDocument.parse(file) else { return nil }
                compose.append(ComposeReader.read(file, root: root, environment: environment))
            } else {
                others.append(file)
            }
        }
        guard !others.isEmpty else { return compose }
        guard let definitions = hclAndJSON(others, environment: environment) else { return nil }
        return compose + definitions
    }

    /// The HCL and JSON reader's documents.
    private static func hclAndJSON(_ files: [SourceFile], environment: BakeEnvironment) -> [BakeDocument]? {
        BakeFileReader.read(files, environment: environment)
    }
}

/// Turns a resolved target into the build bake starts for it (`bake/bake.go` `toBuildOpt`).
enum BakeBuilds {
    static func invocation(
        _ target: ResolvedBakeTarget, span: Span, selection: BuilderSelection, actionsRuntime: ActionsRuntime, sources: [String: SourceFile]
    ) -> BuildInvocation {
        func written(_ item: BakeString) -> String {
            if item.isVerbatim { return item.text }
            guard let file = sources[item.span.path], item.span.end.offset <= file.bytes.count else { return item.text }
            return String(decoding: file.bytes[item.span.byteRange], as: UTF8.self)
        }
        func entries(_ list: BakeList?, _ direction: CacheDirection) -> [CacheEntry] {
            guard !target.mayBeOverridden else { return [] }
            return (list?.items ?? []).map { item in
                CacheEntry(direction: direction, text: written(item), received: item.text, unknownParts: item.unknownParts, span: item.span)
            }
        }
        let platforms = target.mayBeOverridden ? nil : target.platforms.map { list in
            PlatformList(
                platforms: list.items.flatMap { item -> [Value<String>] in
                    guard item.isKnown else { return [.unknown("a variable")] }
                    return item.text.split(separator: ",").map { .known(String($0).trimmingWhitespace()) }
                },
                span: list.span)
        }
        let outputs = target.mayBeOverridden ? [] : (target.outputs?.items ?? []).map { item in
            (written: WrittenText(text: written(item), span: item.span), spec: item.isKnown ? OutputSpec(parsing: item.text) : nil)
        }
        let tags = (target.tags?.items ?? []).map { item in
            (value: item.isKnown ? Value.known(item.text) : .unknown("a variable"), span: item.span)
        }
        let attestations = (target.attest?.items ?? []).filter { !$0.text.contains("disabled=true") }.map {
            WrittenText(text: written($0), span: $0.span)
        }
        let context = target.context.map { $0.isKnown ? $0.text : written($0) }
        var file = target.dockerfile.map { $0.isKnown ? $0.text : written($0) }
        // bake reads `dockerfile` relative to the context (`toBuildOpt` joins them unless it is absolute).
        if let dockerfile = file, !dockerfile.hasPrefix("/") { file = (context ?? ".") + "/" + dockerfile }
        return BuildInvocation(
            span: span, selection: selection, cacheImports: entries(target.cacheFrom, .import), cacheExports: entries(target.cacheTo, .export),
            platforms: platforms,
            result: BuildResult(push: target.push?.value, load: target.load, outputs: outputs, tags: tags),
            attestations: attestations,
            identity: BuildIdentity(
                context: context, file: file, target: target.target.map(written),
                buildArgs: target.args.map { "\($0.key)=\(written($0.value))" },
                platforms: (target.platforms?.items ?? []).map(written)),
            actionsRuntime: actionsRuntime,
            bakeTarget: BakeTargetOrigin(target: target.name, valueSpans: target.valueSpans))
    }
}

/// What a step that runs bake leaves for the whole plan: the files it read (checked with it rather than
/// on their own) and what bake would refuse.
public struct BakeRunRecord: Sendable {
    public let problems: [BakeProblem]
    public let files: [String]

    public init(problems: [BakeProblem], files: [String]) {
        self.problems = problems
        self.files = files
    }
}

extension BakeRun {
    var record: BakeRunRecord { BakeRunRecord(problems: problems, files: files.map(\.path)) }

    /// The steps of the run: `step` with the first build (or none), then one step per further target,
    /// each inside `step` (its condition applies; new steps go before it), numbered from `index`.
    func steps(replacing step: Step, enclosing: Step?, startingAt index: Int) -> [Step] {
        var steps = [step.with(build: builds.first, bakeRun: record)]
        for build in builds.dropFirst() {
            steps.append(Step(index: index + steps.count, span: step.span, enclosing: enclosing ?? step, condition: step.condition, build: build))
        }
        return steps
    }
}
