/// The machine-readable report other tools read; its shape is a versioned contract (`"version": 1`).
/// Columns count Unicode scalars; `endColumn` is exclusive. Fields are only ever added within a version:
/// `fingerprint`, the `suppressed` list and its count in `summary` came after the first release.
public struct JSONReporter: Reporter {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        let object: JSONValue = .object([
            ("version", .number(1)),
            ("tool", .object([("name", .string(ToolInfo.name)), ("version", .string(ToolInfo.version))])),
            (
                "files",
                .array(report.files.map { .object([("path", .string($0.path)), ("kind", .string($0.kind.rawValue))]) })
            ),
            ("diagnostics", .array(zip(report.diagnostics, report.fingerprints).map { Self.diagnostic($0, fingerprint: $1) })),
            (
                "suppressed",
                .array(
                    zip(report.suppressed, report.suppressedFingerprints).map { entry, fingerprint in
                        Self.diagnostic(
                            entry.diagnostic, fingerprint: fingerprint,
                            suppression: .object([
                                ("kind", .string(entry.kind.rawValue)),
                                ("justification", entry.justification.map(JSONValue.string) ?? .null),
                            ]))
                    })
            ),
            (
                "summary",
                .object(
                    Severity.allCases.reversed().map { ($0.rawValue, .number(report.count($0))) }
                        + [("suppressed", .number(report.suppressed.count))])
            ),
        ])
        return object.serialized() + "\n"
    }

    private static func diagnostic(_ diagnostic: Diagnostic, fingerprint: String, suppression: JSONValue? = nil) -> JSONValue {
        .object([
            ("rule", .string(diagnostic.rule)),
            ("severity", .string(diagnostic.severity.rawValue)),
            ("message", .string(diagnostic.reportedMessage)),
            ("path", .string(diagnostic.span.path)),
            ("line", .number(diagnostic.span.start.line)),
            ("column", .number(diagnostic.span.start.column)),
            ("endLine", .number(diagnostic.span.end.line)),
            ("endColumn", .number(diagnostic.span.end.column)),
            ("help", diagnostic.reportedHelp.map(JSONValue.string) ?? .null),
            ("fingerprint", .string(fingerprint)),
        ] + (suppression.map { [("suppression", $0)] } ?? []))
    }
}
