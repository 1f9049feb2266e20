import Foundation

/// Reads the composite actions a workflow runs with `uses: ./path`, so that a local action that sets up
/// buildx counts as a setup step. Paths are relative to the repository root, found as the folder that
/// holds `.github`.
public struct LocalActionLoader: Sendable {
    private enum Root: Sendable {
        case folder(String?)
        /// Found only when a local action is met: most files have none, and the search touches the disk.
        case besideFile(String)
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
        root = .besideFile(path)
        self.maximumFileSize = maximumFileSize
    }

    /// The repository root: given, or the nearest ancestor folder of the file with a `.github` folder in it.
    var repositoryRoot: String? {
        switch root {
        case .folder(let folder): folder
        case .besideFile(let path): Self.repositoryRoot(above: path)
        }
    }

    private static func repositoryRoot(above path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var components = absolute.split(separator: "/").dropLast()
        while true {
            let directory = "/" + components.joined(separator: "/")
            var status = stat()
            let github = (directory == "/" ? "" : directory) + "/.github"
            if stat(github, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { return directory }
            guard !components.isEmpty else { return nil }
            components.removeLast()
        }
    }

    /// The action's metadata file, parsed, or `nil` when it cannot be found or read.
    func load(_ actionPath: String) -> (SourceFile, YAMLNode)? {
        guard let repositoryRoot else { return nil }
        let folder = URL(fileURLWithPath: repositoryRoot).appendingPathComponent(actionPath)
        for name in ["action.yml", "action.yaml"] {
            let path = folder.appendingPathComponent(name).path
            // The size is checked before reading; only regular files, since the path comes from the
            // workflow's text and a FIFO there must not hang the run.
            guard let file = try? RawFile.source(path, limit: maximumFileSize, kinds: .regularFilesOnly),
                let root = try? YAMLDocument.parse(file)
            else { continue }
            return (file, root)
        }
        return nil
    }
}
