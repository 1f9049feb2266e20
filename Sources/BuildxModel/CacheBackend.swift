/// A BuildKit cache backend, named as in `type=` (the exporters and importers `moby/buildkit
/// cmd/buildkitd/main.go` registers). Raw values are case-sensitive: buildx lowercases keys but keeps the
/// value's case (`docker/buildx util/buildflags/cache.go`), so `GHA` is no backend.
public enum CacheBackend: String, Hashable, Sendable, CaseIterable {
    case inline
    case registry
    case local
    case gha
    case s3
    case azblob
}

/// Which flag a cache entry came from: `--cache-from` imports, `--cache-to` exports.
public enum CacheDirection: String, Hashable, Sendable, CaseIterable {
    case `import`
    case export

    /// The flag (and build-push-action input) that carries entries of this direction.
    public var flag: String {
        switch self {
        case .import: "cache-from"
        case .export: "cache-to"
        }
    }
}
