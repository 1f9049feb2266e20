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

    /// Whether a line holds nothing but spaces and tabs.
    func isBlank(line: Int) -> Bool {
        bytes[byteRange(ofLine: line)].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }

    /// Whether a line holds nothing but spaces or a comment.
    func isBlankOrComment(line: Int) -> Bool {
        let text = bytes[byteRange(ofLine: line)].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return text.isEmpty || text.first == UInt8(ascii: "#")
    }

    /// The lines of a step written as a block sequence item: from its `- ` line to its last line of
    /// content (trailing blank and comment lines belong to what follows). `nil` when the item is not
    /// written as `- key: …` on a line of its own.
    func sequenceItem(of step: Step) -> (firstLine: Int, lastLine: Int, dashColumn: Int)? {
        // A command of a `run:` script is placed by the step that runs it.
        if let enclosing = step.enclosing { return sequenceItem(of: enclosing) }
        guard step.span.path == path else { return nil }
        let firstKey = step.span.start
        let line = firstKey.line
        let lineStart = startOffset(ofLine: line)
        guard lineStart <= firstKey.offset else { return nil }
        let before = bytes[lineStart..<firstKey.offset]
        let indent = before.prefix { $0 == UInt8(ascii: " ") }.count
        let rest = before.dropFirst(indent)
        guard rest.first == UInt8(ascii: "-"), rest.dropFirst().allSatisfy({ $0 == UInt8(ascii: " ") }), rest.count >= 2 else {
            return nil
        }
        return (line, lastContentLine(of: step, from: line, indent: indent), indent)
    }

    /// The lines of a block mapping entry whose key starts at `key`: the key's line and the lines after it
    /// indented deeper (a block scalar's body, `driver: |-` then `docker`, or a plain scalar folded over
    /// lines); blank and comment lines count only when more of the value follows them.
    func mappingEntryLines(at key: Location) -> ClosedRange<Int> {
        key.line...lastLine(indentedDeeperThan: key.column - 1, after: key.line)
    }

    /// The last line after `line` that belongs to it by indentation: every later line of content indented
    /// more than `indent`, up to the first that is not (blank and comment lines in between are skipped).
    private func lastLine(indentedDeeperThan indent: Int, after line: Int) -> Int {
        var last = line
        var next = line + 1
        while next <= lineCount {
            if !isBlankOrComment(line: next) {
                if indentation(ofLine: next) <= indent { break }
                last = next
            }
            next += 1
        }
        return last
    }

    /// The step's last line of content: found back from the parser's end mark, which stands where the
    /// next item starts, so the cost is the trailing blank lines, not the length of the step.
    private func lastContentLine(of step: Step, from line: Int, indent: Int) -> Int {
        if let end = step.end {
            var last = min(end.column == 1 ? end.line - 1 : end.line, lineCount)
            while last > line, isBlankOrComment(line: last) || indentation(ofLine: last) <= indent { last -= 1 }
            return max(last, line)
        }
        return lastLine(indentedDeeperThan: indent, after: line)
    }

    /// The text of whole lines, line breaks included, to be inserted elsewhere: the file's last line may
    /// have no line break, and gets the file's line ending so that what follows it stays on its own line.
    func text(ofLines lines: ClosedRange<Int>) -> String {
        let end = offsetAfter(line: lines.upperBound)
        let text = String(decoding: bytes[startOffset(ofLine: lines.lowerBound)..<end], as: UTF8.self)
        let endsWithBreak = end > byteRange(ofLine: lines.upperBound).upperBound
        return endsWithBreak ? text : text + lineEnding
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
