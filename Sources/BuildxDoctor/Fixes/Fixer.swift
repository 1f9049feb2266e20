/// Applies every safe fix to a file and checks again, until nothing more can be fixed. Reads only the
/// diagnostics (and their fixes) that `Checker` produces.
public struct Fixer: Sendable {
    public let checker: Checker
    /// Only fixes of these rules are applied; `nil` for all.
    public let rules: Set<String>?

    public init(checker: Checker = Checker(), rules: Set<String>? = nil) {
        self.checker = checker
        self.rules = rules
    }

    /// What fixing one file gave.
    public struct Result: Sendable {
        public let original: SourceFile
        /// The fixed content, without the byte order mark (see `original.hasByteOrderMark`).
        public let fixed: [UInt8]
        public let applied: [Fix]
        /// Findings after the fixes; those without a fix are the ones `fix` cannot repair.
        public let remaining: [Diagnostic]
        /// The other files the file's plan reads (scripts and Makefiles its jobs run), as absolute paths:
        /// their findings are the file's, and they are fixed in the file's context, not on their own.
        public let referencedPaths: Set<String>

        public var changed: Bool { fixed != original.bytes }
    }

    public func fix(_ file: SourceFile) -> Result {
        var current = file
        var applied: [Fix] = []
        var (kind, remaining, referenced) = outcome(of: current)
        // A fix's byte ranges belong to the file it names: a finding in a script this workflow runs may carry
        // an edit of the script, which must never be applied to the workflow's bytes.
        let path = PathText.absolute(file.path)
        // Each pass may reveal the next fix (say, QEMU after buildx); four passes is more than any needs.
        for _ in 0..<4 {
            var fixes: [Fix] = []
            for fix in remaining.compactMap(\.fix) where rules == nil || remaining.contains(where: { $0.fix == fix && rules!.contains($0.rule) }) {
                if !fixes.contains(fix), PathText.absolute(fix.path) == path { fixes.append(fix) }
            }
            guard !fixes.isEmpty else { break }
            let (bytes, taken) = FixApplier.apply(fixes, to: current.bytes)
            guard !taken.isEmpty, let next = try? SourceFile(path: file.path, data: bytes) else { break }
            // A fix must never turn a valid file into an invalid one: YAML must still parse, and the file must
            // still be read as what it was. Scripts and Makefiles are not YAML (a tab-indented recipe never is),
            // so asking them to parse would refuse every fix of theirs.
            if let kind, Self.isYAML(kind), (try? YAMLDocument.parse(next)) == nil { break }
            let (nextKind, nextRemaining, _) = outcome(of: next)
            guard nextKind == kind else { break }
            current = next
            applied += taken
            remaining = nextRemaining
        }
        return Result(original: file, fixed: current.bytes, applied: applied, remaining: remaining, referencedPaths: referenced)
    }

    /// The kind the checker reads the file as, its findings, and the other files its plan reads.
    private func outcome(of file: SourceFile) -> (FileKind?, [Diagnostic], Set<String>) {
        var configuration: Configuration?
        if case .given(let given) = checker.configuration { configuration = given }
        let outcome = checker.outcome(file, isExplicit: true, configuration: configuration)
        guard case .checked(_, let kind, let diagnostics) = outcome.result else { return (nil, [], []) }
        return (kind, diagnostics, Set(outcome.referenced.map { PathText.absolute($0.path) }))
    }

    private static func isYAML(_ kind: FileKind) -> Bool {
        switch kind {
        case .githubWorkflow, .githubCompositeAction, .gitlabCI, .circleCI, .composeFile: true
        case .shellScript, .makefile, .bakeFile: false
        }
    }
}
