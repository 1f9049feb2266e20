/// Compiler-style output for people: location, severity, message and rule; the source line with the
/// span underlined; the fix. Colour only when asked for (the CLI asks on a terminal without NO_COLOR).
/// Control characters from the file are never sent to the terminal as they are.
public struct TextReporter: Reporter {
    public let colored: Bool
    /// Whether the last line counts the findings (`--quiet` leaves it out).
    public let showsSummary: Bool

    public init(colored: Bool, showsSummary: Bool = true) {
        self.colored = colored
        self.showsSummary = showsSummary
    }

    public func render(_ report: CheckReport) -> String {
        var output = ""
        // Findings come sorted by path and line, so those on one line follow each other: the line is made
        // printable once for all of them, not once per finding (a workflow on one line can hold thousands).
        var lastLine: (path: String, line: Int, scalars: [Unicode.Scalar])?
        for diagnostic in report.diagnostics {
            let span = diagnostic.span
            var scalars: [Unicode.Scalar]?
            if let source = report.sources[span.path], span.start.line <= source.lineCount {
                if let lastLine, lastLine.path == span.path, lastLine.line == span.start.line {
                    scalars = lastLine.scalars
                } else {
                    let line = Array(Self.printable(source.text(ofLine: span.start.line), keepingTabs: true).unicodeScalars)
                    lastLine = (span.path, span.start.line, line)
                    scalars = line
                }
            }
            output += render(diagnostic, line: scalars)
        }
        if showsSummary { output += Self.summary(report) + "\n" }
        return output
    }

