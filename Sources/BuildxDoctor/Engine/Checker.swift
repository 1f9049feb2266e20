import Foundation

/// Which configuration the checker applies.
public enum ConfigurationChoice: Sendable {
    /// None: every rule at its own severities (the library's default).
    case none
    /// This one for every file (`--config FILE`).
    case given(Configuration)
    /// The nearest `.buildx-doctor.yml` above each file (the command line's default).
    case nearest
}

/// Runs the whole pipeline: discovery, reading, frontends, rules, then the configuration and inline
/// suppressions. The entry point for the CLI and for tools that embed buildx-doctor.
public struct Checker: Sendable {
    public let rules: [any Rule]
    /// Files larger than this are refused rather than parsed (no real workflow comes close).
    public let maximumFileSize: Int
    /// Repository roots found so far, shared by every file this checker reads.
    private let repositoryRoots = RepositoryRoots()
    public var configuration: ConfigurationChoice
    /// Read every input as this kind instead of judging by content (`--kind`).
    public var kind: InputKind?
    /// The path standard input stands for (`--stdin-filename`): it names the input in reports, decides
    /// its kind by name and where its configuration is looked for.
    public var standardInputPath: String?
    /// Name files relative to the working directory, without `./` (the command line does).
    public var relativePaths: Bool
    /// This machine's builders read live (`check --builder`): scripts, Makefiles and self-hosted jobs run here.
    public var machine: LiveMachine?

    /// The default for `maximumFileSize`: 8 MiB.
    public static let defaultMaximumFileSize = 8 << 20
    /// Every id a suppression comment may name.
    private static let ruleIDs = RuleRegistry.descriptions.map(\.id)
    /// How reports name standard input when `standardInputPath` does not.
    public static let standardInputName = "<stdin>"

    public init(
        rules: [any Rule] = RuleRegistry.all, maximumFileSize: Int = defaultMaximumFileSize, configuration: ConfigurationChoice = .none,
        kind: InputKind? = nil, standardInputPath: String? = nil, relativePaths: Bool = false
    ) {
        self.rules = rules
        self.maximumFileSize = maximumFileSize
        self.configuration = configuration
        self.kind = kind
        self.standardInputPath = standardInputPath
        self.relativePaths = relativePaths
    }

    /// The inputs `paths` stand for, each with the configuration that applies to it.
    public struct Inputs: Sendable {
        /// A file to read (`-` for standard input) and its configuration.
        public struct Input: Sendable {
            public let path: String
            public let isExplicit: Bool
            public let configuration: Configuration?
        }

        public internal(set) var inputs: [Input] = []
        /// Files found by searching that the configuration's `exclude` leaves out.
        public internal(set) var excluded: [String] = []
        /// Paths that could not be found or searched.
        public internal(set) var inputErrors: [InputError] = []
        /// Configuration files that could not be used.
        public internal(set) var configurationErrors: [ConfigurationError] = []
    }

    /// Finds the files under `paths` (`-` is standard input, first whatever its place) and the
    /// configuration of each, leaving out the files the configuration excludes. Each configuration file is
    /// read once.
    public func inputs(for paths: [String]) -> Inputs {
        let directory = PathText.currentDirectory()
        var result = Inputs()
        var candidates: [FileDiscovery.Candidate]
        (candidates, result.inputErrors) = FileDiscovery.candidates(in: paths.filter { $0 != "-" })
        if relativePaths {
            candidates = candidates.map { FileDiscovery.Candidate(path: PathText.display($0.path, from: directory), isExplicit: $0.isExplicit) }
        }
        if paths.contains("-") { candidates.insert(FileDiscovery.Candidate(path: "-", isExplicit: true), at: 0) }
        var lookup = ConfigurationLookup(currentDirectory: directory)
        for candidate in candidates {
            let configuration: Configuration?
            switch self.configuration {
            case .none: configuration = nil
            case .given(let given): configuration = given
            case .nearest:
                do {
                    configuration =
                        try candidate.path == "-"
                        ? lookup.configuration(forFileAt: standardInputPath ?? ".", isFolder: standardInputPath == nil)
                        : lookup.configuration(forFileAt: candidate.path)
                } catch {
                    if !result.configurationErrors.contains(error) { result.configurationErrors.append(error) }
                    continue
                }
            }
            if !candidate.isExplicit, configuration?.excludes(candidate.path) == true {
                result.excluded.append(candidate.path)
                continue
            }
            result.inputs.append(Inputs.Input(path: candidate.path, isExplicit: candidate.isExplicit, configuration: configuration))
        }
        return result
    }

