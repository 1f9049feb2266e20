/// Where things are in a YAML file's text, for edits that must look as if a person had made them:
/// the file's line ending, indentation, and the lines a sequence item occupies.
extension SourceFile {
    /// `\r\n` when the file's first line ends that way, otherwise `\n`.
    var lineEnding: String {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return "\n" }
        return newline > 0 && bytes[newline - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n"
    }

    /// Leading spaces of a 1-based line.
    func indentation(ofLine line: Int) -> Int {
        bytes[byteRange(ofLine: line)].prefix { $0 == UInt8(ascii: " ") }.count
    }

    /// The offset at which a 1-based line starts.
    func startOffset(ofLine line: Int) -> Int { byteRange(ofLine: line).lowerBound }

    /// The offset just after a line's line break (the end of the file for the last line).
    func offsetAfter(line: Int) -> Int {
        line < lineCount ? startOffset(ofLine: line + 1) : bytes.count
    }

    /// Whether a line holds nothing but spaces or a comment.
    func isBlankOrComment(line: Int) -> Bool {
        let text = bytes[byteRange(ofLine: line)].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return text.isEmpty || text.first == UInt8(ascii: "#")
    }

    /// The lines of a block sequence item whose first key is at `firstKey`: from its `- ` line to its
    /// last line of content (trailing blank and comment lines belong to what follows). `nil` when the
    /// item is not written as `- key: …` on a line of its own.
    func sequenceItem(startingAt firstKey: Location) -> (firstLine: Int, lastLine: Int, dashColumn: Int)? {
        let line = firstKey.line
        let lineStart = startOffset(ofLine: line)
        let before = bytes[lineStart..<firstKey.offset]
        let indent = before.prefix { $0 == UInt8(ascii: " ") }.count
        let rest = before.dropFirst(indent)
        guard rest.first == UInt8(ascii: "-"), rest.dropFirst().allSatisfy({ $0 == UInt8(ascii: " ") }), rest.count >= 2 else {
            return nil
        }
        var last = line
        var next = line + 1
        while next <= lineCount {
            if !isBlankOrComment(line: next) {
                if indentation(ofLine: next) <= indent { break }
                last = next
            }
            next += 1
        }
        return (line, last, indent)
    }

    /// The text of whole lines, line breaks included.
    func text(ofLines lines: ClosedRange<Int>) -> String {
        String(decoding: bytes[startOffset(ofLine: lines.lowerBound)..<offsetAfter(line: lines.upperBound)], as: UTF8.self)
    }

    /// An insertion of whole lines after `line`, adding the missing line break when it is the file's
    /// last line and has none.
    func insertion(_ lines: String, afterLine line: Int) -> TextEdit {
        let offset = offsetAfter(line: line)
        let needsBreak = offset == bytes.count && bytes.last != UInt8(ascii: "\n")
        return .insert((needsBreak ? lineEnding : "") + lines, at: offset)
    }

    /// An edit that removes whole lines.
    func removal(ofLines lines: ClosedRange<Int>) -> TextEdit {
        TextEdit(range: startOffset(ofLine: lines.lowerBound)..<offsetAfter(line: lines.upperBound), replacement: "")
    }

    /// Lines joined with the file's line ending, each indented by `indent` spaces, ending with a line break.
    func lines(_ lines: [String], indent: Int) -> String {
        let padding = String(repeating: " ", count: indent)
        return lines.map { ($0.isEmpty ? "" : padding + $0) + lineEnding }.joined()
    }
}
