import BuildxModel

/// Where a cache entry reads or writes: the thing an export and an import must agree on for the next
/// run to start warm. A registry `ref`, a gha `scope` (`buildkit` when unnamed), a local `dest` (export)
/// or `src` (import) folder, an s3 bucket/prefix/name or an azblob account/name
/// (https://docs.docker.com/build/cache/backends/). `inline` has none: its cache travels in the image.
public struct CacheLocation: Sendable, Equatable {
    public let type: String
    /// The value as written, expressions (`${{ … }}`, `$VAR`) included.
    public let written: String
    /// Byte ranges of `written` that only the run decides.
    public let unknownParts: [Range<Int>]

    /// Whether nothing that names the place is known: expressions stand for every letter and digit of it
    /// (`${{ a }}:${{ b }}` is as unknown as `${{ a }}`).
    public var isUnknown: Bool {
        guard !unknownParts.isEmpty else { return false }
        var known = Array(written.utf8)
        for part in unknownParts.reversed() { known.removeSubrange(part) }
        return !known.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }
    }

    /// The location of one spec of an entry, or nil (inline, an unknown type, a value hidden from us).
    public init?(_ spec: CacheSpec, of entry: CacheEntry) {
        self.init(spec, direction: entry.direction) { key in
            let value = entry.value(of: key, in: spec)
            guard value == .unknown, let field = spec.field(key), let written = entry.writtenValue(of: field) else { return (value, []) }
            return (.known(written), Self.expressions(in: written))
        }
    }

    /// Where `${{ … }}`, `${…}` and `$NAME` stand in a value as written; all of it when none is found.
    static func expressions(in text: String) -> [Range<Int>] {
        let bytes = Array(text.utf8)
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$") else {
                index += 1
                continue
            }
            var end = index + 1
            if end < bytes.count, bytes[end] == UInt8(ascii: "{") {
                let double = end + 1 < bytes.count && bytes[end + 1] == UInt8(ascii: "{")
                while end < bytes.count, bytes[end] != UInt8(ascii: "}") { end += 1 }
                end = min(bytes.count, end + (double ? 2 : 1))
            } else if end < bytes.count, bytes[end] == UInt8(ascii: "(") {
                while end < bytes.count, bytes[end] != UInt8(ascii: ")") { end += 1 }
                end = min(bytes.count, end + 1)
            } else {
                while end < bytes.count, bytes[end] == UInt8(ascii: "_") || (bytes[end] < 0x80 && Character(UnicodeScalar(bytes[end])).isLetter)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end])
                {
                    end += 1
                }
            }
            ranges.append(index..<end)
            index = end
        }
        return ranges.isEmpty ? [0..<bytes.count] : ranges
    }

    /// The location a spec printed in a log names; nothing in it is unknown.
    public init?(_ spec: CacheSpec, direction: CacheDirection) {
        self.init(spec, direction: direction) { key in (spec.field(key).map { .known($0.value) } ?? .absent, []) }
    }

    /// `value` gives an attribute's value and, for a value written with expressions, where they stand.
    private init?(_ spec: CacheSpec, direction: CacheDirection, value: (String) -> (AttributeValue, [Range<Int>])) {
        // Types are matched as BuildKit matches them, by exact name: `type=GHA` is no cache at all
        // (cache-type-unknown), so it has no location to compare.
        let type = spec.typeField == nil ? "registry" : spec.type
        let keys: [(key: String, absent: String)]
        switch type {
        case "registry": keys = [("ref", "")]
        case "gha": keys = [("scope", "buildkit")]
        case "local": keys = [(direction == .export ? "dest" : "src", "")]
        case "s3": keys = [("bucket", ""), ("prefix", ""), ("name", "")]
        case "azblob": keys = [("account_url", ""), ("name", "")]
        default: return nil
        }
        var written = ""
        var unknown: [Range<Int>] = []
        for (index, (key, absent)) in keys.enumerated() {
            if index > 0 { written += "/" }
            let (attribute, expressions) = value(key)
            switch attribute {
            case .absent: written += absent
            case .known(let text):
                // Expressions are kept without their white space: `${{ a }}` and `${{a}}` are one value.
                var cursor = 0
                let bytes = Array(text.utf8)
                for expression in expressions {
                    written += String(decoding: bytes[cursor..<expression.lowerBound], as: UTF8.self)
                    let start = written.utf8.count
                    written += String(decoding: bytes[expression].filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }, as: UTF8.self)
                    unknown.append(start..<written.utf8.count)
                    cursor = expression.upperBound
                }
                written += String(decoding: bytes[cursor...], as: UTF8.self)
            case .unknown:
                // The attribute comes from an expression: a placeholder byte the comparison treats as anything.
                unknown.append(written.utf8.count..<(written.utf8.count + 1))
                written += "*"
            }
        }
        guard type != "registry" || !written.isEmpty else { return nil }
        self.type = type
        self.written = written
        self.unknownParts = unknown
    }

    init(type: String, written: String, unknownParts: [Range<Int>]) {
        self.type = type
        self.written = written
        self.unknownParts = unknownParts
    }

    /// The longest stretch of the value that no expression stands in, for finding it in a script that
    /// may write the expressions differently.
    public var longestKnownPart: String {
        let bytes = Array(written.utf8)
        var best: Range<Int> = 0..<0
        var start = 0
        for part in unknownParts + [bytes.count..<bytes.count] {
            if part.lowerBound - start > best.count { best = start..<part.lowerBound }
            start = part.upperBound
        }
        return String(decoding: bytes[best], as: UTF8.self)
    }

    /// How an export and an import compare.
    public enum Match: Sendable { case same, may, different }

    /// `same` when both are known and equal (or equal as written, expressions included); `may` when
    /// they differ only where one of them has an expression; `different` otherwise.
    public func compare(_ other: CacheLocation) -> Match {
        guard type == other.type else { return .different }
        if written == other.written && unknownParts == other.unknownParts { return .same }
        if unknownParts.isEmpty && other.unknownParts.isEmpty { return written == other.written ? .same : .different }
        return Self.mayMatch(Array(written.utf8), unknownParts, Array(other.written.utf8), other.unknownParts) ? .may : .different
    }

    /// Whether the known text before the first and after the last unknown part of each agree: what an
    /// expression may stand for is anything.
    private static func mayMatch(_ a: [UInt8], _ aUnknown: [Range<Int>], _ b: [UInt8], _ bUnknown: [Range<Int>]) -> Bool {
        let aPrefix = aUnknown.first.map { Array(a[..<$0.lowerBound]) } ?? a
        let bPrefix = bUnknown.first.map { Array(b[..<$0.lowerBound]) } ?? b
        let aSuffix = aUnknown.last.map { Array(a[$0.upperBound...]) } ?? a
        let bSuffix = bUnknown.last.map { Array(b[$0.upperBound...]) } ?? b
        let prefix = min(aPrefix.count, bPrefix.count)
        let suffix = min(aSuffix.count, bSuffix.count)
        return aPrefix.prefix(prefix) == bPrefix.prefix(prefix) && aSuffix.suffix(suffix) == bSuffix.suffix(suffix)
    }
}