    /// Checks every file under `paths`; `-` is standard input.
    ///
    /// With `.nearest`, every configuration file that applies is read first; if one cannot be used the
    /// report holds only `configurationErrors` and nothing is checked.
    public func check(paths: [String]) -> CheckReport {
        let inputs = inputs(for: paths)
        guard inputs.configurationErrors.isEmpty else {
            var report = CheckReport(results: [])
            report.configurationErrors = inputs.configurationErrors
            return report
        }
        // Scripts, Makefiles and bake files found by searching are checked on their own only when no CI file
        // here runs them: a job that runs one reports its findings there, with what the job knows of its builder.
        let standalone = inputs.inputs.filter { !$0.isExplicit && Self.isStandaloneScript($0.path) }
        let others = inputs.inputs.filter { $0.isExplicit || !Self.isStandaloneScript($0.path) }
        let check = { @Sendable (input: Inputs.Input) -> FileOutcome in
            do throws(InputError) {
                let file = try read(input)
                return outcome(
                    file, isExplicit: input.isExplicit, configuration: input.configuration,
                    assumeYAML: input.path == "-" && standardInputPath == nil, scope: .deferred)
            } catch {
                return FileOutcome(.unreadable(error))
            }
        }
        let first = ConcurrentMap.map(others, check)
        let followed = Set(first.flatMap { $0.referenced.map { PathText.absolute($0.path) } })
        let alone = standalone.filter { !followed.contains(PathText.absolute($0.path)) }
        var outcomes = first + ConcurrentMap.map(alone, check)
        // Repository rules see every plan at once; the few files they find something in are checked again
        // with those findings, so configuration and suppressions treat them as any other.
        let fromDisk = Set((others + alone).map(\.path).filter { $0 != "-" })
        let found = RepositoryPlans.findings(
            of: rules.compactMap(\.asRepositoryRule), over: outcomes.compactMap(\.plan),
            loader: { [loader] path in fromDisk.contains(path) ? loader(path) : nil })
        if !found.isEmpty {
            outcomes = ConcurrentMap.map(Array(zip(others + alone, outcomes))) { input, outcome in
                // The file as read the first time: standard input cannot be read twice.
                guard let file = outcome.plan?.file, let extra = found[file.path] else { return outcome }
                return self.outcome(
                    file, isExplicit: input.isExplicit, configuration: input.configuration,
                    assumeYAML: input.path == "-" && standardInputPath == nil, scope: .findings(extra))
            }
        }
        var report = CheckReport(outcomes: outcomes, inputErrors: inputs.inputErrors)
        report.excluded = inputs.excluded
        return report
    }

    /// Reads an input: a file, or standard input for `-`, named by `standardInputPath` or `<stdin>`.
    public func read(_ input: Inputs.Input) throws(InputError) -> SourceFile {
        guard input.path == "-" else { return try load(input.path) }
        let name = standardInputPath.map { relativePaths ? PathText.display($0) : $0 } ?? Self.standardInputName
        let bytes: [UInt8]
        do {
            bytes = try RawFile.read("/dev/stdin", limit: maximumFileSize)
        } catch {
            switch error {
            case .system(let reason): throw InputError(path: name, reason: .unreadable(reason))
            case .tooLarge(let size): throw InputError(path: name, reason: .tooLarge(bytes: size, limit: maximumFileSize))
            }
        }
        return try SourceFile(path: name, data: bytes)
    }

    /// Checks one file that is already in memory, with the given configuration (`.nearest` is resolved
    /// only by `check(paths:)`; callers holding one file pass `.given`).
    public func check(_ file: SourceFile, isExplicit: Bool = true) -> FileResult {
        var configuration: Configuration?
        if case .given(let given) = self.configuration { configuration = given }
        return outcome(file, isExplicit: isExplicit, configuration: configuration).result
    }

