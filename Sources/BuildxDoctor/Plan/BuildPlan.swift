import BuildxModel

/// What one CI file asks buildx to do, independent of the CI system: jobs, their steps in order, the
/// builder each build runs on, and the text every value came from. Rules read only this.
public struct BuildPlan: Sendable {
    public let file: SourceFile
    public let kind: FileKind
    public let jobs: [Job]
    /// The events that start the workflow (`push`, `pull_request`, …); empty for composite actions.
    public let triggers: Set<String>

    /// Every build in the file with the job it belongs to, in source order (most rules start here, so it
    /// is collected once).
    public let builds: [(job: Job, step: Step, build: BuildInvocation)]
    /// Every cache entry of every build, in source order, with where it belongs.
    public let cacheEntries: [(job: Job, step: Step, build: BuildInvocation, entry: CacheEntry)]
    /// The first builder setup step of each job that has one, in job order.
    public let firstBuilderSetups: [(job: Job, setup: Step)]
    /// Whether the file pins some docker/* action by commit SHA (new steps then follow that style).
    public let pinsDockerActionsBySHA: Bool
    /// The other files the plan's steps stand in: scripts and Makefiles that jobs run, and the bake and
    /// compose files bake reads.
    public let referencedPaths: Set<String>
    /// Makes fixes in the file's own syntax; given by the frontend that read the file.
    let editor: any PlanEditor
    /// What bake would refuse in the bake runs of the plan (the definitions or the command), each where
    /// it is written.
    public let bakeProblems: [BakeProblem]

    public init(file: SourceFile, kind: FileKind, jobs: [Job], triggers: Set<String> = [], bakeProblems: [BakeProblem] = []) {
        self.init(file: file, kind: kind, jobs: jobs, triggers: triggers, bakeProblems: bakeProblems, editor: NoPlanEdits())
    }

    init(
        file: SourceFile, kind: FileKind, jobs: [Job], triggers: Set<String> = [], bakeProblems: [BakeProblem] = [], editor: any PlanEditor
    ) {
        self.editor = editor
        self.file = file
        self.kind = kind
        self.jobs = jobs
        self.triggers = triggers
        let bakeRuns = jobs.flatMap { $0.steps.compactMap(\.bakeRun) }
        self.bakeProblems = bakeProblems + bakeRuns.flatMap(\.problems)
        let builds = jobs.flatMap { job in job.steps.compactMap { step in step.build.map { (job, step, $0) } } }
        self.builds = builds
        self.cacheEntries = builds.flatMap { job, step, build in build.cacheEntries.map { (job, step, build, $0) } }
        self.firstBuilderSetups = jobs.compactMap { job in job.builderSetups.first.map { (job, $0) } }
        self.referencedPaths = Set((jobs.flatMap { $0.steps.map(\.span.path) } + bakeRuns.flatMap(\.files)).filter { $0 != file.path })
        self.pinsDockerActionsBySHA = jobs.contains { job in
            job.steps.contains { step in
                guard let action = step.action, action.repository?.hasPrefix("docker/") == true, let ref = action.ref else { return false }
                return ref.count == 40 && ref.allSatisfy(\.isHexDigit)
            }
        }
    }
}

/// The kinds of file buildx-doctor reads; the raw value is the `kind` in JSON reports.
public enum FileKind: String, Sendable, CaseIterable {
    case githubWorkflow = "github-workflow"
    case githubCompositeAction = "github-composite-action"
    case gitlabCI = "gitlab-ci"
    case circleCI = "circleci"
    case shellScript = "shell-script"
    case makefile = "makefile"
    /// A bake definition (`docker-bake.hcl`, `docker-bake.json`) checked on its own.
    case bakeFile = "bake-file"
    /// A Compose file checked on its own, as bake reads it.
    case composeFile = "compose-file"

    /// Whether edits may add GitHub Actions steps to the file.
    public var isGitHubActions: Bool { self == .githubWorkflow || self == .githubCompositeAction }
}

