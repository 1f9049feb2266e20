#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension YAMLScalar {
    /// The span in `file` of the part of the value at `range` (UTF-8 offsets into `value`).
    public func span(ofValue range: Range<Int>, in file: SourceFile) -> Span {
        spans(ofValues: [range], in: file)[0]
    }

    /// The spans of several parts of the value, in one pass when the ranges come in order (as list
    /// items do): a scalar of n items then costs O(n), not O(n²).
    ///
    /// Literal blocks and single-line scalars without escapes map one to one, so their spans are exact.
    /// Folded, multi-line and escaped scalars do not; there the text is searched for inside the scalar,
    /// and when it is not found the span falls back to the scalar's first line.
    public func spans(ofValues ranges: [Range<Int>], in file: SourceFile) -> [Span] {
        var locator = ValueLocator(scalar: self, file: file)
        return ranges.map { locator.span(of: $0) }
    }

    /// The span of the whole value: its first line for block scalars, the token otherwise.
    public func valueSpan(in file: SourceFile) -> Span {
        switch style {
        case .literal, .folded:
            let firstLine = value.utf8.firstIndex(of: UInt8(ascii: "\n")).map { value.utf8.distance(from: value.utf8.startIndex, to: $0) }
            return span(ofValue: 0..<(firstLine ?? value.utf8.count), in: file)
        default:
            // The parser's marks bound the token, quotes included; a token over several lines is
            // reported on its first line.
            guard start.line != end.line else { return Span(path: file.path, start: start, end: end) }
            return ValueLocator(scalar: self, file: file).firstLineSpan
        }
    }
}

/// Maps offsets in a scalar's value back to the file, remembering where the last answer was so that
/// ranges asked for in order are found in one walk.
private struct ValueLocator {
    private enum Mapping {
        /// The value's bytes stand in the file as they are, from this offset.
        case direct(contentStart: Int)
        /// Value line k is file line `firstLine + k`, `indent` bytes in.
        case literal(firstLine: Int, indent: Int)
        /// No one-to-one mapping: search the text inside the scalar.
        case search
    }

    private let scalar: YAMLScalar
    private let file: SourceFile
    private let value: [UInt8]
    private let mapping: Mapping
    /// For literal blocks: a value offset, the value line it is on, and where that line starts.
    private var walked = (offset: 0, line: 0, lineStart: 0)
    /// For searches: where the next search starts.
    private var searchFrom: Int

    init(scalar: YAMLScalar, file: SourceFile) {
        self.scalar = scalar
        self.file = file
        self.value = Array(scalar.value.utf8)
        self.searchFrom = scalar.start.offset
        self.mapping = Self.mapping(of: scalar, value: value, in: file)
    }

    private static func mapping(of scalar: YAMLScalar, value: [UInt8], in file: SourceFile) -> Mapping {
        switch scalar.style {
        case .plain, .singleQuoted, .doubleQuoted:
            guard !value.contains(UInt8(ascii: "\n")) else { return .search }
            let contentStart = scalar.start.offset + (scalar.style == .plain ? 0 : 1)
            guard contentStart + value.count <= file.bytes.count,
                file.bytes[contentStart..<(contentStart + value.count)].elementsEqual(value)
            else { return .search }
            return .direct(contentStart: contentStart)
        case .literal:
            return literalLayout(of: scalar, value: value, in: file).map { .literal(firstLine: $0.line, indent: $0.indent) } ?? .search
        case .folded:
            return .search
        }
    }

    /// A literal block's content starts on the line after its indicator (leading blank lines are part
    /// of the value). Its indentation is what the first non-blank line has in the file beyond what the
    /// value keeps (an indentation indicator such as `|2` keeps some spaces in the value).
    private static func literalLayout(of scalar: YAMLScalar, value: [UInt8], in file: SourceFile) -> (line: Int, indent: Int)? {
        let firstLine = scalar.start.line + 1
        var line = firstLine
        var valueLineStart = 0
        while line <= file.lineCount, line <= scalar.end.line {
            let bytes = file.bytes[file.byteRange(ofLine: line)]
            let spaces = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            let valueLine = value[valueLineStart...].prefix { $0 != UInt8(ascii: "\n") }
            if spaces < bytes.count, !valueLine.isEmpty {
                let kept = valueLine.prefix { $0 == UInt8(ascii: " ") }.count
                return spaces >= kept ? (firstLine, spaces - kept) : nil
            }
            guard let newline = value[valueLineStart...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            valueLineStart = newline + 1
            line += 1
        }
        return nil
    }

    mutating func span(of range: Range<Int>) -> Span {
        if let exact = exactOffsets(of: range) { return file.span(exact) }
        if let found = search(value[clamped(range.lowerBound)..<clamped(range.upperBound)]) { return file.span(found) }
        return firstLineSpan
    }

    /// The scalar's first line from where it starts: the fallback when a part cannot be placed.
    var firstLineSpan: Span {
        file.span(scalar.start.offset..<max(scalar.start.offset, file.byteRange(ofLine: scalar.start.line).upperBound))
    }

    private func clamped(_ offset: Int) -> Int { min(max(offset, 0), value.count) }

    private mutating func exactOffsets(of range: Range<Int>) -> Range<Int>? {
        switch mapping {
        case .direct(let contentStart):
            return (contentStart + clamped(range.lowerBound))..<(contentStart + clamped(range.upperBound))
        case .literal(let firstLine, let indent):
            guard let lower = literalOffset(clamped(range.lowerBound), firstLine: firstLine, indent: indent),
                let upper = literalOffset(clamped(range.upperBound), firstLine: firstLine, indent: indent)
            else { return nil }
            return lower..<upper
        case .search:
            return nil
        }
    }

    /// The file offset of a value offset in a literal block, walking the value from the last answer.
    private mutating func literalOffset(_ offset: Int, firstLine: Int, indent: Int) -> Int? {
        if offset < walked.offset { walked = (0, 0, 0) }
        while walked.offset < offset {
            if value[walked.offset] == UInt8(ascii: "\n") {
                walked.line += 1
                walked.lineStart = walked.offset + 1
            }
            walked.offset += 1
        }
        let line = firstLine + walked.line
        guard line <= file.lineCount else { return nil }
        let lineRange = file.byteRange(ofLine: line)
        let fileOffset = lineRange.lowerBound + indent + (offset - walked.lineStart)
        return fileOffset <= lineRange.upperBound ? fileOffset : nil
    }

    /// Finds the text between where the last search ended and the scalar's end, with `memchr` and
    /// `memcmp` so that a long scalar is not compared byte by byte at every position.
    private mutating func search(_ needle: ArraySlice<UInt8>) -> Range<Int>? {
        let end = min(max(scalar.end.offset, file.byteRange(ofLine: scalar.start.line).upperBound), file.bytes.count)
        guard !needle.isEmpty, searchFrom + needle.count <= end else { return nil }
        let found: Int? = file.bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { pattern in
                let base = UnsafeRawPointer(haystack.baseAddress!)
                var cursor = base + searchFrom
                let last = base + (end - needle.count)
                while cursor <= last {
                    guard let hit = memchr(cursor, Int32(pattern[0]), last - cursor + 1) else { return nil }
                    if memcmp(hit, pattern.baseAddress!, pattern.count) == 0 { return UnsafeRawPointer(hit) - base }
                    cursor = UnsafeRawPointer(hit) + 1
                }
                return nil
            }
        }
        guard let found else { return nil }
        searchFrom = found + needle.count
        return found..<(found + needle.count)
    }
}