    /// Checks one file and keeps what its suppressions hid.
    func outcome(
        _ file: SourceFile, isExplicit: Bool, configuration: Configuration?, assumeYAML: Bool = false, scope: RepositoryScope = .alone
    ) -> FileOutcome {
        let enabled = rules.filter { configuration?.setting(of: $0.description.id, forFileAt: file.path) != .off }
        var root: YAMLNode?
        if assumeYAML || self.kind != nil || Self.mayBeYAML(file) {
            do {
                root = try YAMLDocument.parse(file)
            } catch {
                guard !isExplicit || assumeYAML || Self.hasYAMLExtension(file.path) || Frontends.claims(relativePath: file.path) else {
                    return FileOutcome(.skipped(file.path))
                }
                let span = Span(path: file.path, start: error.location, end: error.location)
                let diagnostic = RuleRegistry.yamlSyntax.diagnostic(
                    "invalid YAML: \(error.message)", at: span, help: "fix the syntax; the CI system rejects the whole file")
                return finish(file, kind: Self.kindFromPath(file.path), [diagnostic], enabled: enabled, configuration: configuration, scope: scope)
            }
        }
        let repository = RepositoryFileLoader(forFileAt: file.path, maximumFileSize: maximumFileSize, roots: repositoryRoots)
        var runnerFacts = configuration?.runnerFacts ?? RunnerFacts()
        runnerFacts.machine = machine
        // A snippet (steps, one step, a jobs map) is checked as if it sat in a workflow: when asked to, or when
        // a file named on the command line is nothing else.
        if let forced = self.kind {
            if let problem = Snippet.mismatch(root, forced) {
                return FileOutcome(.skipped(file.path), reason: "\(problem), so it cannot be read as --kind \(forced.rawValue)")
            }
            let kind: FileKind = forced == .action ? .githubCompositeAction : .githubWorkflow
            guard let document = root.map({ Snippet.workflow(around: $0, as: forced) }) else {
                return finish(file, kind: kind, [], enabled: enabled, configuration: configuration, scope: scope)
            }
            let plan = GitHubActionsFrontend.plan(document, kind: kind, file: file, localActions: repository, runnerFacts: runnerFacts)
            var outcome = finish(file, kind: kind, findings(plan, enabled, scope), enabled: enabled, configuration: configuration, scope: scope)
            outcome.keep(plan)
            return outcome
        }
        let input = FrontendInput(file: file, yaml: root, repository: repository, runnerFacts: runnerFacts)
        for frontend in Frontends.all {
            if let plan = frontend.plan(input) {
                let referenced = plan.referencedPaths.sorted().compactMap { try? load($0) }
                let diagnostics = BakeFindings.merged(findings(plan, enabled, scope), plan: plan) + BakeDefinitionRule.diagnostics(plan)
                var outcome = finish(
                    file, kind: plan.kind, diagnostics, enabled: enabled, configuration: configuration, scope: scope, referenced: referenced)
                outcome.keep(plan)
                outcome.referenced = referenced
                return outcome
            }
        }
        if let root, isExplicit, let shape = Snippet.shape(of: root) {
            let plan = GitHubActionsFrontend.plan(
                Snippet.workflow(around: root, as: shape), kind: .githubWorkflow, file: file, localActions: repository,
                runnerFacts: runnerFacts)
            var outcome = finish(file, kind: .githubWorkflow, findings(plan, enabled, scope), enabled: enabled, configuration: configuration, scope: scope)
            outcome.keep(plan)
            return outcome
        }
        // A workflow GitHub would read but that holds nothing to check (an empty file, say).
        if !isExplicit, Self.kindFromPath(file.path) == .githubWorkflow, GitHubActionsFrontend().claims(relativePath: file.path) {
            return finish(file, kind: .githubWorkflow, [], enabled: enabled, configuration: configuration, scope: scope)
        }
        // A Compose file found by searching that builds nothing (it only runs images) is no CI file at all.
        if !isExplicit, BakeFrontend().claims(relativePath: file.path) { return FileOutcome(.ignored) }
        return FileOutcome(isExplicit ? .skipped(file.path) : .ignored, ignoredPath: file.path)
    }

    /// The findings of the enabled rules on a plan; repository rules as `repository` says.
    private func findings(_ plan: BuildPlan, _ enabled: [any Rule], _ repository: RepositoryScope) -> [Diagnostic] {
        let perFile = enabled.flatMap { $0.check(plan) }
        switch repository {
        case .deferred: return perFile
        case .findings(let found):
            let ids = Set(enabled.map(\.description.id))
            return perFile + found.filter { ids.contains($0.rule) }
        case .alone:
            let rules = enabled.compactMap(\.asRepositoryRule)
            // A file checked from memory has no repository to read.
            return perFile + RepositoryPlans.findings(of: rules, over: [plan], loader: { _ in nil }).values.flatMap { $0 }
        }
    }

