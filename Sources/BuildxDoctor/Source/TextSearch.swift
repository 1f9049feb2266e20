#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Whether `pattern` occurs in the text, compared byte for byte in UTF-8: `memchr` finds each
    /// candidate first byte, `memcmp` checks the rest. Foundation's `contains(_:)` does Unicode-aware
    /// matching, which costs more than parsing the YAML around it.
    func containsText(_ pattern: String) -> Bool {
        containsText(pattern, where: { _, _ in true })
    }

    /// Whether `pattern` occurs where `accept` allows, given the bytes just before and just after that
    /// occurrence (`nil` at either end of the text).
    func containsText(_ pattern: String, where accept: (_ before: UInt8?, _ after: UInt8?) -> Bool) -> Bool {
        var pattern = pattern
        return pattern.withUTF8 { needle in
            guard !needle.isEmpty else { return true }
            func search(_ haystack: UnsafeBufferPointer<UInt8>) -> Bool {
                guard var cursor = UnsafeRawPointer(haystack.baseAddress), haystack.count >= needle.count else { return false }
                let last = cursor + (haystack.count - needle.count)
                let first = Int32(needle[0])
                let start = cursor
                let end = cursor + haystack.count
                while cursor <= last {
                    guard let hit = memchr(cursor, first, last - cursor + 1) else { return false }
                    let found = UnsafeRawPointer(hit)
                    if memcmp(found, needle.baseAddress!, needle.count) == 0 {
                        let before = found > start ? found.load(fromByteOffset: -1, as: UInt8.self) : nil
                        let after = found + needle.count < end ? found.load(fromByteOffset: needle.count, as: UInt8.self) : nil
                        if accept(before, after) { return true }
                    }
                    cursor = found + 1
                }
                return false
            }
            if let found = utf8.withContiguousStorageIfAvailable(search) { return found }
            return Array(utf8).withUnsafeBufferPointer(search)
        }
    }
}

extension StringProtocol {
    /// Whether every byte of the text is ASCII, read from contiguous storage when there is one (iterating
    /// `utf8` costs tens of instructions a byte).
    var isASCIIText: Bool {
        utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? utf8.allSatisfy { $0 < 0x80 }
    }
}

extension StringProtocol where SubSequence == Substring {
    /// `split(separator:maxSplits:omittingEmptySubsequences:)` for an ASCII separator, the same pieces
    /// for any text. `split` compares Characters, so it runs Unicode grapheme breaking over every
    /// character of every path and action reference. In ASCII text every byte but a CR before a LF is
    /// a Character of its own, so for any other separator the bytes are compared instead; other text
    /// keeps the Character split (where a combining mark after the separator makes one Character with
    /// it, and no place to split).
    func splitting(
        _ separator: Unicode.Scalar, maxSplits: Int = .max, omittingEmptySubsequences: Bool = true
    ) -> [Substring] {
        if separator.isASCII, separator != "\r", separator != "\n",
            let pieces = utf8.withContiguousStorageIfAvailable({
                Self.asciiPieces($0, UInt8(separator.value), maxSplits: maxSplits, omittingEmpty: omittingEmptySubsequences)
            }),
            let pieces
        {
            let start = utf8.startIndex
            return pieces.map { self[utf8.index(start, offsetBy: $0.lowerBound)..<utf8.index(start, offsetBy: $0.upperBound)] }
        }
        return split(separator: Character(separator), maxSplits: maxSplits, omittingEmptySubsequences: omittingEmptySubsequences)
    }

    /// The byte ranges `split` gives for ASCII `bytes`, in its order and with its rules for `maxSplits` and
    /// empty pieces; `nil` when the text is not ASCII.
    private static func asciiPieces(_ bytes: UnsafeBufferPointer<UInt8>, _ separator: UInt8, maxSplits: Int, omittingEmpty: Bool)
        -> [Range<Int>]?
    {
        if maxSplits == 0 || bytes.isEmpty {
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return bytes.isEmpty && omittingEmpty ? [] : [0..<bytes.count]
        }
        var pieces: [Range<Int>] = []
        var start = 0
        var splitting = true
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 { return nil }
            guard splitting, byte == separator else { continue }
            if start != index || !omittingEmpty {
                pieces.append(start..<index)
                // After `maxSplits` pieces the rest is one piece, separators and all.
                if pieces.count == maxSplits { splitting = false }
            }
            start = index + 1
        }
        if start != bytes.count || !omittingEmpty { pieces.append(start..<bytes.count) }
        return pieces
    }
}
