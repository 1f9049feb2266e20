/// SARIF 2.1.0 for GitHub code scanning: one run, every rule with the fields code scanning requires,
/// results with the `Fingerprint` as `primaryLocationLineHash` so alerts survive unrelated edits, and
/// suppressed findings as results with `suppressions` (SARIF 2.1.0 `result.suppressions`: `inSource` for a comment,
/// `external` for the baseline), which code scanning shows as dismissed.
public struct SARIFReporter: Reporter {
    public init() {}

    public func render(_ report: CheckReport) -> String {
        let descriptions = RuleRegistry.descriptions
        let index = Dictionary(uniqueKeysWithValues: descriptions.enumerated().map { ($1.id, $0) })
        let reported = zip(report.diagnostics, report.fingerprints).map { diagnostic, fingerprint in
            result(diagnostic, ruleIndex: index[diagnostic.rule], fingerprint: fingerprint)
        }
        let suppressed = zip(report.suppressed, report.suppressedFingerprints).map { entry, fingerprint in
            var suppression: [(String, JSONValue)] = [("kind", .string(entry.kind == .inSource ? "inSource" : "external"))]
            if let justification = entry.justification { suppression.append(("justification", .string(justification))) }
            return result(entry.diagnostic, ruleIndex: index[entry.diagnostic.rule], fingerprint: fingerprint, suppression: .object(suppression))
        }
        let results = reported + suppressed
        let run: JSONValue = .object([
            (
                "tool",
                .object([
                    (
                        "driver",
                        .object([
                            ("name", .string(ToolInfo.name)),
                            ("version", .string(ToolInfo.version)),
                            ("semanticVersion", .string(ToolInfo.version)),
                            ("rules", .array(descriptions.map(Self.rule))),
                        ])
                    )
                ])
            ),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
        ])
        let log: JSONValue = .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
        return log.serialized() + "\n"
    }

    private static func rule(_ description: RuleDescription) -> JSONValue {
        .object([
            ("id", .string(description.id)),
            ("name", .string(description.id)),
            ("shortDescription", .object([("text", .string(description.summary))])),
            ("fullDescription", .object([("text", .string(description.explanation))])),
            ("help", .object([("text", .string(description.explanation)), ("markdown", .string(description.explanation))])),
            ("helpUri", .string(description.helpURI)),
            ("defaultConfiguration", .object([("level", .string(level(description.severity)))])),
            ("properties", .object([("tags", .array([.string("docker"), .string("buildx"), .string("ci")]))])),
        ])
    }

    private func result(_ diagnostic: Diagnostic, ruleIndex: Int?, fingerprint: String, suppression: JSONValue? = nil) -> JSONValue {
        let span = diagnostic.span
        var message = diagnostic.reportedMessage
        if let help = diagnostic.reportedHelp { message += "\nFix: " + help }
        var members: [(String, JSONValue)] = [("ruleId", .string(diagnostic.rule))]
        if let ruleIndex { members.append(("ruleIndex", .number(ruleIndex))) }
        members += [
            ("level", .string(Self.level(diagnostic.severity))),
            ("message", .object([("text", .string(message))])),
            (
                "locations",
                .array([
                    .object([
                        (
                            "physicalLocation",
                            .object([
                                ("artifactLocation", Self.artifactLocation(span.path)),
                                (
                                    "region",
                                    .object([
                                        ("startLine", .number(span.start.line)),
                                        ("startColumn", .number(span.start.column)),
                                        ("endLine", .number(span.end.line)),
                                        ("endColumn", .number(max(span.end.column, span.start.line == span.end.line ? span.start.column + 1 : 1))),
                                    ])
                                ),
                            ])
                        )
                    ])
                ])
            ),
            ("partialFingerprints", .object([("primaryLocationLineHash", .string(fingerprint))])),
        ]
        if let suppression { members.append(("suppressions", .array([suppression]))) }
        return .object(members)
    }

    private static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// Relative paths are relative to the repository root (`%SRCROOT%`); absolute ones become file URIs.
    private static func artifactLocation(_ path: String) -> JSONValue {
        if path.hasPrefix("/") { return .object([("uri", .string("file://" + percentEncoded(path)))]) }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return .object([("uri", .string(percentEncoded(relative))), ("uriBaseId", .string("%SRCROOT%"))])
    }

    private static func percentEncoded(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/-._~+@".unicodeScalars.contains(scalar) {
                output.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}