    /// How a file's repository files are read: with the checker's size limit and its shared roots.
    private var loader: @Sendable (String) -> RepositoryFileLoader {
        { [maximumFileSize, repositoryRoots] in RepositoryFileLoader(forFileAt: $0, maximumFileSize: maximumFileSize, roots: repositoryRoots) }
    }

    /// Applies the configuration's severities and the suppression comments to a file's findings: each
    /// finding is matched against the comments of the file it is in, the checked file or one of the
    /// `referenced` files its plan reads (a script a job runs). Unused suppressions are reported for the
    /// checked file only: a script's suppression may be used when another CI file runs it.
    private func finish(
        _ file: SourceFile, kind: FileKind, _ diagnostics: [Diagnostic], enabled: [any Rule], configuration: Configuration?,
        scope: RepositoryScope, referenced: [SourceFile] = []
    ) -> FileOutcome {
        func setting(_ rule: String) -> Configuration.RuleSetting {
            configuration?.setting(of: rule, forFileAt: file.path) ?? .on
        }
        func configured(_ diagnostic: Diagnostic) -> Diagnostic? {
            switch setting(diagnostic.rule) {
            case .off: return nil
            case .on: return diagnostic
            case .severity(let severity):
                return Diagnostic(
                    rule: diagnostic.rule, severity: severity, message: diagnostic.message, span: diagnostic.span, help: diagnostic.help,
                    fix: diagnostic.fix)
            }
        }
        let (directives, problems) = Suppressions.directives(
            in: file, syntax: CommentSyntax.of(path: file.path), knownRules: Self.ruleIDs)
        // Only suppressions ask which rules run; most files have none. Repository rules that have not run
        // yet cannot leave a suppression unused.
        var running: Set<String> = []
        if !directives.isEmpty || !referenced.isEmpty {
            let ran = enabled.filter { rule in
                if case .deferred = scope { return rule.asRepositoryRule == nil }
                return true
            }
            running = Set(ran.map(\.description.id) + [RuleRegistry.yamlSyntax.id, BakeDefinitionRule.description.id])
        }
        let isEnabled = { (rule: String) in running.contains(rule) && setting(rule) != .off }
        var own: [Diagnostic] = []
        var elsewhere: [String: [Diagnostic]] = [:]
        for diagnostic in diagnostics.compactMap(configured) {
            if diagnostic.span.path == file.path { own.append(diagnostic) } else { elsewhere[diagnostic.span.path, default: []].append(diagnostic) }
        }
        var (reported, suppressed, unused) = Suppressions.apply(directives, to: own, in: file, isEnabled: isEnabled)
        for other in referenced {
            guard let found = elsewhere.removeValue(forKey: other.path) else { continue }
            let (otherDirectives, _) = Suppressions.directives(in: other, syntax: CommentSyntax.of(path: other.path), knownRules: Self.ruleIDs)
            let (kept, hidden, _) = Suppressions.apply(otherDirectives, to: found, in: other, isEnabled: isEnabled)
            reported += kept
            suppressed += hidden
        }
        // Findings in files that could not be read again keep their place (the plan still read them).
        reported += elsewhere.sorted { $0.key < $1.key }.flatMap(\.value)
        return FileOutcome(.checked(file, kind: kind, diagnostics: reported + (problems + unused).compactMap(configured)), suppressed: suppressed)
    }

    /// Reads and decodes one file, refusing files over `maximumFileSize`.
    public func load(_ path: String) throws(InputError) -> SourceFile {
        try RawFile.source(path, limit: maximumFileSize)
    }

    /// Whether a file found by searching is a script, Makefile, bake or Compose file, checked on its own
    /// only when no CI file runs it (`fix` orders its work the same way).
    public static func isStandaloneScript(_ path: String) -> Bool {
        ShellScriptFrontend().claims(relativePath: path) || MakefileFrontend().claims(relativePath: path) || BakeFrontend().claims(relativePath: path)
    }

    /// YAML files by name, and any file named without a known non-YAML name: content decides.
    private static func mayBeYAML(_ file: SourceFile) -> Bool {
        let name = file.path.splitting("/").last.map(String.init) ?? file.path
        return !(name.hasSuffix(".sh") || name.hasSuffix(".bash") || name.hasSuffix(".mk") || name == "Makefile"
            || name == "GNUmakefile" || name.hasSuffix(".hcl"))
    }

