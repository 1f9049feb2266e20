/// Line breaks as YAML counts them, so that every line number the tool prints is the one the parser
/// reports: LF, CR, CR LF (one break), and the Unicode breaks NEL (U+0085), LINE SEPARATOR (U+2028)
/// and PARAGRAPH SEPARATOR (U+2029). libyaml's scanner counts exactly these (`IS_BREAK` and `SKIP_LINE`
/// in yaml/libyaml `src/yaml_private.h` and `src/scanner.c`; YAML 1.1 §5.4 "Line Break Characters").
///
/// Counting only LF, as editors on Unix do, puts every position after a lone CR or a U+2028 on the wrong
/// line, up to a line past the end of the file.
enum LineBreaks {
    /// The byte offset at which each line starts; the first is 0.
    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = UnsafeRawPointer(buffer.baseAddress) else { return }
            let count = buffer.count
            var index = 0
            while index < count {
                // Eight bytes at a time past text that holds no byte a break starts with.
                if index + 8 <= count, !mayStartBreak(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = buffer[index]
                // Every break starts with one of these four bytes; most bytes are none of them.
                guard byte == 0x0A || byte == 0x0D || byte == 0xC2 || byte == 0xE2 else {
                    index += 1
                    continue
                }
                let width = widthOfBreak(startingAt: index, in: buffer)
                index += max(width, 1)
                if width > 0 { starts.append(index) }
            }
        }
        return starts
    }

    /// Whether any of the eight bytes in `word` is a LF, a CR or not ASCII (NEL, U+2028 and U+2029 start
    /// with 0xC2 and 0xE2). A byte is zero exactly where `word` XOR a repeated byte has one, and
    /// `(x - 0x01…01) & ~x & 0x80…80` is non-zero exactly when `x` has a zero byte.
    private static func mayStartBreak(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        return word & highs != 0 || hasZeroByte(word ^ (ones &* 0x0A)) || hasZeroByte(word ^ (ones &* 0x0D))
    }

    /// The number of bytes of the line break that starts at `index`, or 0 when there is none.
    static func widthOfBreak(startingAt index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        let count = buffer.count
        switch buffer[index] {
        case 0x0A: return 1
        case 0x0D: return index + 1 < count && buffer[index + 1] == 0x0A ? 2 : 1
        case 0xC2: return index + 1 < count && buffer[index + 1] == 0x85 ? 2 : 0
        case 0xE2:
            guard index + 2 < count, buffer[index + 1] == 0x80 else { return 0 }
            return buffer[index + 2] == 0xA8 || buffer[index + 2] == 0xA9 ? 3 : 0
        default: return 0
        }
    }

    /// The index of the line (0-based) that holds `offset`, by binary search in `lineStarts`.
    static func lineIndex(ofByte offset: Int, in lineStarts: [Int]) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The width of the line break that ends just before `lineStart` (the start of the next line).
    static func width(ofBreakEndingAt lineStart: Int, in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            for width in [2, 3, 1] where lineStart - width >= 0 {
                if widthOfBreak(startingAt: lineStart - width, in: buffer) == width { return width }
            }
            return 0
        }
    }
}
