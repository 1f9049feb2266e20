/// A `vMAJOR.MINOR.PATCH` version as buildx, BuildKit and the actions tag them; pre-release suffixes
/// are dropped (a release candidate has the features of its release).
public struct SemanticVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `v0.20.1`, `0.20`, `v0.35.0-rc1`; `nil` for `latest`, branches, digests and expressions.
    public init?(parsing text: String) {
        var body = Substring(text)
        if body.first == "v" { body = body.dropFirst() }
        body = body.prefix { $0 != "-" && $0 != "+" }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), let major = Int(parts[0]) else { return nil }
        let numbers = parts.dropFirst().map { Int($0) }
        guard numbers.allSatisfy({ $0 != nil }) else { return nil }
        self.init(major, numbers.first.flatMap { $0 } ?? 0, numbers.dropFirst().first.flatMap { $0 } ?? 0)
    }

    public var description: String { "v\(major).\(minor).\(patch)" }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}

/// Versions from which buildx and BuildKit behave differently, each with where it is documented.
public enum VersionFacts {
    /// buildx reads the GitHub cache service v2 environment (`docker/buildx build/opt.go` `addGithubToken`;
    /// https://docs.docker.com/build/ci/github-actions/cache/ lists "Docker Buildx >= v0.21.0").
    public static let buildxGitHubCacheV2 = SemanticVersion(0, 21, 0)
    /// BuildKit speaks the GitHub cache service v2 API (`url_v2` in `moby/buildkit cache/remotecache/gha/gha.go`;
    /// the same docs page lists "BuildKit >= v0.20.0").
    public static let buildkitGitHubCacheV2 = SemanticVersion(0, 20, 0)
    /// buildx vendors the BuildKit client that implements `reset=true` for local cache (`storesToReset` in
    /// `moby/buildkit client/solve.go`, BuildKit v0.31.0, first vendored by buildx v0.35.0).
    public static let buildxLocalCacheReset = SemanticVersion(0, 35, 0)
}