    private static func hasYAMLExtension(_ path: String) -> Bool {
        path.hasSuffix(".yml") || path.hasSuffix(".yaml")
    }

    private static func kindFromPath(_ path: String) -> FileKind {
        let name = path.splitting("/").last ?? ""
        if name == "action.yml" || name == "action.yaml" { return .githubCompositeAction }
        if GitLabCIFrontend().claims(relativePath: path) { return .gitlabCI }
        if CircleCIFrontend().claims(relativePath: path) { return .circleCI }
        return .githubWorkflow
    }
}

/// How `Checker.outcome` runs repository rules (`RepositoryRule`).
enum RepositoryScope: Sendable {
    /// The file is a repository of its own: they run over its plan alone.
    case alone
    /// `check(paths:)` runs them over every plan afterwards: they are left out for now.
    case deferred
    /// Their findings in this file, from the whole repository.
    case findings([Diagnostic])
}

/// What checking one file gave.
public enum FileResult: Sendable {
    case checked(SourceFile, kind: FileKind, diagnostics: [Diagnostic])
    /// Named by the user but of no kind buildx-doctor reads.
    case skipped(String)
    /// Found by searching but not a file buildx-doctor reads (a JavaScript or Docker action).
    case ignored
    case unreadable(InputError)
}

/// A `FileResult` with what the report needs besides: suppressed findings and why a file was passed over.
struct FileOutcome: Sendable {
    let result: FileResult
    var suppressed: [SuppressedDiagnostic] = []
    /// Why a skipped file could not be read as anything.
    var reason: String?
    /// The path of an ignored file.
    var ignoredPath: String?
    /// Other files the plan reads (scripts a job runs), for quoting their lines.
    var referenced: [SourceFile] = []
    /// The file's plan when it runs builds: the repository rules that run over every plan of a check and
    /// the correlation of logs look only at builds. A plan without builds is released where it was made,
    /// on the thread that checked the file, so its memory serves the next file.
    private(set) var plan: BuildPlan?

    mutating func keep(_ plan: BuildPlan) {
        if !plan.builds.isEmpty { self.plan = plan }
    }

    init(_ result: FileResult, suppressed: [SuppressedDiagnostic] = [], reason: String? = nil, ignoredPath: String? = nil) {
        self.result = result
        self.suppressed = suppressed
        self.reason = reason
        self.ignoredPath = ignoredPath
    }
}

/// Everything one `check` found.
public struct CheckReport: Sendable {
    public struct CheckedFile: Sendable {
        public let path: String
        public let kind: FileKind
    }

    /// A file that was passed over, and why.
    public struct PassedOver: Sendable, Equatable {
        public let path: String
        public let reason: String
    }

    public private(set) var files: [CheckedFile] = []
    /// Sorted by path, line and column.
    public private(set) var diagnostics: [Diagnostic] = []
    /// The `Fingerprint` of each of `diagnostics`.
    public private(set) var fingerprints: [String] = []
    /// Findings an inline suppression or the baseline accounts for, sorted like `diagnostics`.
    public private(set) var suppressed: [SuppressedDiagnostic] = []
    /// The `Fingerprint` of each of `suppressed`.
    public private(set) var suppressedFingerprints: [String] = []
    /// Files named by the user that are of no kind buildx-doctor reads, with the reason.
    public private(set) var passedOver: [PassedOver] = []
    /// Files found by searching that are not GitHub Actions workflows or composite actions.
    public private(set) var ignored: [String] = []
    /// Files found by searching that the configuration's `exclude` leaves out.
    public internal(set) var excluded: [String] = []
    public private(set) var inputErrors: [InputError] = []
    /// Configuration files that could not be used; when there are any, nothing was checked.
    public internal(set) var configurationErrors: [ConfigurationError] = []
    /// The checked files by path, for reporters that quote source lines.
    public private(set) var sources: [String: SourceFile] = [:]
    /// The plan each checked file was read into, by path: logs are correlated with the very plans the
    /// check made (with the configuration's runner facts). Keeping them also spares a large check the
    /// release of every plan, one object at a time, before the process ends.
    private(set) var plans: [String: BuildPlan] = [:]
    /// The baseline findings were compared with, if any.
    public internal(set) var baselinePath: String?

    /// Files named by the user that are of no kind buildx-doctor reads.
    public var skipped: [String] { passedOver.map(\.path) }

