import Foundation

/// The findings a project has accepted for now (`check --write-baseline FILE`); with `check --baseline
/// FILE` only findings not in it are reported. A finding is known by its file (relative to the baseline's
/// folder, so the baseline works from any working directory), its rule and its `Fingerprint`, which does
/// not change when lines above it are added or removed.
public struct Baseline: Sendable {
    /// One accepted finding.
    public struct Entry: Hashable, Sendable {
        public let path: String
        public let rule: String
        public let fingerprint: String

        public init(path: String, rule: String, fingerprint: String) {
            self.path = path
            self.rule = rule
            self.fingerprint = fingerprint
        }
    }

    /// The file as the user named it, for messages.
    public let path: String
    /// The absolute folder the entries' paths are relative to.
    public let root: String
    public let entries: Set<Entry>

    public init(path: String, root: String, entries: Set<Entry>) {
        self.path = path
        self.root = root
        self.entries = entries
    }

    /// A baseline file that cannot be read.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads a baseline written by `render`.
    public static func load(_ path: String, from currentDirectory: String = PathText.currentDirectory()) throws(LoadError) -> Baseline {
        let bytes: [UInt8]
        do {
            bytes = try RawFile.read(path, limit: 64 << 20, kinds: .regularFilesOnly)
        } catch {
            switch error {
            case .system(let reason):
                throw LoadError(path: path, reason: "cannot be read: \(reason)" + (reason.contains("No such file") ? " (create it with --write-baseline)" : ""))
            case .tooLarge: throw LoadError(path: path, reason: "too large to be a baseline")
            }
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            object["version"] as? Int == 1, let findings = object["findings"] as? [[String: Any]]
        else {
            throw LoadError(path: path, reason: "not a buildx-doctor baseline (a JSON object with \"version\": 1 and \"findings\")")
        }
        var entries = Set<Entry>()
        for (index, finding) in findings.enumerated() {
            guard let file = finding["path"] as? String, let rule = finding["rule"] as? String,
                let fingerprint = finding["fingerprint"] as? String
            else {
                throw LoadError(path: path, reason: "finding \(index + 1) lacks \"path\", \"rule\" or \"fingerprint\"")
            }
            entries.insert(Entry(path: file, rule: rule, fingerprint: fingerprint))
        }
        return Baseline(path: path, root: PathText.folder(of: PathText.absolute(path, from: currentDirectory)), entries: entries)
    }

    /// The entry for a finding of `report` (with its fingerprint), paths taken relative to `root`.
    static func entry(_ diagnostic: Diagnostic, fingerprint: String, root: String, currentDirectory: String) -> Entry {
        let absolute = PathText.absolute(diagnostic.span.path, from: currentDirectory)
        return Entry(path: PathText.relative(absolute, to: root) ?? absolute, rule: diagnostic.rule, fingerprint: fingerprint)
    }

    /// The baseline file for every finding `report` reports, to be written at `path`: one finding a line,
    /// sorted, so that a change to it reads well in a diff. Line and message are for people; matching
    /// uses path, rule and fingerprint only.
    public static func render(_ report: CheckReport, forFileAt path: String, currentDirectory: String = PathText.currentDirectory()) -> String {
        let root = PathText.folder(of: PathText.absolute(path, from: currentDirectory))
        let lines = zip(report.diagnostics, report.fingerprints).map { diagnostic, fingerprint -> String in
            let entry = entry(diagnostic, fingerprint: fingerprint, root: root, currentDirectory: currentDirectory)
            return JSONValue.object([
                ("path", .string(entry.path)), ("rule", .string(entry.rule)), ("fingerprint", .string(entry.fingerprint)),
                ("line", .number(diagnostic.span.start.line)), ("message", .string(diagnostic.reportedMessage)),
            ]).serialized()
        }
        let header = JSONValue.object([("version", .number(1)), ("tool", .string(ToolInfo.name))]).serialized().dropLast()
        return String(header) + ",\"findings\":[\n" + lines.joined(separator: ",\n") + (lines.isEmpty ? "" : "\n") + "]}\n"
    }
}

extension CheckReport {
    /// The report with every finding the baseline holds moved to `suppressed` (kind `baseline`).
    public func applying(_ baseline: Baseline, currentDirectory: String = PathText.currentDirectory()) -> CheckReport {
        var copy = self
        copy.moveToSuppressed(kind: .baseline, justification: "recorded in the baseline \(baseline.path)") { diagnostic, fingerprint in
            baseline.entries.contains(
                Baseline.entry(diagnostic, fingerprint: fingerprint, root: baseline.root, currentDirectory: currentDirectory))
        }
        copy.baselinePath = baseline.path
        return copy
    }
}
