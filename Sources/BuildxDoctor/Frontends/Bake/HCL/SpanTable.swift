/// Spans of many byte ranges of one file in constant time each: `SourceFile.location(ofByte:)` walks the
/// line up to the offset, which for a 100,000-element list written on one line would cost the line's
/// length per element. Here the Unicode scalars before every 64th byte are counted once, so a column is
/// found by a binary search for the line and at most 64 bytes of counting.
struct SpanTable: Sendable {
    let path: String
    private let bytes: [UInt8]
    private let lineStarts: [Int]
    /// Scalars before byte `i * 64`.
    private let checkpoints: [Int]
    private static let stride = 64

    init(_ file: SourceFile) {
        self.path = file.path
        self.bytes = file.bytes
        self.lineStarts = LineBreaks.lineStarts(of: file.bytes)
        var checkpoints: [Int] = []
        checkpoints.reserveCapacity(file.bytes.count / Self.stride + 1)
        var scalars = 0
        for (index, byte) in file.bytes.enumerated() {
            if index % Self.stride == 0 { checkpoints.append(scalars) }
            if byte & 0xC0 != 0x80 { scalars += 1 }
        }
        if file.bytes.count % Self.stride == 0 { checkpoints.append(scalars) }
        self.checkpoints = checkpoints
    }

    private func scalars(before offset: Int) -> Int {
        let block = offset / Self.stride
        var count = checkpoints[block]
        var index = block * Self.stride
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        return count
    }

    func location(_ offset: Int) -> Location {
        let clamped = min(max(0, offset), bytes.count)
        let low = LineBreaks.lineIndex(ofByte: clamped, in: lineStarts)
        return Location(line: low + 1, column: 1 + scalars(before: clamped) - scalars(before: lineStarts[low]), offset: clamped)
    }

    func span(_ range: Range<Int>) -> Span {
        Span(path: path, start: location(range.lowerBound), end: location(range.upperBound))
    }
}
