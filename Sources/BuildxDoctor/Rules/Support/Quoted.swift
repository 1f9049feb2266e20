/// Text taken from the checked file, made safe to show inside a finding's message or help.
///
/// Messages are Markdown-like: values stand in backticks. A value is the author's text and may hold
/// anything — a backtick that would end the code span early, a line break that would split the
/// message, or an escape sequence (`ESC [ …`) that a terminal would obey if the text reporter printed
/// it raw. `code(_:)` writes every such character as a visible escape and picks a fence the value
/// cannot close (CommonMark's code spans: https://spec.commonmark.org/0.31.2/#code-spans).
enum Quoted {
    /// Characters shown of a value before it is cut: enough for any image reference or path a
    /// workflow normally holds, short enough to keep a message on one screen line.
    static let maximumLength = 80

    /// `value` as a code span: control characters, line and paragraph separators and bidirectional
    /// formatting characters written as `\n`, `\t` or `\u{…}`; longer values cut to `maximumLength`
    /// characters with `…`; fenced with one backtick more than the longest run inside it.
    static func code(_ value: String) -> String {
        let text = visible(value)
        let longestRun = text.split(whereSeparator: { $0 != "`" }).map(\.count).max() ?? 0
        let fence = String(repeating: "`", count: longestRun + 1)
        // A span that starts or ends with a backtick needs a space inside the fence, which
        // CommonMark strips again; so does one that starts and ends with a space.
        let padded =
            text.first == "`" || text.last == "`" || (text.first == " " && text.last == " " && text.contains { $0 != " " })
        let space = padded ? " " : ""
        return text.isEmpty ? "(empty)" : fence + space + text + space + fence
    }

    /// `value` with every character a terminal or a one-line message cannot show as itself escaped,
    /// cut to `maximumLength` characters.
    static func visible(_ value: String) -> String {
        var result = ""
        var shown = 0
        for character in value {
            guard shown < maximumLength else {
                result += "…"
                break
            }
            result += escaped(character)
            shown += 1
        }
        return result
    }

    private static func escaped(_ character: Character) -> String {
        guard character.unicodeScalars.contains(where: needsEscape) else { return String(character) }
        return character.unicodeScalars.map { scalar -> String in
            guard needsEscape(scalar) else { return String(scalar) }
            switch scalar {
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }.joined()
    }

    /// C0 and C1 controls and DEL (ECMA-48 introduces escape and control sequences with them), the
    /// Unicode line and paragraph separators, and the bidirectional embedding, override and isolate
    /// characters that reorder how the rest of a line is displayed (Unicode UAX #9).
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
