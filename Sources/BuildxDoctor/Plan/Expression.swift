/// GitHub Actions `${{ … }}` expressions inside a value. Their results are unknown until the run.
///
/// Which parts of a value are unknown is kept as byte ranges, never inferred from the text: a value may
/// hold any character, a control character written as `"\x01"` included, and it must still read as
/// text. For parsing, the expressions' bytes are replaced by a placeholder so that a comma or quote
/// inside `${{ format('{0},{1}', a, b) }}` cannot split a list or a cache entry.
public enum Expression {
    /// Whether `text` contains an expression.
    public static func occurs(in text: String) -> Bool {
        text.containsText("${{")
    }

    /// `text` with every expression (an unterminated one runs to the end of the text) replaced by
    /// placeholder bytes, and the ranges they occupy.
    public static func mask(_ text: String) -> MaskedText {
        guard occurs(in: text) else { return MaskedText(text: text, unknown: []) }
        var bytes = Array(text.utf8)
        var unknown: [Range<Int>] = []
        var index = 0
        while index + 2 < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{"), bytes[index + 2] == UInt8(ascii: "{")
            else {
                index += 1
                continue
            }
            var end = index + 3
            while end < bytes.count, !(bytes[end] == UInt8(ascii: "}") && end + 1 < bytes.count && bytes[end + 1] == UInt8(ascii: "}")) {
                end += 1
            }
            end = min(end + 2, bytes.count)
            // Line breaks stay, so that line-based lists keep their lines.
            for position in index..<end where bytes[position] != UInt8(ascii: "\n") { bytes[position] = MaskedText.placeholder }
            unknown.append(index..<end)
            index = end
        }
        return MaskedText(text: String(decoding: bytes, as: UTF8.self), unknown: unknown)
    }
}

/// A value prepared for parsing: its expressions replaced by placeholders, with their positions.
public struct MaskedText: Sendable, Equatable {
    /// What stands where an expression was: not a separator, quote or `=` of any list or spec format.
    static let placeholder = UInt8(ascii: "x")

    public let text: String
    /// The UTF-8 byte ranges of the expressions, in order.
    public let unknown: [Range<Int>]

    /// Whether `range` (UTF-8 offsets into `text`) touches an expression.
    public func isUnknown(_ range: Range<Int>) -> Bool {
        // `unknown` is sorted and disjoint: find the first range that ends after `range` starts.
        var low = 0
        var high = unknown.count
        while low < high {
            let middle = (low + high) / 2
            if unknown[middle].upperBound <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        guard low < unknown.count else { return false }
        let candidate = unknown[low]
        return candidate.overlaps(range) || (range.isEmpty && candidate.contains(range.lowerBound))
    }

    /// The expressions' ranges moved into `derived`, a text made from `range` of this one by dropping
    /// characters (the quotes a list splitter removes): the two are aligned byte by byte, skipping what
    /// was dropped. Placeholders never are quotes, so an expression's bytes are never the ones skipped.
    public func unknownRanges(in derived: String, from range: Range<Int>) -> [Range<Int>] {
        guard unknown.contains(where: { $0.overlaps(range) }) else { return [] }
        let source = Array(text.utf8)
        var sourceIndex = range.lowerBound
        var result: [Range<Int>] = []
        var open: Int?
        for (index, byte) in derived.utf8.enumerated() {
            while sourceIndex < range.upperBound, source[sourceIndex] != byte { sourceIndex += 1 }
            let isUnknown = sourceIndex < range.upperBound && self.isUnknown(sourceIndex..<(sourceIndex + 1))
            if isUnknown, open == nil { open = index }
            if !isUnknown, let start = open {
                result.append(start..<index)
                open = nil
            }
            sourceIndex += 1
        }
        if let start = open { result.append(start..<derived.utf8.count) }
        return result
    }
}

/// A value that is either known when the workflow is read or decided only at run time.
public enum Value<Wrapped: Sendable>: Sendable {
    case known(Wrapped)
    /// Comes from an expression (or something else only the run decides); the text says what.
    case unknown(String)

    public var known: Wrapped? {
        if case .known(let value) = self { return value }
        return nil
    }
}

extension Value: Equatable where Wrapped: Equatable {}
extension Value: Hashable where Wrapped: Hashable {}
