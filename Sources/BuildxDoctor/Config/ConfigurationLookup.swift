#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the configuration that applies to a file: the nearest `.buildx-doctor.yml` (or `.yaml`) in its
/// folder or a folder above it, as ruff and ESLint find theirs. Each folder is looked at and each file
/// read once per lookup value, so checking a whole tree costs one stat(2) per folder.
public struct ConfigurationLookup: Sendable {
    /// The names looked for, in each folder.
    public static let fileNames = [".buildx-doctor.yml", ".buildx-doctor.yaml"]
    /// Configuration files larger than this are refused (a real one is a few hundred bytes).
    static let maximumFileSize = 1 << 20

    /// The answer for each folder already asked about (absolute, normalised).
    private var byFolder: [String: Configuration?] = [:]
    private let currentDirectory: String

    public init(currentDirectory: String = PathText.currentDirectory()) {
        self.currentDirectory = currentDirectory
    }

    /// The configuration for the file at `path` (for a folder, the folder itself), or `nil` when there is none.
    public mutating func configuration(forFileAt path: String, isFolder: Bool = false) throws(ConfigurationError) -> Configuration? {
        let absolute = PathText.absolute(path, from: currentDirectory)
        return try configuration(inOrAbove: isFolder ? absolute : PathText.folder(of: absolute))
    }

    private mutating func configuration(inOrAbove folder: String) throws(ConfigurationError) -> Configuration? {
        var visited: [String] = []
        var current = folder
        var found: Configuration?
        while true {
            if let known = byFolder[current] {
                found = known
                break
            }
            visited.append(current)
            if let file = try Self.file(in: current) {
                found = try Self.load(file, from: currentDirectory)
                break
            }
            if current == "/" { break }
            current = PathText.folder(of: current)
        }
        for folder in visited { byFolder[folder] = found }
        return found
    }

    /// The configuration file in `folder`; both spellings at once is an error, since either could be meant.
    private static func file(in folder: String) throws(ConfigurationError) -> String? {
        let present = fileNames.map { folder == "/" ? "/" + $0 : folder + "/" + $0 }.filter { path in
            var status = stat()
            return stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFDIR
        }
        if present.count > 1 {
            throw ConfigurationError(
                path: present[1], line: 1, column: 1, message: "both \(fileNames[0]) and \(fileNames[1]) are in this folder; keep one")
        }
        return present.first
    }

    /// Reads and parses a configuration file named by the user (`--config`) or found by the lookup; its
    /// patterns are relative to its folder.
    public static func load(_ path: String, from currentDirectory: String = PathText.currentDirectory())
        throws(ConfigurationError) -> Configuration
    {
        let display = PathText.display(path, from: currentDirectory)
        let file: SourceFile
        do {
            file = try RawFile.source(path, limit: maximumFileSize)
        } catch {
            throw ConfigurationError(path: display, line: 1, column: 1, message: "cannot be used: \(Self.reason(error))")
        }
        let named = SourceFile(path: display, text: file.text)
        let root = PathText.folder(of: PathText.absolute(path, from: currentDirectory))
        return try ConfigurationParser.parse(named, root: root, baseDirectory: currentDirectory)
    }

    private static func reason(_ error: InputError) -> String {
        let text = error.description
        return text.hasPrefix(error.path + ": ") ? String(text.dropFirst(error.path.count + 2)) : text
    }
}
