/// Compiler-style output for people: location, severity, message and rule; the source line with the
/// span underlined; the fix. Colour only when asked for (the CLI asks on a terminal without NO_COLOR).
public struct TextReporter: Reporter {
    public let colored: Bool

    public init(colored: Bool) { self.colored = colored }

    public func render(_ report: CheckReport) -> String {
        var output = ""
        for diagnostic in report.diagnostics {
            output += render(diagnostic, source: report.sources[diagnostic.span.path])
        }
        output += summary(report)
        return output
    }

    private func render(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
        let span = diagnostic.span
        let severity = paint(diagnostic.severity.rawValue, Self.color(diagnostic.severity))
        var lines = [
            paint("\(span.path):\(span.start.line):\(span.start.column):", .bold) + " \(severity): "
                + paint(diagnostic.message, .bold) + " [\(diagnostic.rule)]"
        ]
        if let source, span.start.line <= source.lineCount {
            let text = source.text(ofLine: span.start.line)
            let scalars = Array(text.unicodeScalars)
            let startIndex = min(span.start.column - 1, scalars.count)
            let endIndex = span.end.line == span.start.line ? min(max(span.end.column - 1, startIndex + 1), max(scalars.count, startIndex + 1)) : max(scalars.count, startIndex + 1)
            // Keep tabs so the caret lines up under the text however the terminal expands them.
            let padding = String(String.UnicodeScalarView(scalars[0..<startIndex].map { $0 == "\t" ? "\t" : " " }))
            let underline = "^" + String(repeating: "~", count: max(0, endIndex - startIndex - 1))
            lines.append("  " + text)
            lines.append("  " + padding + paint(underline, Self.color(diagnostic.severity)))
        }
        if let help = diagnostic.help { lines.append("  " + paint("help:", .cyan) + " " + help) }
        return lines.joined(separator: "\n") + "\n\n"
    }

    private func summary(_ report: CheckReport) -> String {
        let counts = Severity.allCases.reversed().map { severity -> String in
            let count = report.count(severity)
            let noun = severity == .info ? "info" : severity.rawValue + (count == 1 ? "" : "s")
            return "\(count) \(noun)"
        }
        let files = report.files.count
        return counts.joined(separator: ", ") + " in \(files) file\(files == 1 ? "" : "s")\n"
    }

    private enum Color: String {
        case red = "31", yellow = "33", cyan = "36", bold = "1"
    }

    private static func color(_ severity: Severity) -> Color {
        switch severity {
        case .error: .red
        case .warning: .yellow
        case .info: .cyan
        }
    }

    private func paint(_ text: String, _ color: Color) -> String {
        colored ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}
