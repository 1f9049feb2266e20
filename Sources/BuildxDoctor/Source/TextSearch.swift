extension StringProtocol {
    /// Whether `pattern` occurs in the text, compared byte for byte in UTF-8. Foundation's
    /// `contains(_:)` does Unicode-aware matching, which costs more than parsing the YAML around it.
    func containsText(_ pattern: String) -> Bool {
        var pattern = pattern
        return pattern.withUTF8 { needle in
            guard let first = needle.first else { return true }
            if let found = utf8.withContiguousStorageIfAvailable({ Self.search($0, for: needle, first: first) }) {
                return found
            }
            return Array(utf8).withUnsafeBufferPointer { Self.search($0, for: needle, first: first) }
        }
    }

    private static func search(_ haystack: UnsafeBufferPointer<UInt8>, for needle: UnsafeBufferPointer<UInt8>, first: UInt8) -> Bool {
        guard needle.count <= haystack.count else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, memcmpEqual(haystack.baseAddress! + index, needle.baseAddress!, needle.count) {
                return true
            }
            index += 1
        }
        return false
    }

    private static func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for offset in 0..<count where a[offset] != b[offset] { return false }
        return true
    }
}
