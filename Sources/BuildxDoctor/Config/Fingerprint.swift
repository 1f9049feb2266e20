/// Fingerprints that identify a finding across edits that only move it: the rule, the text of the line it
/// starts on without white space (and without a suppression comment on it), and which occurrence of that
/// pair in the file it is. The form `<16 hex digits>:<occurrence>` is that of GitHub code scanning's
/// `primaryLocationLineHash` (SARIF `partialFingerprints`), and the baseline stores the same value.
public enum Fingerprint {
    /// The fingerprint of each diagnostic, in order. `diagnostics` must be sorted by path and position
    /// (as `CheckReport` keeps them), so that occurrences are counted top to bottom in each file.
    public static func of(_ diagnostics: [Diagnostic], sources: [String: SourceFile]) -> [String] {
        var occurrences: [String: Int] = [:]
        // Findings of one rule on one line share their hash: it is worked out once, so that many findings
        // on one long line (a workflow written on one line) do not each walk the whole line.
        var hashes: [LineOfRule: String] = [:]
        return diagnostics.map { diagnostic in
            let line = LineOfRule(path: diagnostic.span.path, line: diagnostic.span.start.line, rule: diagnostic.rule)
            let hash: String
            if let known = hashes[line] {
                hash = known
            } else {
                hash = lineHash(rule: diagnostic.rule, line: sources[diagnostic.span.path].map { $0.text(ofLine: diagnostic.span.start.line) } ?? "")
                hashes[line] = hash
            }
            let key = diagnostic.span.path + "\u{0}" + hash
            occurrences[key, default: 0] += 1
            return "\(hash):\(occurrences[key]!)"
        }
    }

    private struct LineOfRule: Hashable {
        let path: String
        let line: Int
        let rule: String
    }

    /// FNV-1a (64 bits) of the rule id and the normalised line, in hexadecimal.
    static func lineHash(rule: String, line: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (rule + "\u{0}" + normalized(line)).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The line without white space and without a trailing suppression comment, so that re-indenting
    /// a line or suppressing a finding on it keeps the fingerprint.
    static func normalized(_ line: String) -> String {
        var compact = Self.withoutWhitespace(line)
        guard let directive = compact.firstRange(of: Suppressions.marker) else { return compact }
        let before = compact[..<directive.lowerBound]
        if before.hasSuffix("//") {
            compact.removeSubrange(compact.index(directive.lowerBound, offsetBy: -2)...)
        } else if before.hasSuffix("#") {
            compact.removeSubrange(compact.index(before: directive.lowerBound)...)
        }
        return compact
    }

    /// The text without white space; ASCII lines (nearly all) byte by byte, others character by character.
    private static func withoutWhitespace(_ line: String) -> String {
        let bytes = Array(line.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return line.filter { !$0.isWhitespace } }
        let kept = bytes.filter { !($0 == 0x20 || (0x09...0x0D).contains($0)) }
        return String(decoding: kept, as: UTF8.self)
    }
}
