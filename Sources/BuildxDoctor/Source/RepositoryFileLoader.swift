import Foundation

/// Reads files a checked file refers to by a path in the repository: the composite actions a workflow
/// runs with `uses: ./path`, the scripts a step runs, the local files a GitLab pipeline includes. Paths
/// are relative to the repository root, found as the nearest folder above the file that holds `.git`,
/// `.github`, `.gitlab-ci.yml` or `.circleci`. Only regular files are read (the path comes from the
/// file's text, and a FIFO there must not hang the run), each within the Checker's size limit.
public struct RepositoryFileLoader: Sendable {
    private enum Root: Sendable {
        case folder(String?)
        /// Found only when a file is first asked for (most checked files refer to none, and the search
        /// touches the disk), then kept for the other references of the same file.
        case besideFile(String, FoundRoot)
    }

    /// The root once searched for. A class, so that copies of the loader share one search.
    private final class FoundRoot: @unchecked Sendable {
        private let lock = NSLock()
        private var found: String??

        func value(_ search: () -> String?) -> String? {
            lock.lock()
            defer { lock.unlock() }
            if let found { return found }
            let result = search()
            found = .some(result)
            return result
        }
    }

    private let root: Root
    /// Action files larger than this are not read: the same limit the Checker puts on the files it checks.
    private let maximumFileSize: Int

    public init(repositoryRoot: String?, maximumFileSize: Int = Checker.defaultMaximumFileSize) {
        root = .folder(repositoryRoot)
        self.maximumFileSize = maximumFileSize
    }

    /// Loads actions relative to the repository that holds the file at `path`.
    public init(forFileAt path: String, maximumFileSize: Int = Checker.defaultMaximumFileSize) {
        root = .besideFile(path, FoundRoot())
        self.maximumFileSize = maximumFileSize
    }

    /// The repository root: given, or the nearest ancestor folder of the file that marks a repository.
    var repositoryRoot: String? {
        switch root {
        case .folder(let folder): folder
        case .besideFile(let path, let found): found.value { Self.repositoryRoot(above: path) }
        }
    }

    private static func repositoryRoot(above path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var components = absolute.split(separator: "/").dropLast()
        while true {
            let directory = "/" + components.joined(separator: "/")
            var status = stat()
            let prefix = directory == "/" ? "" : directory
            for marker in [".github", ".git", ".gitlab-ci.yml", ".circleci"] where stat(prefix + "/" + marker, &status) == 0 {
                return directory
            }
            guard !components.isEmpty else { return nil }
            components.removeLast()
        }
    }

    /// A file of the repository, or `nil` when it cannot be found or read.
    func load(_ relativePath: String) -> SourceFile? {
        guard let repositoryRoot, !relativePath.isEmpty else { return nil }
        let trimmed = relativePath.hasPrefix("./") ? String(relativePath.dropFirst(2)) : relativePath
        let absolute = PathText.absolute(trimmed.hasPrefix("/") ? trimmed : repositoryRoot + "/" + trimmed)
        // Named as reports name the files they were given: relative to the current folder when below it.
        return try? RawFile.source(PathText.display(absolute), limit: maximumFileSize, kinds: .regularFilesOnly)
    }

    /// A YAML file of the repository, parsed.
    func loadYAML(_ relativePath: String) -> (SourceFile, YAMLNode)? {
        guard let file = load(relativePath), let root = try? YAMLDocument.parse(file) else { return nil }
        return (file, root)
    }

    /// A local action's metadata file (`action.yml` or `action.yaml` in its folder), parsed.
    func loadAction(_ actionPath: String) -> (SourceFile, YAMLNode)? {
        let folder = actionPath.hasSuffix("/") ? actionPath : actionPath + "/"
        return loadYAML(folder + "action.yml") ?? loadYAML(folder + "action.yaml")
    }
}
