/// GitHub Actions workflow commands, which the runner turns into annotations on the pull request
/// (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands): each carries the
/// message and the fix; the last line counts the findings in the job's log.
public struct GitHubReporter: Reporter {
    /// Whether the last line counts the findings (`--quiet` leaves it out).
    public let showsSummary: Bool

    public init(showsSummary: Bool = true) { self.showsSummary = showsSummary }

    public func render(_ report: CheckReport) -> String {
        let commands = report.diagnostics.map { diagnostic in
            let command =
                switch diagnostic.severity {
                case .error: "error"
                case .warning: "warning"
                case .info: "notice"
                }
            let span = diagnostic.span
            let properties = [
                "file=\(Self.escapeProperty(span.path))", "line=\(span.start.line)", "col=\(span.start.column)",
                "endLine=\(span.end.line)", "endColumn=\(span.end.column)", "title=\(Self.escapeProperty(diagnostic.rule))",
            ]
            let text = diagnostic.reportedMessage + (diagnostic.reportedHelp.map { "\n\nhelp: " + $0 } ?? "")
            return "::\(command) \(properties.joined(separator: ","))::\(Self.escapeData(text))\n"
        }.joined()
        return commands + (showsSummary ? "buildx-doctor: " + TextReporter.summary(report) + "\n" : "")
    }

    /// The runner's escaping for a command's message.
    static func escapeData(_ text: String) -> String {
        text.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    /// The runner's escaping for a command's properties, which also reserve `:` and `,`.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
