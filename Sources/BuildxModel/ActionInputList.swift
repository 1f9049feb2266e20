/// How docker/build-push-action (and setup-buildx-action) turn a multi-line input into a list
/// (`Util.getInputList` in `docker/actions-toolkit src/util.ts`): every line is a CSV record read with relaxed quotes; with
/// `ignoreComma` a record's fields are joined again with `,` (so the quotes disappear), otherwise each
/// field is an item; items are trimmed and empty ones dropped.
public enum ActionInputList {
    /// One list item and the UTF-8 byte range of the text it came from (trimmed).
    public struct Item: Hashable, Sendable {
        public var text: String
        public var range: Range<Int>
    }

    /// The action cannot split the input and fails before running buildx.
    public struct SplitError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Byte offset of the quote that is never closed.
        public let openingQuote: Int
        public var description: String { "a quoted value is never closed: the action fails to read this input" }
    }

    /// Splits `input`. `quotes: false` is how the action reads `outputs` and `driver-opts`, keeping quotes.
    public static func split(_ input: String, ignoreComma: Bool, quotes: Bool = true) throws(SplitError) -> [Item] {
        let bytes = Array(input.utf8)
        var items: [Item] = []
        for record in try records(bytes, quotes: quotes) {
            if ignoreComma || record.count > 1 {
                if ignoreComma {
                    let text = record.map(\.text).joined(separator: ",")
                    let range = record.first!.range.lowerBound..<record.last!.range.upperBound
                    items.append(Item(text: text, range: range))
                } else {
                    items.append(contentsOf: record.map { Item(text: $0.text, range: $0.range) })
                }
            } else {
                // A lone field is split on commas even when they were quoted (`"a,b"` → `a`, `b`).
                let field = record[0]
                let parts = field.text.split(separator: ",", omittingEmptySubsequences: false)
                items.append(contentsOf: parts.map { Item(text: String($0), range: field.range) })
            }
        }
        return items.compactMap { item in
            let trimmed = item.text.trimmingWhitespace()
            guard !trimmed.isEmpty else { return nil }
            return Item(text: trimmed, range: trimmedRange(item.range, in: bytes))
        }
    }

    private struct RawField {
        var text: String
        var range: Range<Int>
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// csv-parse with `relax_quotes`: a quote opens a quoted field only at the start of a field; a quoted
    /// field may span lines; a closing quote not followed by a separator is kept literally.
    private static func records(_ bytes: [UInt8], quotes: Bool) throws(SplitError) -> [[RawField]] {
        var records: [[RawField]] = []
        var record: [RawField] = []
        var field: [UInt8] = []
        var fieldStart = 0
        var position = 0

        func isRecordEnd(_ index: Int) -> Bool {
            index == bytes.count || bytes[index] == newline
                || (bytes[index] == carriageReturn && (index + 1 == bytes.count || bytes[index + 1] == newline))
        }
        func finishField(at end: Int) {
            record.append(RawField(text: String(decoding: field, as: UTF8.self), range: fieldStart..<end))
            field = []
        }

        while position <= bytes.count {
            if position < bytes.count, quotes, field.isEmpty, position == fieldStart, bytes[position] == quote {
                let opening = position
                position += 1
                var closed = false
                while position < bytes.count {
                    if bytes[position] == quote {
                        if position + 1 < bytes.count, bytes[position + 1] == quote {
                            field.append(quote)
                            position += 2
                            continue
                        }
                        closed = true
                        position += 1
                        break
                    }
                    field.append(bytes[position])
                    position += 1
                }
                guard closed else { throw SplitError(openingQuote: opening) }
                if !(position == bytes.count || bytes[position] == comma || isRecordEnd(position)) {
                    // relax_quotes: the quotes were not a quoted field after all; keep them.
                    field = [quote] + field + [quote]
                }
                continue
            }
            if isRecordEnd(position) {
                finishField(at: position)
                let isEmptyLine = record.count == 1 && record[0].range.isEmpty
                if !isEmptyLine { records.append(record) }
                record = []
                if position == bytes.count { break }
                position += bytes[position] == carriageReturn ? 2 : 1
                fieldStart = position
                continue
            }
            if bytes[position] == comma {
                finishField(at: position)
                position += 1
                fieldStart = position
                continue
            }
            field.append(bytes[position])
            position += 1
        }
        return records
    }

    private static func trimmedRange(_ range: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks (JavaScript's `trim`).
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
