/// GitHub Actions `${{ … }}` expressions inside a value. Their results are unknown until the run, so
/// they are masked before parsing: each expression's bytes become `mask` bytes, which keeps every
/// offset valid and lets a parser treat the expression as one opaque piece of text.
public enum Expression {
    /// The byte that replaces expression text; no cache spec or list contains it.
    public static let mask = UInt8(0x01)

    /// Whether `text` contains an expression.
    public static func occurs(in text: String) -> Bool {
        text.containsText("${{")
    }

    /// `text` with every expression (an unterminated one runs to the end) replaced by mask bytes.
    public static func masked(_ text: String) -> String {
        guard occurs(in: text) else { return text }
        var bytes = Array(text.utf8)
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
            for position in index..<end where bytes[position] != UInt8(ascii: "\n") { bytes[position] = mask }
            index = end
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether masked text contains a masked expression.
    public static func isMasked(_ text: String) -> Bool { text.utf8.contains(mask) }
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
