/// The settings of one `.buildx-doctor.yml`: which rules run at which severity, which files are left
/// out, per-path overrides, and facts about the runners (docs/configuration.md documents every key).
///
/// Paths are matched relative to `root`, the folder the file is in. Rules never see this value: the
/// checker runs the rules a file's settings enable and adjusts their findings afterwards.
public struct Configuration: Sendable, Equatable {
    /// What the configuration does to a rule's findings.
    public enum RuleSetting: Sendable, Equatable {
        /// The rule does not run.
        case off
        /// The rule runs with its own severities.
        case on
        /// The rule runs and every finding gets this severity.
        case severity(Severity)
    }

    /// Rule settings for the files some patterns match (`overrides:`); later overrides win.
    public struct Override: Sendable, Equatable {
        public let files: [Glob]
        public let rules: [String: RuleSetting]

        public init(files: [Glob], rules: [String: RuleSetting]) {
            self.files = files
            self.rules = rules
        }
    }

    /// The file the settings came from (`nil` for settings made in code).
    public let path: String?
    /// The absolute folder relative to which patterns are matched.
    public let root: String
    public let rules: [String: RuleSetting]
    public let exclude: [Glob]
    public let overrides: [Override]
    public let runnerFacts: RunnerFacts
    /// The folder relative paths of checked files are taken from (the working directory when it was read).
    public let baseDirectory: String

    public init(
        path: String? = nil, root: String, rules: [String: RuleSetting] = [:], exclude: [Glob] = [], overrides: [Override] = [],
        runnerFacts: RunnerFacts = RunnerFacts(), baseDirectory: String = PathText.currentDirectory()
    ) {
        self.path = path
        self.root = root
        self.baseDirectory = baseDirectory
        self.rules = rules
        self.exclude = exclude
        self.overrides = overrides
        self.runnerFacts = runnerFacts
    }

    /// Whether a file found by searching a folder is left out (`exclude:`). Files outside `root` never are.
    public func excludes(_ path: String) -> Bool {
        guard let relative = relativePath(path) else { return false }
        return exclude.contains { $0.matches(path: relative) }
    }

    /// The setting of `rule` for the file at `path`: the last override whose patterns match, else `rules:`, else on.
    public func setting(of rule: String, forFileAt path: String) -> RuleSetting {
        let relative = relativePath(path)
        for override in overrides.reversed() {
            guard let relative, let setting = override.rules[rule], override.files.contains(where: { $0.matches(path: relative) })
            else { continue }
            return setting
        }
        return rules[rule] ?? .on
    }

    /// The path relative to `root`, or `nil` when the file is not below it.
    func relativePath(_ path: String) -> String? {
        PathText.relative(PathText.absolute(path, from: baseDirectory), to: root)
    }
}

/// A configuration file that cannot be used, with the position of the problem.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int
    public let message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    init(path: String, at location: Location, _ message: String) {
        self.init(path: path, line: location.line, column: location.column, message: message)
    }

    public var description: String { "\(path):\(line):\(column): \(message)" }
}