/// A unit of work that runs its steps in order on one machine (a GitHub Actions job, or the body of a
/// composite action, which runs inside its caller's job).
public struct Job: Sendable {
    public let id: String
    /// The job's key, or the `runs:` key of a composite action.
    public let span: Span
    public let host: RunnerHost
    public let steps: [Step]
    /// The reusable workflow the job calls instead of running steps (`jobs.<id>.uses`).
    public let calledWorkflow: String?
    /// The token permissions declared for the job (its own block, else the workflow's); `nil` when
    /// neither declares any, so the repository's default applies.
    public let permissions: Permissions?
    /// The job's `if:` condition.
    public let condition: String?
    /// Whether the job runs once per combination of a `strategy.matrix`.
    public let hasMatrix: Bool
    /// The job's `strategy.matrix`, expanded; `nil` when it has none.
    public let matrix: Matrix?
    /// `runs-on` as written (labels joined with `, `), where a matrix can choose the machine.
    public let runsOn: String?
    /// The steps that create a BuildKit builder, in order. Kept once here: the driver rules ask for
    /// each build, and scanning the steps per build would make a long job cost quadratic time.
    public let builderSetups: [Step]
    /// The steps that log in to a registry, that restore directories from a CI cache, that run a shell
    /// script, and that build, each in step order. Kept once here: rules ask which of them come before
    /// or after a build, and scanning every step per build would make a long job cost quadratic time.
    public let registryLogins: [Step]
    public let restoringSteps: [Step]
    public let scriptSteps: [Step]
    public let buildSteps: [Step]
    /// The first build that runs on the runner's default builder (one setup step before it serves all).
    public let firstBuildOnRunnerDefault: Step?
    /// The position of the first `docker/setup-qemu-action` step.
    public let firstQEMUSetupIndex: Int?
    /// Where the job's builds run, in the user's words: "job `build`", "this action", "target `image`".
    public let place: String

    public init(
        id: String, span: Span, host: RunnerHost, steps: [Step], calledWorkflow: String? = nil,
        permissions: Permissions? = nil, condition: String? = nil, hasMatrix: Bool = false, matrix: Matrix? = nil,
        runsOn: String? = nil, place: String? = nil
    ) {
        self.id = id
        self.span = span
        self.host = host
        self.steps = steps
        self.calledWorkflow = calledWorkflow
        self.permissions = permissions
        self.condition = condition
        self.hasMatrix = hasMatrix
        self.matrix = matrix
        self.runsOn = runsOn
        self.builderSetups = steps.filter(\.createsBuilder)
        self.registryLogins = steps.filter { $0.registryLogin != nil }
        self.restoringSteps = steps.filter { !$0.restoredPaths.isEmpty }
        self.scriptSteps = steps.filter { $0.script != nil }
        self.buildSteps = steps.filter { $0.build != nil }
        self.firstBuildOnRunnerDefault = steps.first { step in
            guard case .runnerDefault? = step.build?.builder.builder?.origin else { return false }
            return true
        }
        self.firstQEMUSetupIndex = steps.first { $0.action?.repository == "docker/setup-qemu-action" }?.index
        self.place = place ?? (host == .caller ? "this action" : "job `\(id)`")
    }

    /// The steps of `list` (one of the job's step lists) that come before `step`.
    public func steps(_ list: [Step], before step: Step) -> ArraySlice<Step> {
        list[..<Self.firstIndex(in: list, notBefore: step.index)]
    }

    /// The steps of `list` (one of the job's step lists) that come after `step`.
    public func steps(_ list: [Step], after step: Step) -> ArraySlice<Step> {
        list[Self.firstIndex(in: list, notBefore: step.index + 1)...]
    }

    /// The position in `list`, ordered by step index, of the first step at `index` or later.
    private static func firstIndex(in list: [Step], notBefore index: Int) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].index < index { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The step at a 0-based position in the job's `steps:` list (items that are not steps have no `Step`).
    public func step(at index: Int) -> Step? {
        let low = Self.firstIndex(in: steps, notBefore: index)
        return low < steps.count && steps[low].index == index ? steps[low] : nil
    }
}

/// A `permissions:` block of the job token.
public struct Permissions: Sendable {
    public enum Grant: Sendable, Equatable {
        /// `read-all` or `write-all`.
        case all(String)
        /// `scope: level` pairs; scopes not named get no access.
        case scopes([String: String])
        /// An expression.
        case unknown
    }

