extension YAMLScalar {
    /// The span in `file` of the part of the value at `range` (UTF-8 offsets into `value`).
    ///
    /// Literal blocks and single-line scalars without escapes map one to one, so their spans are exact.
    /// Folded, multi-line and escaped scalars do not; there the text is searched in the scalar's lines,
    /// and when it is not found the span falls back to the scalar's start.
    public func span(ofValue range: Range<Int>, in file: SourceFile) -> Span {
        if let exact = exactOffsets(of: range, in: file) {
            return file.span(exact)
        }
        let needle = Array(value.utf8[valueIndex(range.lowerBound)..<valueIndex(range.upperBound)])
        if let found = search(needle, in: file) {
            return file.span(found)
        }
        return file.span(start.offset..<lineEnd(of: start.line, in: file))
    }

    /// The span of the whole value: its first line for block scalars, the token otherwise.
    public func valueSpan(in file: SourceFile) -> Span {
        switch style {
        case .literal, .folded:
            let firstLine = value.utf8.firstIndex(of: UInt8(ascii: "\n")).map { value.utf8.distance(from: value.utf8.startIndex, to: $0) }
            return span(ofValue: 0..<(firstLine ?? value.utf8.count), in: file)
        default:
            if let exact = exactOffsets(of: 0..<value.utf8.count, in: file) {
                let quote = style == .plain ? 0 : 1
                return file.span((exact.lowerBound - quote)..<(exact.upperBound + quote))
            }
            return file.span(start.offset..<lineEnd(of: start.line, in: file))
        }
    }

    private func valueIndex(_ offset: Int) -> String.UTF8View.Index {
        value.utf8.index(value.utf8.startIndex, offsetBy: min(offset, value.utf8.count))
    }

    private func exactOffsets(of range: Range<Int>, in file: SourceFile) -> Range<Int>? {
        switch style {
        case .plain, .singleQuoted, .doubleQuoted:
            guard !value.utf8.contains(UInt8(ascii: "\n")) else { return nil }
            let contentStart = start.offset + (style == .plain ? 0 : 1)
            let length = value.utf8.count
            guard contentStart + length <= file.bytes.count,
                file.bytes[contentStart..<(contentStart + length)].elementsEqual(value.utf8)
            else { return nil }
            return (contentStart + range.lowerBound)..<(contentStart + range.upperBound)
        case .literal:
            return literalOffsets(of: range, in: file)
        case .folded:
            return nil
        }
    }

    /// In a literal block, value line k is source line (first content line + k) at the block's indent.
    private func literalOffsets(of range: Range<Int>, in file: SourceFile) -> Range<Int>? {
        guard let (firstLine, indent) = blockContentStart(in: file) else { return nil }
        func sourceOffset(_ valueOffset: Int) -> Int? {
            let before = value.utf8.prefix(valueOffset)
            let lineIndex = before.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0)
            let line = firstLine + lineIndex
            guard line <= file.lineCount else { return nil }
            let lineRange = file.byteRange(ofLine: line)
            let offset = lineRange.lowerBound + indent + column
            return offset <= lineRange.upperBound ? offset : nil
        }
        guard let lower = sourceOffset(range.lowerBound), let upper = sourceOffset(range.upperBound) else { return nil }
        return lower..<upper
    }

    /// The line a block scalar's value starts on (the one after its indicator; leading blank lines are
    /// part of the value) and the indentation of its content, taken from the first non-blank line.
    private func blockContentStart(in file: SourceFile) -> (line: Int, indent: Int)? {
        var line = start.line + 1
        while line <= file.lineCount {
            let bytes = file.bytes[file.byteRange(ofLine: line)]
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            if indent < bytes.count { return (start.line + 1, indent) }
            line += 1
        }
        return nil
    }

    /// Searches the scalar's own lines: from its start to the first later line indented no deeper than
    /// the line it starts on.
    private func search(_ needle: [UInt8], in file: SourceFile) -> Range<Int>? {
        guard !needle.isEmpty else { return nil }
        let ownIndent = indentation(ofLine: start.line, in: file)
        var end = lineEnd(of: start.line, in: file)
        var line = start.line + 1
        while line <= file.lineCount {
            let range = file.byteRange(ofLine: line)
            let indent = indentation(ofLine: line, in: file)
            if indent < range.count, indent <= ownIndent { break }
            end = range.upperBound
            line += 1
        }
        let haystack = file.bytes[start.offset..<end]
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index += 1
        }
        return nil
    }

    private func indentation(ofLine line: Int, in file: SourceFile) -> Int {
        file.bytes[file.byteRange(ofLine: line)].prefix { $0 == UInt8(ascii: " ") }.count
    }

    private func lineEnd(of line: Int, in file: SourceFile) -> Int { file.byteRange(ofLine: line).upperBound }
}
