import BuildxModel

/// What decides the image — and so the cache — a build makes, as written: its context, Dockerfile,
/// target, build arguments and platforms. Tags, labels, `push`, `load` and `outputs` only decide where
/// the result goes, so two builds that differ only there make the same image and the same cache.
public struct BuildIdentity: Sendable, Equatable {
    /// `context:` as written; `nil` for build-push-action's default, the Git context of the commit.
    public let context: String?
    /// `file:` as written; `nil` for `<context>/Dockerfile`.
    public let file: String?
    public let target: String?
    /// The `build-args` items as written.
    public let buildArgs: [String]
    /// The `platforms` items as written; empty for the builder's own platform.
    public let platforms: [String]

    public init(context: String? = nil, file: String? = nil, target: String? = nil, buildArgs: [String] = [], platforms: [String] = []) {
        self.context = context
        self.file = file
        self.target = target
        self.buildArgs = buildArgs
        self.platforms = platforms
    }

    /// The same build for another target.
    public func with(target: String?) -> BuildIdentity {
        BuildIdentity(context: context, file: file, target: target, buildArgs: buildArgs, platforms: platforms)
    }

    /// Whether two builds make the same image, field by field.
    public enum Comparison: Sendable, Equatable {
        case same
        case different
        /// An expression stands where the two differ, or where equal text may still mean different values.
        case unknown
    }

    /// Compares field by field. Equal text holding an expression counts as the same value only when
    /// `sameValue` says so (the two builds evaluate it in the same place, e.g. one job); `samePlatform`
    /// answers for two builds that both build for their builder's own platform.
    public func compared(
        with other: BuildIdentity, sameValue: (String) -> Bool, samePlatform: Comparison
    ) -> Comparison {
        var fields = [
            Self.compare(contextPath, other.contextPath, sameValue),
            Self.compare(filePath, other.filePath, sameValue),
            Self.compare(target ?? "", other.target ?? "", sameValue),
            Self.compare(buildArgs.sorted().joined(separator: "\n"), other.buildArgs.sorted().joined(separator: "\n"), sameValue),
        ]
        if platforms.isEmpty, other.platforms.isEmpty {
            fields.append(samePlatform)
        } else {
            let mine = platforms.map(Self.platform).sorted().joined(separator: ",")
            let theirs = other.platforms.map(Self.platform).sorted().joined(separator: ",")
            fields.append(Self.compare(mine, theirs, sameValue))
        }
        if fields.contains(.different) { return .different }
        return fields.contains(.unknown) ? .unknown : .same
    }

    /// Every field's text, for finding the expressions it holds.
    public var texts: [String] { [context ?? "", file ?? "", target ?? ""] + buildArgs + platforms }

    /// The context folder relative to the workspace: the Git context and `.` are both the repository.
    var contextPath: String {
        var path = context ?? "."
        if path.hasPrefix("{{defaultContext}}") {
            path = String(path.dropFirst("{{defaultContext}}".count))
            path = path.hasPrefix(":") ? String(path.dropFirst()) : "."
        }
        return Self.normalized(path)
    }

    /// The Dockerfile relative to the workspace (build-push-action resolves `file` there, not in the context).
    var filePath: String {
        guard let file else { return contextPath == "." ? "Dockerfile" : contextPath + "/Dockerfile" }
        return Self.normalized(file)
    }

    /// `./a/b/` and `a/b` alike; `.` for the workspace itself.
    static func normalized(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if path.hasPrefix("/") { parts.insert("", at: 0) }
        return parts.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : parts.joined(separator: "/")
    }

    /// `linux/arm64/v8` is `linux/arm64` (buildx normalizes platforms, containerd `platforms.Normalize`).
    static func platform(_ text: String) -> String {
        let lowered = text.lowercased()
        return lowered == "linux/arm64/v8" ? "linux/arm64" : lowered
    }

    private static func compare(_ a: String, _ b: String, _ sameValue: (String) -> Bool) -> Comparison {
        if a == b { return !Expression.occurs(in: a) || sameValue(a) ? .same : .unknown }
        return Expression.occurs(in: a) || Expression.occurs(in: b) ? .unknown : .different
    }
}
