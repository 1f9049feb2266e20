import Foundation

/// Runs the whole pipeline: discovery, reading, frontends, rules. The entry point for the CLI and for
/// tools that embed buildx-doctor.
public struct Checker: Sendable {
    public let rules: [any Rule]
    /// Files larger than this are refused rather than parsed (no real workflow comes close).
    public let maximumFileSize: Int

    /// The default for `maximumFileSize`: 8 MiB.
    public static let defaultMaximumFileSize = 8 << 20

    public init(rules: [any Rule] = RuleRegistry.all, maximumFileSize: Int = defaultMaximumFileSize) {
        self.rules = rules
        self.maximumFileSize = maximumFileSize
    }

    /// Checks every file under `paths`.
    public func check(paths: [String]) -> CheckReport {
        let (candidates, errors) = FileDiscovery.candidates(in: paths)
        return CheckReport(results: ConcurrentMap.map(candidates) { check(candidate: $0) }, inputErrors: errors)
    }

    /// Checks one file that is already in memory: the first frontend that reads it makes its plan.
    public func check(_ file: SourceFile, isExplicit: Bool = true) -> FileResult {
        var root: YAMLNode?
        if Self.mayBeYAML(file) {
            do {
                root = try YAMLDocument.parse(file)
            } catch {
                guard Self.hasYAMLExtension(file.path) || Frontends.claims(relativePath: file.path) else {
                    return isExplicit ? .skipped(file.path) : .ignored
                }
                let span = Span(path: file.path, start: error.location, end: error.location)
                let diagnostic = RuleRegistry.yamlSyntax.diagnostic(
                    "invalid YAML: \(error.message)", at: span, help: "fix the syntax; the CI system rejects the whole file")
                return .checked(file, kind: Self.kindFromPath(file.path), diagnostics: [diagnostic])
            }
        }
        let input = FrontendInput(
            file: file, yaml: root, repository: RepositoryFileLoader(forFileAt: file.path, maximumFileSize: maximumFileSize))
        for frontend in Frontends.all {
            if let plan = frontend.plan(input) {
                return .checked(file, kind: plan.kind, diagnostics: rules.flatMap { $0.check(plan) })
            }
        }
        // A workflow GitHub would read but that holds nothing to check (an empty file, say).
        if !isExplicit, Self.kindFromPath(file.path) == .githubWorkflow, GitHubActionsFrontend().claims(relativePath: file.path) {
            return .checked(file, kind: .githubWorkflow, diagnostics: [])
        }
        return isExplicit ? .skipped(file.path) : .ignored
    }

    /// YAML files by name, and any file named without a known non-YAML name: content decides.
    private static func mayBeYAML(_ file: SourceFile) -> Bool {
        let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
        return !(name.hasSuffix(".sh") || name.hasSuffix(".bash") || name.hasSuffix(".mk") || name == "Makefile"
            || name == "GNUmakefile" || name.hasSuffix(".hcl"))
    }

    private func check(candidate: FileDiscovery.Candidate) -> FileResult {
        do {
            return check(try load(candidate.path), isExplicit: candidate.isExplicit)
        } catch {
            return .unreadable(error)
        }
    }

    /// Reads and decodes one file, refusing files over `maximumFileSize`.
    public func load(_ path: String) throws(InputError) -> SourceFile {
        try RawFile.source(path, limit: maximumFileSize)
    }

    private static func hasYAMLExtension(_ path: String) -> Bool {
        path.hasSuffix(".yml") || path.hasSuffix(".yaml")
    }

    private static func kindFromPath(_ path: String) -> FileKind {
        let name = path.split(separator: "/").last ?? ""
        if name == "action.yml" || name == "action.yaml" { return .githubCompositeAction }
        if GitLabCIFrontend().claims(relativePath: path) { return .gitlabCI }
        if CircleCIFrontend().claims(relativePath: path) { return .circleCI }
        return .githubWorkflow
    }
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

/// Everything one `check` found.
public struct CheckReport: Sendable {
    public struct CheckedFile: Sendable {
        public let path: String
        public let kind: FileKind
    }

    public private(set) var files: [CheckedFile] = []
    /// Sorted by path, line and column.
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var skipped: [String] = []
    public private(set) var inputErrors: [InputError] = []
    /// The checked files by path, for reporters that quote source lines.
    public private(set) var sources: [String: SourceFile] = [:]

    /// Collects per-file results; diagnostics end up sorted by path, line and column.
    public init(results: [FileResult], inputErrors: [InputError] = []) {
        self.inputErrors = inputErrors
        for result in results { add(result) }
        diagnostics.sort { a, b in
            (a.span.path, a.span.start.line, a.span.start.column, a.rule)
                < (b.span.path, b.span.start.line, b.span.start.column, b.rule)
        }
    }

    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }

    private mutating func add(_ result: FileResult) {
        switch result {
        case .checked(let file, let kind, let diagnostics):
            files.append(CheckedFile(path: file.path, kind: kind))
            sources[file.path] = file
            self.diagnostics += diagnostics
        case .skipped(let path): skipped.append(path)
        case .ignored: break
        case .unreadable(let error): inputErrors.append(error)
        }
    }
}
