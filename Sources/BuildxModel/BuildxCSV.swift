/// The single-line CSV dialect buildx splits cache entries with (go-csvvalue with `,`, strict quotes and
/// no space trimming, as `docker/buildx util/buildflags/cache.go` calls `csvvalue.Fields`): commas separate fields, a field that starts with `"` is quoted, `""`
/// inside it is one quote, and a quote anywhere else is an error.
public enum BuildxCSV {
    /// One field with the UTF-8 byte range it occupies in the input (quotes included).
    public struct Field: Hashable, Sendable {
        public var text: String
        public var range: Range<Int>
    }

    /// The errors Go's `encoding/csv` defines, positioned the way go-csvvalue positions them.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Problem: String, Hashable, Sendable {
            case bareQuote = "bare \" in non-quoted-field"
            case quote = "extraneous or missing \" in quoted-field"
        }
        /// 1-based byte column, as Go counts it.
        public let column: Int
        public let problem: Problem

        public var description: String { "parse error on line 1, column \(column): \(problem.rawValue)" }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")

    /// Splits `input` into fields. One trailing newline is ignored, as buildx's parser allows it.
    public static func fields(_ input: String) throws(ParseError) -> [Field] {
        var bytes = Array(input.utf8)
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        if bytes.isEmpty { return [] }

        var fields: [Field] = []
        var position = 0
        while true {
            let start = position
            if position < bytes.count, bytes[position] == quote {
                let (text, end) = try quotedField(bytes, openingQuoteAt: position)
                fields.append(Field(text: text, range: start..<end))
                if end == bytes.count { return fields }
                position = end + 1  // skip the comma after the closing quote
            } else {
                let end = bytes[position...].firstIndex(of: comma) ?? bytes.count
                if let bare = bytes[position..<end].firstIndex(of: quote) {
                    throw ParseError(column: bare + 1, problem: .bareQuote)
                }
                fields.append(Field(text: String(decoding: bytes[position..<end], as: UTF8.self), range: start..<end))
                if end == bytes.count { return fields }
                position = end + 1
            }
        }
    }

    /// Reads a quoted field; returns its text and the index just past the closing quote, which is
    /// either the end of input or a comma.
    private static func quotedField(_ bytes: [UInt8], openingQuoteAt opening: Int) throws(ParseError) -> (String, Int) {
        var content: [UInt8] = []
        var position = opening + 1
        while true {
            guard let closing = bytes[position...].firstIndex(of: quote) else {
                throw ParseError(column: position + 1, problem: .quote)
            }
            content.append(contentsOf: bytes[position..<closing])
            let next = closing + 1
            if next < bytes.count, bytes[next] == quote {
                content.append(quote)
                position = next + 1
                continue
            }
            if next == bytes.count || bytes[next] == comma {
                return (String(decoding: content, as: UTF8.self), next)
            }
            throw ParseError(column: closing + 1, problem: .quote)
        }
    }
}
