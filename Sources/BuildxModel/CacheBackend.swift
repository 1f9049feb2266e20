/// A BuildKit cache backend, named as in `type=` (facts §1.3, §3). Raw values are case-sensitive:
/// buildx keeps the value's case, so `GHA` is no backend (facts §4.5 D5).
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
