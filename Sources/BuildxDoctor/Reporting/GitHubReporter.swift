/// GitHub Actions workflow commands, which the runner turns into annotations on the pull request.
public struct GitHubReporter: Reporter {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        report.diagnostics.map { diagnostic in
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
            return "::\(command) \(properties.joined(separator: ","))::\(Self.escapeData(diagnostic.reportedMessage))\n"
        }.joined()
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
