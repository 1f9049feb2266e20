import Foundation

/// What a log says about the build an error belongs to: the cache it was importing or exporting, the
/// platforms the build command asked for, and the CI step it ran in. `Correlation` compares it with the
/// configuration before naming a line as the cause.
public struct LogEvidence: Sendable, Equatable {
    /// The GitHub Actions step, as its raw log opens it: `docker/build-push-action@v6` for
    /// `##[group]Run docker/build-push-action@v6`, or the first line of a `run:` script; or the script
    /// line a GitLab runner echoed before running it (`docker buildx build …` for `$ docker buildx build …`).
    public var step: String?
    /// The cache backend (`registry`, `gha`, `local`, `s3`, `azblob`) the failing BuildKit step used.
    public var cacheType: String?
    /// The cache ref or repository name the log names, as written (case kept).
    public var cacheRef: String?
    /// The platforms of the build command (`--platform linux/amd64,linux/arm64`), as written.
    public var platforms: [String]?

    public init(step: String? = nil, cacheType: String? = nil, cacheRef: String? = nil, platforms: [String]? = nil) {
        self.step = step
        self.cacheType = cacheType
        self.cacheRef = cacheRef
        self.platforms = platforms
    }

    /// Follows the log's context lines while it is scanned; only lines holding one of `fragments` (or an
    /// `importing cache manifest from` step) are handed to it, so it costs nothing on ordinary output.
    struct Tracker: Sendable {
        /// Context lines: a GitHub step's header, a GitLab script line's echo, BuildKit's cache export steps
        /// (whose names come from each exporter's `Name()` in `moby/buildkit cache/remotecache/*`), and the
        /// build command's platforms.
        static let fragments = ["##[group]run ", "$ ", "exporting cache to ", "exporting to github actions cache", "--platform"]

        private var step: String?
        private var platforms: [String]?
        /// Cache type and ref of each BuildKit progress step (`#12`) that imports or exports one.
        private var caches: [Substring: (type: String?, ref: String?)] = [:]

        mutating func read(_ text: String, progressStep: Substring?) {
            // A new GitHub step, or a GitLab script line (the runner prints each as `$ <line>` before running
            // it): what the previous one built says nothing about this one.
            for opening in ["Run ", "$ "] where text.hasPrefix(opening) {
                self = Tracker()
                step = String(text.dropFirst(opening.count)).trimmingWhitespace()
            }
            if let platforms = Self.platforms(in: text) { self.platforms = platforms }
            guard let progressStep, let cache = Self.cache(in: text) else { return }
            caches[progressStep] = cache
        }

        /// The evidence for an error line: the step and platforms so far, the cache of the line's own
        /// BuildKit step, and whatever the error text itself names.
        func evidence(for text: String, progressStep: Substring?) -> LogEvidence {
            var evidence = LogEvidence(step: step, platforms: platforms)
            if let progressStep, let cache = caches[progressStep] {
                evidence.cacheType = cache.type
                evidence.cacheRef = cache.ref
            }
            let lowered = text.lowercased()
            if evidence.cacheType == nil {
                // `failed to configure registry cache exporter: …` (`solver/llbsolver/bridge.go`, `solver.go`).
                evidence.cacheType = ["registry", "local", "gha", "s3", "azblob", "inline"].first {
                    lowered.containsText("\($0) cache export") || lowered.containsText("\($0) cache import")
                }
            }
            if evidence.cacheRef == nil, let name = Self.repositoryName(in: text) { evidence.cacheRef = name }
            return evidence
        }

        /// `importing cache manifest from <id>`: a registry ref, or `<type>:<digest>` for other backends
        /// (the cache manager id `cmID` in `solver/llbsolver/bridge.go`); `exporting cache to <name>`.
        private static func cache(in text: String) -> (type: String?, ref: String?)? {
            let lowered = text.lowercased()
            if let range = text.range(of: "importing cache manifest from ", options: .caseInsensitive) {
                let source = text[range.upperBound...].prefix { !$0.isWhitespace }
                if let colon = source.firstIndex(of: ":"), ["gha", "local", "s3", "azblob"].contains(source[..<colon].lowercased()) {
                    return (source[..<colon].lowercased(), nil)
                }
                return ("registry", source.isEmpty ? nil : String(source))
            }
            guard lowered.containsText("exporting cache to ") || lowered.containsText("exporting to github actions cache") else { return nil }
            let names = [("github actions", "gha"), ("registry", "registry"), ("client directory", "local"), ("s3", "s3"), ("azure", "azblob")]
            return names.first { lowered.containsText($0.0) }.map { ($0.1, nil) }
        }

        /// The value of `--platform` / `--platform=` in a printed build command.
        private static func platforms(in text: String) -> [String]? {
            guard let range = text.range(of: "--platform") else { return nil }
            var rest = text[range.upperBound...]
            guard let separator = rest.first, separator == "=" || separator == " " else { return nil }
            rest = rest.dropFirst().drop { $0 == " " }
            let value = rest.prefix { !$0.isWhitespace }.trimmingCharacters(in: ["\"", "'"])
            let platforms = value.split(separator: ",").map(String.init)
            return platforms.isEmpty ? nil : platforms
        }

        /// `repository name (Acme/app) must be lowercase` names the repository (`distribution/reference`
        /// `normalize.go` `ParseNormalizedNamed`).
        private static func repositoryName(in text: String) -> String? {
            guard let range = text.range(of: "repository name (", options: .caseInsensitive),
                let close = text[range.upperBound...].firstIndex(of: ")")
            else { return nil }
            return String(text[range.upperBound..<close])
        }
    }
}
