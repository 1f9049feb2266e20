#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// The candidates under `paths` in a stable order, each file once, and the paths that could not be
    /// found or searched.
    ///
    /// A file reached twice — named twice, spelled `a.yml` and `./a.yml`, named and also found in a folder,
    /// or a hard link — is the same device and inode (stat(2)); only its first spelling is kept, so it is
    /// read and reported once. A path that exists and is not a folder is a candidate whatever it is, so a
    /// pipe (`<(cat build.yml)`, `/dev/stdin`) can be checked.
    public static func candidates(in paths: [String]) -> (candidates: [Candidate], errors: [InputError]) {
        var candidates: [Candidate] = []
        var errors: [InputError] = []
        var seen = Set<FileIdentity>()
        func add(_ path: String, isExplicit: Bool, identity: FileIdentity?) {
            if let identity, !seen.insert(identity).inserted { return }
            candidates.append(Candidate(path: path, isExplicit: isExplicit))
        }
        for path in paths {
            // A plain stat: FileManager's existence check costs more than checking the file itself.
            var status = stat()
            guard stat(path, &status) == 0 else {
                let reason: InputError.Reason = errno == ENOENT || errno == ENOTDIR ? .notFound : .unreadable(systemReason())
                errors.append(InputError(path: path, reason: reason))
                continue
            }
            if status.st_mode & S_IFMT == S_IFDIR {
                for found in search(path, errors: &errors) {
                    add(found, isExplicit: false, identity: FileIdentity(path: found))
                }
            } else {
                add(path, isExplicit: true, identity: FileIdentity(status))
            }
        }
        return (candidates, errors)
    }

    /// Whether a path found by searching is one buildx-doctor reads: some frontend claims it.
    static func isCandidate(relativePath: String) -> Bool {
        Frontends.claims(relativePath: relativePath)
    }

    /// The candidate files under `root`, sorted by path, with a POSIX opendir/readdir walk so that a
    /// folder that cannot be read is reported (in `errors`) instead of passed over. Symbolic links are
    /// not followed: GitHub reads workflows from the Git tree, where a link is not its target, and a
    /// linked folder could lead out of the repository or round in a loop.
    private static func search(_ root: String, errors: inout [InputError]) -> [String] {
        var found: [String] = []
        var folderErrors: [InputError] = []
        // The root's own name counts: `check .github` must find `.github/workflows/*.yml`.
        var pending: [(path: String, relative: String)] = [(root, root)]
        while let folder = pending.popLast() {
            let entries: [Entry]
            do {
                entries = try Self.entries(of: folder.path)
            } catch {
                folderErrors.append(InputError(path: folder.path, reason: .unreadable(error.reason)))
                continue
            }
            for entry in entries {
                let path = folder.path.hasSuffix("/") ? folder.path + entry.name : folder.path + "/" + entry.name
                let relative = folder.relative.isEmpty ? entry.name : folder.relative + "/" + entry.name
                switch entry.kind {
                case .folder where !skippedFolders.contains(entry.name): pending.append((path, relative))
                case .regularFile where isCandidate(relativePath: relative): found.append(path)
                default: break
                }
            }
        }
        errors += folderErrors.sorted { $0.path < $1.path }
        return found.sorted()
    }

    private struct Entry {
        enum Kind { case folder, regularFile, other }
        let name: String
        let kind: Kind
    }

    private struct ReadFailure: Error {
        let reason: String
    }

    /// The entries of one folder, read whole and closed before the walk goes deeper, so that one
    /// descriptor is open at a time however deep the tree is.
    private static func entries(of folder: String) throws(ReadFailure) -> [Entry] {
        guard let directory = opendir(folder) else { throw ReadFailure(reason: systemReason()) }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while true {
            // readdir(3) returns NULL both at the end and on error; only errno tells them apart.
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw ReadFailure(reason: systemReason()) }
                return entries
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries.append(Entry(name: name, kind: kind(type: entry.pointee.d_type, folder: folder, name: name)))
        }
    }

    private static func kind(type: UInt8, folder: String, name: String) -> Entry.Kind {
        switch Int32(type) {
        case Int32(DT_DIR): return .folder
        case Int32(DT_REG): return .regularFile
        case Int32(DT_UNKNOWN):
            // Some file systems leave d_type unset; lstat(2) answers without following a link.
            var status = stat()
            guard lstat(folder + "/" + name, &status) == 0 else { return .other }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: return .folder
            case S_IFREG: return .regularFile
            default: return .other
            }
        default: return .other
        }
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}

/// A file's device and inode: equal for every path that reaches the same file.
private struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.init(status)
    }
}
