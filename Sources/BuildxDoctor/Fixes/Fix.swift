/// A replacement of a byte range of a file's content (after any byte order mark). Inserting is
/// replacing an empty range.
public struct TextEdit: Sendable, Equatable {
    public let range: Range<Int>
    public let replacement: String

    public init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = replacement
    }

    public static func insert(_ text: String, at offset: Int) -> TextEdit { TextEdit(range: offset..<offset, replacement: text) }
}

/// The smallest edit that removes a finding, described for the user.
public struct Fix: Sendable, Equatable {
    public let summary: String
    /// The file the edits apply to: a finding in a script a workflow runs may be fixed in the workflow, and
    /// a finding that a workflow's check reports in a script is fixed only when that script is fixed.
    public let path: String
    public let edits: [TextEdit]

    public init(summary: String, path: String, edits: [TextEdit]) {
        self.summary = summary
        self.path = path
        self.edits = edits
    }
}

/// Applies fixes to a file's bytes: back to front, skipping any fix whose edits overlap one already taken,
/// so that one run never produces a half-applied change.
public enum FixApplier {
    /// The fixed bytes and the fixes that were applied.
    public static func apply(_ fixes: [Fix], to bytes: [UInt8]) -> (bytes: [UInt8], applied: [Fix]) {
        var taken: [Range<Int>] = []
        var applied: [Fix] = []
        for fix in fixes {
            let ranges = fix.edits.map(\.range)
            let clashes = ranges.contains { range in
                taken.contains { other in overlaps(range, other) } || range.upperBound > bytes.count
            } || selfOverlapping(ranges)
            guard !clashes, !fix.edits.isEmpty else { continue }
            taken += ranges
            applied.append(fix)
        }
        var result = bytes
        let edits = applied.flatMap(\.edits).sorted { ($0.range.lowerBound, $0.range.upperBound) > ($1.range.lowerBound, $1.range.upperBound) }
        for edit in edits { result.replaceSubrange(edit.range, with: Array(edit.replacement.utf8)) }
        return (result, applied)
    }

    /// Two ranges clash when they share a byte, or when both insert at the same place (order would be a guess).
    private static func overlaps(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        if a.isEmpty && b.isEmpty { return a.lowerBound == b.lowerBound }
        if a.isEmpty { return b.lowerBound < a.lowerBound && a.lowerBound < b.upperBound }
        if b.isEmpty { return a.lowerBound < b.lowerBound && b.lowerBound < a.upperBound }
        return a.overlaps(b)
    }

    private static func selfOverlapping(_ ranges: [Range<Int>]) -> Bool {
        for (index, range) in ranges.enumerated() where ranges[(index + 1)...].contains(where: { overlaps($0, range) }) {
            return true
        }
        return false
    }
}
