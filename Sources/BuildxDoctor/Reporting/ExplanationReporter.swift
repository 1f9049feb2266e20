/// Renders what `explain` found: for people, like a post-mortem's "what failed / root cause / fix", or
/// as the JSON contract (`"version": 1`).
public enum ExplanationReporter {
    public static func text(_ report: LogReport) -> String {
        var output = ""
        for explanation in report.explanations {
            let signature = explanation.signature
            let label =
                switch explanation.kind {
                case .failure: "failed"
                case .coldCache: "cold cache"
                case .notice: "notice"
                }
            output += "\(label): \(signature.title) (log line \(explanation.logLine))\n"
            output += "  \(explanation.excerpt)\n"
            output += "  root cause: \(signature.rootCause)\n"
            if let location = explanation.location {
                output += "  caused by \(location.span.path):\(location.span.start.line): \(location.message) [\(location.rule)]\n"
            } else if !explanation.candidates.isEmpty {
                output += "  candidates (the log does not say which; the link is a guess):\n"
                for candidate in explanation.candidates {
                    output += "    \(candidate.span.path):\(candidate.span.start.line): \(candidate.message) [\(candidate.rule)]\n"
                }
            }
            output += "  fix:\n"
            for (number, step) in signature.fix.enumerated() { output += "    \(number + 1). \(step)\n" }
            if let rule = signature.rule, explanation.location == nil, explanation.candidates.isEmpty {
                output += "  check: `buildx-doctor check` finds this before it runs (rule \(rule))\n"
            }
            output += "  more: \(signature.documentation)\n\n"
        }
        if !report.unrecognized.isEmpty {
            output += "errors buildx-doctor does not recognise:\n"
            for entry in report.unrecognized { output += "  line \(entry.line): \(entry.text)\n" }
        }
        if report.explanations.isEmpty && report.unrecognized.isEmpty { output += "no errors found in the log\n" }
        return output
    }

    public static func json(_ report: LogReport) -> String {
        let explanations: [JSONValue] = report.explanations.map { explanation in
            let signature = explanation.signature
            let place: (Diagnostic) -> JSONValue = {
                .object([("path", .string($0.span.path)), ("line", .number($0.span.start.line)), ("message", .string($0.message))])
            }
            return .object([
                ("signature", .string(signature.id)),
                ("title", .string(signature.title)),
                ("kind", .string(explanation.kind.rawValue)),
                ("rootCause", .string(signature.rootCause)),
                ("fix", .array(signature.fix.map(JSONValue.string))),
                ("rule", signature.rule.map(JSONValue.string) ?? .null),
                ("logLine", .number(explanation.logLine)),
                ("excerpt", .string(explanation.excerpt)),
                ("documentation", .string(signature.documentation)),
                ("location", explanation.location.map(place) ?? .null),
                ("candidates", .array(explanation.candidates.map(place))),
            ])
        }
        return JSONValue.object([
            ("version", .number(1)),
            ("explanations", .array(explanations)),
            ("unrecognized", .array(report.unrecognized.map { .object([("line", .number($0.line)), ("text", .string($0.text))]) })),
        ]).serialized() + "\n"
    }

    /// The catalog, one signature a line: id, kind, title, related rule.
    public static func catalog(_ signatures: [ErrorSignature]) -> String {
        let width = signatures.map(\.id.count).max() ?? 0
        return signatures.map { signature in
            let id = signature.id + String(repeating: " ", count: width - signature.id.count)
            let kind = signature.kind.rawValue + String(repeating: " ", count: 10 - signature.kind.rawValue.count)
            return "\(id)  \(kind)  \(signature.title)" + (signature.rule.map { "  [\($0)]" } ?? "") + "\n"
        }.joined()
    }
}
