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

    public init(repositoryRoot: String?) {
        root = .folder(repositoryRoot)
    }

    /// Loads actions relative to the repository that holds the file at `path`.
    public init(forFileAt path: String) {
        root = .besideFile(path)
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
            guard let data = FileManager.default.contents(atPath: path), data.count < 1 << 20,
                let file = try? SourceFile(path: path, data: [UInt8](data)),
                let root = try? YAMLDocument.parse(file)
            else { continue }
            return (file, root)
        }
        return nil
    }
}
