import Foundation

/// Finds the files to check: folders are searched for GitHub Actions workflows and action metadata
/// files; files named directly are taken as given.
public enum FileDiscovery {
    /// A file to check and whether the user named it (named files are classified by content).
    public struct Candidate: Sendable, Equatable {
        public let path: String
        public let isExplicit: Bool
    }

    /// Folders never searched: version control data and dependency trees.
    static let skippedFolders: Set<String> = [".git", "node_modules"]

    /// The candidates under `paths` in a stable order, and the paths that do not exist.
    public static func candidates(in paths: [String]) -> (candidates: [Candidate], missing: [InputError]) {
        var candidates: [Candidate] = []
        var missing: [InputError] = []
        for path in paths {
            // A plain stat: FileManager's existence check costs more than checking the file itself.
            var status = stat()
            guard stat(path, &status) == 0 else {
                missing.append(InputError(path: path, reason: .notFound))
                continue
            }
            if status.st_mode & S_IFMT == S_IFDIR {
                candidates += search(path).map { Candidate(path: $0, isExplicit: false) }
            } else {
                candidates.append(Candidate(path: path, isExplicit: true))
            }
        }
        return (candidates, missing)
    }

    /// Whether a path found by searching is one buildx-doctor reads.
    static func isCandidate(relativePath: String) -> Bool {
        let components = relativePath.split(separator: "/")
        guard let name = components.last else { return false }
        let isYAML = name.hasSuffix(".yml") || name.hasSuffix(".yaml")
        if name == "action.yml" || name == "action.yaml" { return true }
        // GitHub reads workflows only directly inside .github/workflows.
        return isYAML && components.count >= 3 && components[components.count - 2] == "workflows"
            && components[components.count - 3] == ".github"
    }

    private static func search(_ root: String) -> [String] {
        let rootURL = URL(fileURLWithPath: root)
        guard
            let enumerator = FileManager.default.enumerator(
                at: rootURL, includingPropertiesForKeys: [.isDirectoryKey, .isRegularFileKey], options: [])
        else { return [] }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let rootDepth = rootURL.standardizedFileURL.pathComponents.count
        var found: [String] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isRegularFileKey])
            if values?.isDirectory == true {
                if skippedFolders.contains(url.lastPathComponent) { enumerator.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true else { continue }
            let relative = url.standardizedFileURL.pathComponents.dropFirst(rootDepth).joined(separator: "/")
            if isCandidate(relativePath: relative) { found.append(prefix + relative) }
        }
        return found.sorted()
    }
}