    /// One finding; `line` is its first line, printable, when its source is known.
    private func render(_ diagnostic: Diagnostic, line: [Unicode.Scalar]?) -> String {
        let span = diagnostic.span
        let severity = paint(diagnostic.severity.rawValue, Self.color(diagnostic.severity))
        var lines = [
            paint("\(span.path):\(span.start.line):\(span.start.column):", .bold) + " \(severity): "
                + paint(Self.printable(diagnostic.reportedMessage, keepingTabs: false), .bold) + " [\(diagnostic.rule)]"
        ]
        if let line {
            let excerpt = Excerpt(printable: line, span: span)
            lines.append("  " + excerpt.text)
            lines.append("  " + excerpt.padding + paint(excerpt.underline, Self.color(diagnostic.severity)))
        }
        if let help = diagnostic.reportedHelp {
            lines.append("  " + paint("help:", .cyan) + " " + Self.printable(help, keepingTabs: false))
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// Text with control characters (escape sequences, line breaks) shown as U+FFFD, one scalar for one,
    /// so that a quoted value cannot move the cursor or recolour the terminal, and columns still count.
    static func printable(_ text: String, keepingTabs: Bool) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingTabs && $0 == "\t") }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map {
            isControl($0) && !(keepingTabs && $0 == "\t") ? "\u{FFFD}" : $0
        }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .control }

    /// The source line under a diagnostic and the caret line that underlines its span, both cut to a
    /// window around the span when the line is long (a value can fill megabytes of one line).
    struct Excerpt {
        /// Longest excerpt, in Unicode scalars, and how much of the line before the span it shows.
        static let limit = 160
        static let context = 40

        let text: String
        /// Tabs where the excerpt has tabs, so the caret lines up however the terminal expands them;
        /// spaces for the display width of everything else.
        let padding: String
        let underline: String

        /// From the line's scalars as `printable(_:keepingTabs: true)` gives them; the work is bounded by the window.
        init(printable scalars: [Unicode.Scalar], span: Span) {
            // Columns count Unicode scalars, as libyaml does.
            let start = min(max(0, span.start.column - 1), scalars.count)
            let end = span.end.line == span.start.line ? min(max(span.end.column - 1, start), scalars.count) : scalars.count
            let window: Range<Int>
            if scalars.count <= Self.limit {
                window = 0..<scalars.count
            } else {
                let windowStart = max(0, min(start - Self.context, scalars.count - Self.limit))
                window = windowStart..<min(scalars.count, windowStart + Self.limit)
            }
            func string(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
            let before = window.lowerBound > 0 ? "…" : ""
            let after = window.upperBound < scalars.count ? "…" : ""
            text = before + string(window) + after
            var padding = String(repeating: " ", count: DisplayWidth.columns(of: before))
            for character in string(window.lowerBound..<max(window.lowerBound, start)) {
                padding += character == "\t" ? "\t" : String(repeating: " ", count: DisplayWidth.columns(of: character))
            }
            self.padding = padding
            let underlined = DisplayWidth.columns(of: string(min(start, window.upperBound)..<max(start, min(end, window.upperBound))))
            underline = "^" + String(repeating: "~", count: max(0, underlined - 1))
        }
    }

    /// `2 errors, 0 warnings, 1 info in 3 files`, and what was suppressed when something was:
    /// ` (1 suppressed, 4 in the baseline)`.
    public static func summary(_ report: CheckReport) -> String {
        let counts = Severity.allCases.reversed().map { severity -> String in
            let count = report.count(severity)
            let noun = severity == .info ? "info" : severity.rawValue + (count == 1 ? "" : "s")
            return "\(count) \(noun)"
        }
        let files = report.files.count
        var hidden: [String] = []
        if report.suppressedCount(.inSource) > 0 { hidden.append("\(report.suppressedCount(.inSource)) suppressed") }
        if report.suppressedCount(.baseline) > 0 { hidden.append("\(report.suppressedCount(.baseline)) in the baseline") }
        return counts.joined(separator: ", ") + " in \(files) file\(files == 1 ? "" : "s")"
            + (hidden.isEmpty ? "" : " (" + hidden.joined(separator: ", ") + ")")
    }

    private enum Color: String {
        case red = "31", yellow = "33", cyan = "36", bold = "1"
    }

    private static func color(_ severity: Severity) -> Color {
        switch severity {
        case .error: .red
        case .warning: .yellow
        case .info: .cyan
        }
    }

    private func paint(_ text: String, _ color: Color) -> String {
        colored ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// How many terminal columns text takes, as a terminal draws it: East Asian Wide and Fullwidth
/// characters and emoji take two (Unicode Standard Annex #11, EastAsianWidth.txt; UTS #51 for
/// Emoji_Presentation), combining marks and format characters none, everything else one.
enum DisplayWidth {
    static func columns(of text: String) -> Int {
        text.reduce(0) { $0 + columns(of: $1) }
    }

    /// A grapheme cluster is as wide as its widest scalar: a base letter with accents is one column, a
    /// Hangul syllable built from jamo two, and an emoji sequence joined with U+200D two, as current
    /// terminals draw them. U+FE0F asks for the emoji form, which is two columns wide.
    static func columns(of character: Character) -> Int {
        var width = 0
        for scalar in character.unicodeScalars {
            if scalar == "\u{FE0F}" { return 2 }
            width = max(width, columns(of: scalar))
        }
        return width
    }

    /// A tab counts one column here: where it ends depends on the terminal's tab stops, which is why
    /// the caret line keeps tabs as tabs.
    static func columns(of scalar: Unicode.Scalar) -> Int {
        if scalar == "\t" { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        // Hangul medial vowels and final consonants join the leading consonant's two columns.
        if (0x1160...0x11FF).contains(scalar.value) || (0xD7B0...0xD7FF).contains(scalar.value) { return 0 }
        if scalar.properties.isEmojiPresentation || wide.contains(where: { $0.contains(scalar.value) }) { return 2 }
        return 1
    }

    /// The East Asian Wide (W) and Fullwidth (F) blocks, outside the emoji that Emoji_Presentation covers.
    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo leading consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x303E,  // CJK radicals, Kangxi radicals, CJK symbols and punctuation
        0x3041...0x33FF,  // kana, Bopomofo, Hangul compatibility jamo, enclosed and compatibility CJK
        0x3400...0x4DBF,  // CJK extension A
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF00...0xFF60,  // fullwidth forms
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FE4,  // ideographic symbols
        0x17000...0x18CFF,  // Tangut, Khitan
        0x1B000...0x1B2FF,  // kana supplement and extensions, Nushu
        0x1F200...0x1F2FF,  // enclosed ideographic supplement
        0x20000...0x2FFFD,  // CJK extensions B to F, compatibility supplement
        0x30000...0x3FFFD,  // CJK extensions G and H
    ]
}
