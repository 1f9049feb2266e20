/// Turns a check report into text for one output format. Reporters read only the report.
public protocol Reporter: Sendable {
    func render(_ report: CheckReport) -> String
}

/// The output formats `check --format` accepts.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github

    /// The reporter; `quiet` leaves out the summary line of the text and github formats.
    public func reporter(colored: Bool, quiet: Bool = false) -> any Reporter {
        switch self {
        case .text: TextReporter(colored: colored, showsSummary: !quiet)
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .github: GitHubReporter(showsSummary: !quiet)
        }
    }
}

/// The name and version reports carry.
public enum ToolInfo {
    public static let name = "buildx-doctor"
    #if BUILDX_DOCTOR_RELEASE
    // Scripts/release.sh builds an export of the commit with this flag and a generated ReleaseVersion.swift
    // that holds the `git describe` version; every other build reports the version below.
    public static let version = releaseVersion
    #else
    public static let version = "0.1.0"
    #endif
}

extension Diagnostic {
    /// Longest message or help text a report prints, in characters.
    static let reportedTextLimit = 1_000

    /// The message as reports print it. Messages quote values from the file, and a value can be megabytes
    /// (a `cache-to` line pasted a thousand times): past `reportedTextLimit` characters the rest is cut
    /// and "…" marks the cut.
    public var reportedMessage: String { Self.capped(message) }

    /// The help as reports print it, cut like the message.
    public var reportedHelp: String? { help.map(Self.capped) }

    static func capped(_ text: String) -> String {
        guard let cut = text.index(text.startIndex, offsetBy: reportedTextLimit, limitedBy: text.endIndex),
            cut < text.endIndex
        else { return text }
        return text[..<cut] + "…"
    }
}