    /// Collects per-file results; diagnostics end up sorted by path, line and column.
    public init(results: [FileResult], inputErrors: [InputError] = []) {
        self.init(outcomes: results.map { FileOutcome($0) }, inputErrors: inputErrors)
    }

    init(outcomes: [FileOutcome], inputErrors: [InputError]) {
        self.inputErrors = inputErrors
        var all: [SuppressedDiagnostic] = []
        for outcome in outcomes {
            add(outcome.result, reason: outcome.reason, ignoredPath: outcome.ignoredPath)
            all += outcome.suppressed
            for file in outcome.referenced where sources[file.path] == nil { sources[file.path] = file }
            if let plan = outcome.plan { plans[plan.file.path] = plan }
        }
        diagnostics.sort(by: Self.inOrder)
        // A script two workflows run is reported once.
        var seen = Set<String>()
        diagnostics = diagnostics.filter { diagnostic in
            seen.insert("\(diagnostic.rule)\u{0}\(diagnostic.span.path)\u{0}\(diagnostic.span.byteRange)\u{0}\(diagnostic.message)").inserted
        }
        all.sort { Self.inOrder($0.diagnostic, $1.diagnostic) }
        // Occurrences are counted over reported and suppressed findings together, so suppressing one
        // finding does not change the fingerprint of the next on an identical line.
        let everything = (diagnostics.map { ($0, false) } + all.map { ($0.diagnostic, true) }).sorted { Self.inOrder($0.0, $1.0) }
        var fingerprintOf: [Int: String] = [:]
        var suppressedFingerprintOf: [Int: String] = [:]
        var reportedIndex = 0
        var suppressedIndex = 0
        for (entry, fingerprint) in zip(everything, Fingerprint.of(everything.map(\.0), sources: sources)) {
            if entry.1 {
                suppressedFingerprintOf[suppressedIndex] = fingerprint
                suppressedIndex += 1
            } else {
                fingerprintOf[reportedIndex] = fingerprint
                reportedIndex += 1
            }
        }
        fingerprints = diagnostics.indices.map { fingerprintOf[$0] ?? "" }
        suppressed = all
        suppressedFingerprints = all.indices.map { suppressedFingerprintOf[$0] ?? "" }
    }

    private static func inOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.span.path, a.span.start.line, a.span.start.column, a.rule) < (b.span.path, b.span.start.line, b.span.start.column, b.rule)
    }

    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }

    /// How many findings were suppressed of each kind.
    public func suppressedCount(_ kind: SuppressedDiagnostic.Kind) -> Int { suppressed.filter { $0.kind == kind }.count }

    /// Whether nothing at all could be checked: no file was read as a workflow or composite action.
    public var checkedNothing: Bool { files.isEmpty }

    /// Moves the reported findings `matches` picks to `suppressed`, keeping both lists in order.
    mutating func moveToSuppressed(
        kind: SuppressedDiagnostic.Kind, justification: String?, where matches: (Diagnostic, String) -> Bool
    ) {
        var kept: [(Diagnostic, String)] = []
        var moved: [(SuppressedDiagnostic, String)] = []
        for (diagnostic, fingerprint) in zip(diagnostics, fingerprints) {
            if matches(diagnostic, fingerprint) {
                moved.append((SuppressedDiagnostic(diagnostic: diagnostic, kind: kind, justification: justification), fingerprint))
            } else {
                kept.append((diagnostic, fingerprint))
            }
        }
        guard !moved.isEmpty else { return }
        diagnostics = kept.map(\.0)
        fingerprints = kept.map(\.1)
        let merged = (zip(suppressed, suppressedFingerprints).map { ($0, $1) } + moved).sorted {
            Self.inOrder($0.0.diagnostic, $1.0.diagnostic)
        }
        suppressed = merged.map(\.0)
        suppressedFingerprints = merged.map(\.1)
    }

    private mutating func add(_ result: FileResult, reason: String?, ignoredPath: String?) {
        switch result {
        case .checked(let file, let kind, let diagnostics):
            files.append(CheckedFile(path: file.path, kind: kind))
            sources[file.path] = file
            self.diagnostics += diagnostics
        case .skipped(let path):
            passedOver.append(PassedOver(path: path, reason: reason ?? ReadKinds.passedOverReason))
        case .ignored:
            if let ignoredPath { ignored.append(ignoredPath) }
        case .unreadable(let error): inputErrors.append(error)
        }
    }
}
