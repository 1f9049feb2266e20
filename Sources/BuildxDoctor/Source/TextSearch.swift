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
        var pattern = pattern
        return pattern.withUTF8 { needle in
            guard !needle.isEmpty else { return true }
            func search(_ haystack: UnsafeBufferPointer<UInt8>) -> Bool {
                guard var cursor = UnsafeRawPointer(haystack.baseAddress), haystack.count >= needle.count else { return false }
                let last = cursor + (haystack.count - needle.count)
                let first = Int32(needle[0])
                while cursor <= last {
                    guard let hit = memchr(cursor, first, last - cursor + 1) else { return false }
                    if memcmp(hit, needle.baseAddress!, needle.count) == 0 { return true }
                    cursor = UnsafeRawPointer(hit) + 1
                }
                return false
            }
            if let found = utf8.withContiguousStorageIfAvailable(search) { return found }
            return Array(utf8).withUnsafeBufferPointer(search)
        }
    }
}