    public let grant: Grant
    /// The `permissions` key.
    public let span: Span
    /// The scopes as written, with the spans of their keys and values, for edits.
    public let entries: [(scope: WrittenText, level: WrittenText)]
    /// Whether the scopes are a flow mapping (`{contents: read}`), where lines cannot be added.
    public let isFlow: Bool

    public init(grant: Grant, span: Span, entries: [(scope: WrittenText, level: WrittenText)] = [], isFlow: Bool = false) {
        self.grant = grant
        self.span = span
        self.entries = entries
        self.isFlow = isFlow
    }

    /// Whether the block certainly withholds `write` on `scope`.
    public func lacksWrite(_ scope: String) -> Bool {
        switch grant {
        case .all(let level): level != "write-all"
        // A level written as an expression is unknown, not missing.
        case .scopes(let scopes): scopes[scope] != "write" && !(scopes[scope].map(Expression.occurs) ?? false)
        case .unknown: false
        }
    }
}

/// Where a job runs, as far as it decides what the default builder can do.
public enum RunnerHost: Sendable, Equatable {
    /// A GitHub-hosted runner (`ubuntu-*`, `windows-*`, `macos-*`): Docker 28, classic image store
    /// (actions/runner-images `images/ubuntu/toolsets/toolset-2404.json` pins docker-ce 28 and writes no `daemon.json`).
    /// `imageStores` differs only where the configuration's `runners:` says so (`RunnerFacts`).
    case githubHosted(label: String, imageStores: [ImageStore] = [.classic])
    /// A runner whose Docker Engine configuration the workflow does not show (unless `RunnerFacts` do).
    case selfHosted(label: String, imageStores: [ImageStore] = [.classic, .containerd])
    /// `runs-on` is an expression; the runner is decided at run time.
    case decidedAtRunTime
    /// A composite action: it runs in its caller's job, on the caller's builder.
    case caller
    /// A Docker-in-Docker engine the file names (GitLab's `docker:24.0.5-dind` service): its major
    /// version decides the image store, since a fresh Docker Engine 29 starts with the containerd image
    /// store (https://docs.docker.com/engine/release-notes/29/) and earlier ones with the classic one.
    case dockerInDocker(image: String, majorVersion: Int?)
    /// CircleCI's remote Docker engine (`setup_remote_docker`, https://circleci.com/docs/building-docker-images/).
    case remoteDocker(version: String?)
    /// A machine the file does not describe: a script or Makefile checked on its own.
    case unknownMachine(String)
    /// This machine, whose builders `check --builder` read live: a script or Makefile checked on its own
    /// (`runnerLabel` is `nil`), or a self-hosted runner's job checked on that runner.
    case thisMachine(LiveMachine, runnerLabel: String?)

    /// The image stores the runner's Docker Engine may use, or `nil` when even the engine is unknown.
    public var possibleImageStores: [ImageStore]? {
        switch self {
        case .githubHosted(_, let stores), .selfHosted(_, let stores): stores
        case .dockerInDocker(_, let major?) where major < 29: [.classic]
        case .remoteDocker(let version?) where DockerImageVersion.major(ofImage: ":" + version).map({ $0 < 29 }) == true: [.classic]
        case .decidedAtRunTime, .dockerInDocker, .remoteDocker, .unknownMachine: [.classic, .containerd]
        case .thisMachine(let machine, _): machine.possibleEngineStores
        case .caller: nil
        }
    }

    /// Whether the job runs on a GitHub Actions runner.
    public var isGitHub: Bool {
        switch self {
        case .githubHosted, .selfHosted, .decidedAtRunTime, .caller: true
        case .dockerInDocker, .remoteDocker, .unknownMachine: false
        case .thisMachine(_, let runnerLabel): runnerLabel != nil
        }
    }

