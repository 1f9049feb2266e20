/// How serious a finding is. Ordered so that `--fail-on` can compare.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding: what will happen, where, and how to fix it.
public struct Diagnostic: Sendable, Equatable {
    public let rule: String
    public let severity: Severity
    public let message: String
    public let span: Span
    /// The fix in one or two sentences.
    public let help: String?
    /// The edit that makes the configuration work, when one is safe.
    public let fix: Fix?

    public init(rule: String, severity: Severity, message: String, span: Span, help: String?, fix: Fix? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.span = span
        self.help = help
        self.fix = fix
    }
}

/// A rule's self-description: `buildx-doctor rules ID` prints it, docs/rules/ is generated from it and
/// the test suite runs its examples.
public struct RuleDescription: Sendable {
    /// Stable kebab-case id; part of the interface (suppressions, SARIF, scripts).
    public let id: String
    public let severity: Severity
    public let summary: String
    /// Markdown: why it matters, what happens at run time, the fix.
    public let explanation: String
    /// Files that must produce a finding at every `↓` marker, and nowhere else.
    public let triggeringExamples: [RuleExample]
    /// Files that must produce no finding of this rule.
    public let nonTriggeringExamples: [RuleExample]
    /// The Docker documentation page about the problem (SARIF's `helpUri`).
    public let helpURI: String

    public init(
        id: String, severity: Severity, summary: String, explanation: String, helpURI: String,
        triggeringExamples: [RuleExample], nonTriggeringExamples: [RuleExample]
    ) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.helpURI = helpURI
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
    }

    /// A finding of this rule at its default severity unless `severity` says otherwise.
    public func diagnostic(_ message: String, at span: Span, help: String?, severity: Severity? = nil, fix: Fix? = nil)
        -> Diagnostic
    {
        Diagnostic(rule: id, severity: severity ?? self.severity, message: message, span: span, help: help, fix: fix)
    }
}

/// An example file for a rule. `↓` marks where each finding must start; it is removed before checking.
public struct RuleExample: Sendable {
    public let kind: FileKind
    public let source: String
    /// Other files of the example's repository by path from its root (a Dockerfile a build names), for
    /// rules that read them; the example itself sits at `.github/workflows/` (or is the root's `action.yml`).
    public let files: [String: String]

    public init(_ source: String, kind: FileKind = .githubWorkflow, files: [String: String] = [:]) {
        self.source = source
        self.kind = kind
        self.files = files
    }

    /// The same example in a repository that also holds `files`.
    public func with(files: [String: String]) -> RuleExample { RuleExample(source, kind: kind, files: files) }

    /// The marker that stands before the text a finding must point at.
    public static let marker: Character = "↓"

    /// A workflow with one job `build` on `runsOn` whose steps are `steps` (written without indentation).
    public static func steps(_ steps: String, runsOn: String = "ubuntu-latest") -> RuleExample {
        // Every rule's examples are made when the rule is, so at every start-up: each line is indented
        // byte by byte rather than through a Character split. A CR before a LF would make one Character
        // with it, which the split does not break; no example has one, but such text keeps the split.
        let indented: String
        if steps.utf8.contains(UInt8(ascii: "\r")) {
            indented = steps.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "      " + $0 }.joined(separator: "\n")
        } else {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(steps.utf8.count * 2)
            var atLineStart = true
            for byte in steps.utf8 {
                if byte == UInt8(ascii: "\n") {
                    atLineStart = true
                } else if atLineStart {
                    bytes += "      ".utf8
                    atLineStart = false
                }
                bytes.append(byte)
            }
            indented = String(decoding: bytes, as: UTF8.self)
        }
        return RuleExample("on: push\njobs:\n  build:\n    runs-on: \(runsOn)\n    steps:\n" + indented)
    }
}

/// A check over a build plan. One rule per file; rules read only the plan.
public protocol Rule: Sendable {
    var description: RuleDescription { get }
    func check(_ plan: BuildPlan) -> [Diagnostic]
    /// This rule as a `RepositoryRule`, or `nil`. Asked instead of casting (`as? any RepositoryRule`):
    /// the Swift runtime answers the first cast of each rule type by scanning every protocol conformance
    /// record of the binary (`swift_conformsToProtocol`, swift/stdlib/public/runtime/ProtocolConformance.cpp),
    /// and in the statically linked tool those scans, one per rule, were a millisecond of every `check`.
    var asRepositoryRule: (any RepositoryRule)? { get }
}

extension Rule {
    public var asRepositoryRule: (any RepositoryRule)? { nil }
}
