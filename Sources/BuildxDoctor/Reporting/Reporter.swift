/// Turns a check report into text for one output format. Reporters read only the report.
public protocol Reporter: Sendable {
    func render(_ report: CheckReport) -> String
}

/// The output formats `check --format` accepts.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github

    public func reporter(colored: Bool) -> any Reporter {
        switch self {
        case .text: TextReporter(colored: colored)
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .github: GitHubReporter()
        }
    }
}

/// The name and version reports carry.
public enum ToolInfo {
    public static let name = "buildx-doctor"
    public static let version = "0.1.0"
}