    /// The engine behind the default builder, for messages: why its `docker` driver can do what it can.
    public var engineDescription: String {
        switch self {
        case .githubHosted(_, let stores) where stores == [.classic]: "GitHub-hosted runners run Docker 28 without the containerd image store"
        case .githubHosted(let label, _), .selfHosted(let label, _):
            "the configuration's `runners:` entry for `\(label)` says which image store its engine uses"
        case .dockerInDocker(let image, let major?) where major < 29:
            "the `\(image)` service runs Docker \(major), which starts without the containerd image store"
        case .remoteDocker(let version?): "CircleCI's remote Docker \(version)"
        case .thisMachine(let machine, _) where machine.engineStore != nil: "read from this machine with `docker info`"
        default: "the engine's image store is not known from this file"
        }
    }
}

/// One step of a job with what it means for buildx.
///
/// A class, though immutable: steps are handed to every rule and kept in several lists of the plan,
/// and copying a value this size costs a retain for each of its fields every time.
public final class Step: Sendable {
    /// 0-based position in the job.
    public let index: Int
    /// The step's first key: where a step-level finding points.
    public let span: Span
    /// Where the step's text ends (the YAML parser's end mark: where the next step or a dedent starts),
    /// so edits can find its last line without rescanning the file; `nil` when not known.
    public let end: Location?
    /// The CI step this one is part of: a command inside a `run:` script belongs to that step, and new
    /// steps are inserted before it.
    public let enclosing: Step?
    public let id: String?
    public let name: String?
    /// The step's `if:` condition, without `${{ }}`.
    public let condition: String?
    /// The `if:` value exactly as written, when it fits on its line (for copying it to a new step).
    public let writtenCondition: WrittenText?
    /// The action it runs, if it runs one.
    public let action: ActionReference?
    /// How it changes the job's builder, if it does.
    public let builderChange: BuilderChange?
    /// The build it runs, if it runs one.
    public let build: BuildInvocation?
    /// The shell script it runs (`run:`), if it runs one.
    public let script: Script?
    /// Directories a CI cache step restores before later steps (actions/cache `path:`), as written.
    public let restoredPaths: [String]
    /// The names of the inputs the step passes to its action (`with:` keys), with their spans.
    public let inputs: [WrittenText]
    /// The `with` key itself, when the step has one.
    public let inputsKey: Span?
    /// Whether the inputs are written as a flow mapping (`with: {a: 1, b: 2}`): several inputs may share
    /// a line there, so no edit may add or remove whole lines among them.
    public let inputsInFlowStyle: Bool
    /// The registry login the step performs, if it logs in.
    public let registryLogin: RegistryLogin?
    /// Whether the step is a shell command that a command inserted before it would run right before it,
    /// under the same conditions: a simple command at the top level of its script, not in a loop, branch,
    /// function, subshell or quoted string, and not continuing an `&&`, `||` or `|` list. Only then may an
    /// edit add a command in front of it.
    public let standsAlone: Bool
    /// The files the step's bake run reads and what bake would refuse, when the step runs bake.
    public let bakeRun: BakeRunRecord?

    public init(
        index: Int, span: Span, end: Location? = nil, enclosing: Step? = nil, id: String? = nil, name: String? = nil, condition: String? = nil,
        writtenCondition: WrittenText? = nil, action: ActionReference? = nil, builderChange: BuilderChange? = nil, build: BuildInvocation? = nil,
        script: Script? = nil, restoredPaths: [String] = [], inputs: [WrittenText] = [], inputsKey: Span? = nil,
        inputsInFlowStyle: Bool = false, registryLogin: RegistryLogin? = nil, standsAlone: Bool = false, bakeRun: BakeRunRecord? = nil
    ) {
        self.index = index
        self.span = span
        self.end = end
        self.enclosing = enclosing
        self.id = id
        self.name = name
        self.condition = condition
        self.writtenCondition = writtenCondition
        self.action = action
        self.builderChange = builderChange
        self.build = build
        self.script = script
        self.restoredPaths = restoredPaths
        self.inputs = inputs
        self.inputsKey = inputsKey
        self.inputsInFlowStyle = inputsInFlowStyle
        self.registryLogin = registryLogin
        self.standsAlone = standsAlone
        self.bakeRun = bakeRun
    }

