#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of one input file with a line table, so that every position can be given as a UTF-8 byte
/// offset (the truth) and as a 1-based line and column (what people read).
///
/// A UTF-8 byte order mark is stripped and remembered; line endings are kept as found.
public struct SourceFile: Sendable {
    /// The path as the user named it or as discovery found it; used in every report.
    public let path: String
    /// The content after the byte order mark.
    public let bytes: [UInt8]
    public let text: String
    /// Whether the file started with a UTF-8 byte order mark.
    public let hasByteOrderMark: Bool
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    private let lineStarts: [Int]
    /// For files with a line longer than `checkpointStride` bytes: the number of Unicode scalars before
    /// every multiple of the stride. Empty otherwise.
    private let scalarCheckpoints: [Int]

    /// Makes a source file from raw bytes, rejecting content that is not text.
    public init(path: String, data: [UInt8]) throws(InputError) {
        var content = data[...]
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let hasBOM = content.starts(with: bom)
        if hasBOM { content = content.dropFirst(3) }
        if let nul = Self.firstNUL(in: content) {
            throw InputError(path: path, reason: .binary(line: Self.lineNumber(ofByte: nul - content.startIndex, in: content)))
        }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw InputError(path: path, reason: .notUTF8)
        }
        self.init(path: path, text: text, bytes: Array(content), hasByteOrderMark: hasBOM)
    }

    /// The index of the first NUL byte: `memchr` rather than a loop over the slice, which costs as much as
    /// the rest of reading a file.
    private static func firstNUL(in content: ArraySlice<UInt8>) -> Int? {
        content.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
            return content.startIndex + (UnsafeRawPointer(hit) - base)
        }
    }

    /// Makes a source file from text (tests, examples).
    public init(path: String, text: String) {
        self.init(path: path, text: text, bytes: Array(text.utf8), hasByteOrderMark: false)
    }

    private init(path: String, text: String, bytes: [UInt8], hasByteOrderMark: Bool) {
        self.path = path
        self.text = text
        self.bytes = bytes
        self.hasByteOrderMark = hasByteOrderMark
        let lineStarts = LineBreaks.lineStarts(of: bytes)
        self.lineStarts = lineStarts
        // The longest line, without building an array of every line's length.
        var longestLine = 0
        for (index, start) in lineStarts.enumerated() {
            let next = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
            longestLine = max(longestLine, next - start)
        }
        self.scalarCheckpoints = longestLine > Self.checkpointStride ? Self.scalarCheckpoints(of: bytes) : []
    }

    /// A column is counted by walking its line from the start, which for a file written on one line (a
    /// generated workflow in flow style) would cost the whole line for every position and make a check
    /// quadratic. Past this many bytes into a line, the count starts from a checkpoint instead.
    private static let checkpointStride = 4096

    private static func scalarCheckpoints(of bytes: [UInt8]) -> [Int] {
        var checkpoints = [0]
        checkpoints.reserveCapacity(bytes.count / checkpointStride + 1)
        var scalars = 0
        var start = 0
        while start < bytes.count {
            let end = min(start + checkpointStride, bytes.count)
            scalars += scalarCount(in: bytes, start..<end)
            checkpoints.append(scalars)
            start = end
        }
        return checkpoints
    }

    /// The number of Unicode scalars that start in `range` of valid UTF-8 (every byte but a continuation byte).
    private static func scalarCount(in bytes: [UInt8], _ range: Range<Int>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            for index in range where buffer[index] & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }

    /// Unicode scalars in the content before `offset`; only for files that have checkpoints.
    private func scalarCount(before offset: Int) -> Int {
        let block = offset / Self.checkpointStride
        return scalarCheckpoints[block] + Self.scalarCount(in: bytes, (block * Self.checkpointStride)..<offset)
    }

    private static func lineNumber(ofByte offset: Int, in content: ArraySlice<UInt8>) -> Int {
        LineBreaks.lineStarts(of: Array(content.prefix(offset))).count
    }

    public var lineCount: Int { lineStarts.count }

    /// The byte range of a 1-based line, without its line break.
    public func byteRange(ofLine line: Int) -> Range<Int> {
        let index = min(max(line, 1), lineStarts.count) - 1
        let start = lineStarts[index]
        guard index + 1 < lineStarts.count else { return start..<bytes.count }
        let next = lineStarts[index + 1]
        return start..<max(start, next - LineBreaks.width(ofBreakEndingAt: next, in: bytes))
    }

    /// The text of a 1-based line, without its line break.
    public func text(ofLine line: Int) -> String {
        String(decoding: bytes[byteRange(ofLine: line)], as: UTF8.self)
    }

    /// The location of a byte offset: line and column (1-based, counted in Unicode scalars, as libyaml counts).
    public func location(ofByte offset: Int) -> Location {
        let clamped = min(max(0, offset), bytes.count)
        let low = LineBreaks.lineIndex(ofByte: clamped, in: lineStarts)
        let lineStart = lineStarts[low]
        let column =
            clamped - lineStart <= Self.checkpointStride
            ? 1 + Self.scalarCount(in: bytes, lineStart..<clamped)
            : 1 + scalarCount(before: clamped) - scalarCount(before: lineStart)
        return Location(line: low + 1, column: column, offset: clamped)
    }

    /// The location of a 1-based line and column (columns count Unicode scalars, as libyaml's marks do),
    /// clamped to the line's end.
    public func location(line: Int, column: Int) -> Location {
        let range = byteRange(ofLine: line)
        var offset = range.lowerBound
        var remaining = column - 1
        while remaining > 0, offset < range.upperBound {
            offset += 1
            while offset < range.upperBound, Self.isContinuationByte(bytes[offset]) { offset += 1 }
            remaining -= 1
        }
        return location(ofByte: offset)
    }

    /// The span covering a byte range.
    public func span(_ range: Range<Int>) -> Span {
        Span(path: path, start: location(ofByte: range.lowerBound), end: location(ofByte: range.upperBound))
    }

    private static func isContinuationByte(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

/// A position in a source file. `column` counts Unicode scalars from 1.
public struct Location: Hashable, Sendable, Comparable {
    public let line: Int
    public let column: Int
    /// UTF-8 byte offset from the start of the content (after any byte order mark).
    public let offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: Location, rhs: Location) -> Bool { lhs.offset < rhs.offset }
}

/// A range of text in a file; `end` is exclusive.
public struct Span: Hashable, Sendable {
    public let path: String
    public let start: Location
    public let end: Location

    public init(path: String, start: Location, end: Location) {
        self.path = path
        self.start = start
        self.end = end
    }

    public var byteRange: Range<Int> { start.offset..<end.offset }
}
