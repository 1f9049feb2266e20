@testable import BuildxDoctor
import Testing

/// Builds bake documents by hand over a real text, so that every value has the span of its text in it.
struct HandWrittenBake {
    let file: SourceFile

    init(path: String = "docker-bake.hcl", _ text: String) {
        file = SourceFile(path: path, text: text)
    }

    /// The span of the `occurrence`-th `text` in the file.
    func span(_ text: String, _ occurrence: Int = 1) -> Span {
        let bytes = file.bytes
        let needle = Array(text.utf8)
        var found = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if Array(bytes[index..<(index + needle.count)]) == needle {
                found += 1
                if found == occurrence { return file.span(index..<(index + needle.count)) }
            }
            index += 1
        }
        Issue.record("`\(text)` #\(occurrence) not in the file")
        return file.span(0..<0)
    }

    /// The `occurrence`-th `"text"` (quotes included in the search, not in the span).
    func string(_ text: String, _ occurrence: Int = 1) -> BakeValue {
        let quoted = span("\"\(text)\"", occurrence)
        let inner = file.span((quoted.start.offset + 1)..<(quoted.end.offset - 1))
        return .string(BakeString(text: text, span: inner, isVerbatim: true))
    }

    func list(_ items: [String], occurrence: Int = 1) -> BakeValue {
        let values = items.map { string($0, occurrence) }
        let first = values.first?.span ?? file.span(0..<0)
        return .list(values, first)
    }

    func attribute(_ name: String, _ value: BakeValue, _ occurrence: Int = 1) -> BakeAttribute {
        BakeAttribute(name: name, nameSpan: span(name, occurrence), value: value)
    }

    func block(_ name: String, _ occurrence: Int = 1, _ attributes: [BakeAttribute]) -> BakeBlock {
        BakeBlock(name: name, nameSpan: span("\"\(name)\"", occurrence), attributes: attributes)
    }
}

extension Span {
    /// `line:column` of the start, as the tests spell positions.
    var at: String { "\(start.line):\(start.column)" }
}

/// An override written on one line of a CI file at `line`, `column`.
func override(_ text: String, path: String = ".github/workflows/ci.yml", line: Int = 9, column: Int = 13, offset: Int = 100) -> BakeOverride {
    let span = Span(
        path: path, start: Location(line: line, column: column, offset: offset),
        end: Location(line: line, column: column + text.count, offset: offset + text.utf8.count))
    return BakeOverride(text: text, span: span, isVerbatim: true)
}
