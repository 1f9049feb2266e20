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
        /// touches the disk), through a cache that every file of one check shares.
        case besideFile(String, RepositoryRoots)
    }

    private let root: Root
    /// Action files larger than this are not read: the same limit the Checker puts on the files it checks.
    private let maximumFileSize: Int

    public init(repositoryRoot: String?, maximumFileSize: Int = Checker.defaultMaximumFileSize) {
        root = .folder(repositoryRoot)
        self.maximumFileSize = maximumFileSize
    }

    /// Loads actions relative to the repository that holds the file at `path`.
    public init(forFileAt path: String, maximumFileSize: Int = Checker.defaultMaximumFileSize, roots: RepositoryRoots = RepositoryRoots()) {
        root = .besideFile(path, roots)
        self.maximumFileSize = maximumFileSize
    }

    /// The repository root: given, or the nearest ancestor folder of the file that marks a repository.
    var repositoryRoot: String? {
        switch root {
        case .folder(let folder): folder
        case .besideFile(let path, let roots): roots.root(above: path)
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

/// The repository root of each folder, searched for once: the files of one check mostly share a few
/// folders, and the search stats every folder up to `/`.
public final class RepositoryRoots: @unchecked Sendable {
    private let lock = NSLock()
    private var byFolder: [String: String?] = [:]

    public init() {}

    /// The nearest folder above the file at `path` that holds `.github`, `.git`, `.gitlab-ci.yml` or `.circleci`.
    func root(above path: String) -> String? {
        let folder = PathText.absolute(path + "/..")
        lock.lock()
        defer { lock.unlock() }
        if let known = byFolder[folder] { return known }
        var visited: [String] = []
        var directory = folder
        var found: String?
        while true {
            if let known = byFolder[directory] {
                found = known
                break
            }
            visited.append(directory)
            var status = stat()
            let prefix = directory == "/" ? "" : directory
            if [".github", ".git", ".gitlab-ci.yml", ".circleci"].contains(where: { stat(prefix + "/" + $0, &status) == 0 }) {
                found = directory
                break
            }
            guard directory != "/" else { break }
            directory = PathText.absolute(directory + "/..")
        }
        for folder in visited { byFolder[folder] = .some(found) }
        return found
    }
}
