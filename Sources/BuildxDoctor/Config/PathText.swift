#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths as text: lexical normalisation (no file system access beyond getcwd(3)), so that a path the
/// user typed, one discovery found and one a configuration names compare equal.
public enum PathText {
    /// The current directory, or `/` when it cannot be read (it was removed under the process).
    public static func currentDirectory() -> String {
        guard let buffer = getcwd(nil, 0) else { return "/" }
        defer { free(buffer) }
        return String(cString: buffer)
    }

    /// `path` without `.` components, repeated or trailing slashes, and `..` that follow a named folder.
    /// Leading `..` of a relative path are kept.
    public static func normalized(_ path: String) -> String {
        if isNormalized(path) { return path }
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.splitting("/") {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Whether `normalized` would give `path` back: no empty, `.` or (after a named folder, or in an absolute
    /// path) `..` component, and not empty. Most paths are, and a look at their bytes is cheaper than
    /// splitting them. A `/` that begins a Character with a combining mark is no separator for the split,
    /// but components the split sees are unions of these, so they are normal when these are.
    static func isNormalized(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            guard !bytes.isEmpty else { return false }
            let slash = UInt8(ascii: "/")
            let dot = UInt8(ascii: ".")
            let isAbsolute = bytes[0] == slash
            if isAbsolute, bytes.count == 1 { return true }
            var start = isAbsolute ? 1 : 0
            var afterNamed = false
            for index in start...bytes.count where index == bytes.count || bytes[index] == slash {
                switch index - start {
                case 0: return false
                case 1 where bytes[start] == dot: return false
                case 2 where bytes[start] == dot && bytes[start + 1] == dot:
                    if isAbsolute || afterNamed { return false }
                default: afterNamed = true
                }
                start = index + 1
            }
            return true
        }
    }

    /// The absolute, normalised form of `path`, relative paths taken from `directory`.
    public static func absolute(_ path: String, from directory: String = currentDirectory()) -> String {
        normalized(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    /// `path` relative to the folder `root` (both absolute and normalised), or `nil` when it is not below it.
    public static func relative(_ path: String, to root: String) -> String? {
        if root == "/" { return String(path.dropFirst()) }
        guard path.hasPrefix(root) else { return nil }
        let rest = path.dropFirst(root.count)
        if rest.isEmpty { return "." }
        guard rest.first == "/" else { return nil }
        return String(rest.dropFirst())
    }

    /// How reports name a file: relative to `directory` when it is below it, never with a leading `./`;
    /// otherwise normalised as given.
    public static func display(_ path: String, from directory: String = currentDirectory()) -> String {
        if path.hasPrefix("/") {
            let normal = normalized(path)
            return relative(normal, to: normalized(directory)).flatMap { $0 == "." ? nil : $0 } ?? normal
        }
        return normalized(path)
    }

    /// The folder part of a path (`.` for a bare name).
    public static func folder(of path: String) -> String {
        // In ASCII text the last `/` byte is the last `/` Character, and finding it costs no grapheme breaking.
        let lastSlash: String.Index?
        if path.isASCIIText, let offset = path.utf8.withContiguousStorageIfAvailable({ $0.lastIndex(of: UInt8(ascii: "/")) }) {
            lastSlash = offset.map { path.utf8.index(path.utf8.startIndex, offsetBy: $0) }
        } else {
            lastSlash = path.lastIndex(of: "/")
        }
        guard let slash = lastSlash else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
