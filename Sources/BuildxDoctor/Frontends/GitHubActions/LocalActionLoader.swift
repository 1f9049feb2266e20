import Foundation

/// Reads the composite actions a workflow runs with `uses: ./path`, so that a local action that sets up
/// buildx counts as a setup step. Paths are relative to the repository root, found as the folder that
/// holds `.github`.
public struct LocalActionLoader: Sendable {
    public let repositoryRoot: String?

    public init(repositoryRoot: String?) {
        self.repositoryRoot = repositoryRoot
    }

    /// The repository root for a file: the nearest ancestor folder with a `.github` folder in it.
    public init(forFileAt path: String) {
        var directory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL
        var root: String?
        for _ in 0..<32 {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(".github").path, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                root = directory.path
                break
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        self.init(repositoryRoot: root)
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