    /// A copy with the build's builder decided by the simulation (or the first build of a bake run).
    func with(build: BuildInvocation?, bakeRun: BakeRunRecord? = nil) -> Step {
        Step(
            index: index, span: span, end: end, enclosing: enclosing, id: id, name: name, condition: condition, writtenCondition: writtenCondition,
            action: action, builderChange: builderChange, build: build, script: script, restoredPaths: restoredPaths,
            inputs: inputs,
            inputsKey: inputsKey, inputsInFlowStyle: inputsInFlowStyle, registryLogin: registryLogin, standsAlone: standsAlone,
            bakeRun: bakeRun ?? self.bakeRun)
    }
}

extension Step {
    /// Whether the step creates a BuildKit builder other than the Docker Engine's own.
    public var createsBuilder: Bool {
        guard case .create(let setup)? = builderChange, case .known(let created) = setup.driver else { return false }
        return created != nil
    }

    public var makesBuilderCurrent: Bool {
        if case .create(let setup)? = builderChange { return setup.makesCurrent }
        return false
    }
}

/// A login to a container registry.
public struct RegistryLogin: Sendable {
    /// The registry host (`docker.io` when none is named), or `nil` when it is an expression.
    public let registry: String?
    /// Whether the password is the job's own `GITHUB_TOKEN`.
    public let usesJobToken: Bool

    public init(registry: String?, usesJobToken: Bool) {
        self.registry = registry
        self.usesJobToken = usesJobToken
    }
}

/// A shell script run by a step.
public struct Script: Sendable {
    public let text: String
    public let span: Span

    public init(text: String, span: Span) {
        self.text = text
        self.span = span
    }
}

/// A `uses:` reference: `owner/repo[/path]@ref`, `./local/path` or `docker://image`.
public struct ActionReference: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case repository(owner: String, repo: String, path: String?, ref: String?)
        case local(path: String)
        case docker(image: String)
    }

    public let kind: Kind
    public let text: String
    public let span: Span
    /// `owner/repo` in lowercase (GitHub names are case-insensitive), or `nil` for local and docker
    /// actions. Kept once: rules compare it for every step.
    public let repository: String?

    public init(parsing text: String, span: Span) {
        self.text = text
        self.span = span
        if text.hasPrefix("docker://") {
            kind = .docker(image: String(text.dropFirst("docker://".count)))
        } else if text.hasPrefix("./") || text.hasPrefix("../") || text == "." {
            kind = .local(path: text)
        } else {
            let (location, ref) = text.splitOnce("@")
            let parts = location.splitting("/", maxSplits: 2).map(String.init)
            kind = .repository(
                owner: parts.first ?? "", repo: parts.count > 1 ? parts[1] : "", path: parts.count > 2 ? parts[2] : nil,
                ref: ref)
        }
        if case .repository(let owner, let repo, _, _) = kind {
            repository = "\(owner)/\(repo)".lowercased()
        } else {
            repository = nil
        }
    }

    /// The ref after `@`, for repository actions.
    public var ref: String? {
        guard case .repository(_, _, _, let ref) = kind else { return nil }
        return ref
    }

    /// The major version for refs like `v3` or `v3.1.0`; `nil` for SHAs, branches and expressions.
    public var majorVersion: Int? {
        guard let ref, ref.hasPrefix("v") else { return nil }
        return Int(ref.dropFirst().prefix { $0.isNumber })
    }
}

extension String {
    /// Splits at the first `separator`: the text before it and the text after it (or `nil`).
    func splitOnce(_ separator: Character) -> (String, String?) {
        // An action reference is split once per step: in ASCII text every byte is a Character (but a CR
        // before a LF), so the first matching byte is the first matching Character.
        if separator.unicodeScalars.count == 1, let byte = separator.asciiValue, byte != 0x0A, byte != 0x0D, isASCIIText {
            guard let index = utf8.firstIndex(of: byte) else { return (self, nil) }
            return (String(self[..<index]), String(self[utf8.index(after: index)...]))
        }
        guard let index = firstIndex(of: separator) else { return (self, nil) }
        return (String(self[..<index]), String(self[self.index(after: index)...]))
    }
}
