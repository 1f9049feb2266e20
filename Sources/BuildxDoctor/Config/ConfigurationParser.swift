import BuildxModel

/// Reads `.buildx-doctor.yml`. Every problem — invalid YAML, a key that does not exist, a value of the
/// wrong kind, an unknown rule id, a pattern that cannot be parsed — is an error at its line and
/// column: a setting that is silently ignored is worse than none.
public enum ConfigurationParser {
    /// The top-level keys, in the order docs/configuration.md documents them.
    public static let topLevelKeys = ["rules", "exclude", "overrides", "runners"]

    /// Parses `file`, whose patterns are matched relative to the folder `root` (absolute).
    /// Relative paths of checked files are taken from `baseDirectory`.
    public static func parse(_ file: SourceFile, root: String, baseDirectory: String = PathText.currentDirectory())
        throws(ConfigurationError) -> Configuration
    {
        let node: YAMLNode?
        do {
            node = try YAMLDocument.parse(file)
        } catch {
            throw ConfigurationError(path: file.path, at: error.location, "invalid YAML: \(error.message)")
        }
        let reader = Reader(path: file.path)
        guard let node, !(node.scalar?.isNull ?? false) else { return Configuration(path: file.path, root: root, baseDirectory: baseDirectory) }
        let mapping = try reader.mapping(node, "the configuration")
        try reader.checkKeys(mapping, allowed: topLevelKeys, in: "the configuration")
        var rules: [String: Configuration.RuleSetting] = [:]
        var exclude: [Glob] = []
        var overrides: [Configuration.Override] = []
        var runners: [RunnerFacts.Runner] = []
        for entry in mapping.entries {
            switch entry.key.value {
            case "rules": rules = try reader.ruleSettings(entry.value)
            case "exclude": exclude = try reader.globs(entry.value, "`exclude`")
            case "overrides": overrides = try reader.items(entry.value, "`overrides`").map(reader.override)
            case "runners": runners = try reader.items(entry.value, "`runners`").map(reader.runner)
            default: break
            }
        }
        return Configuration(
            path: file.path, root: root, rules: rules, exclude: exclude, overrides: overrides,
            runnerFacts: RunnerFacts(runners: runners), baseDirectory: baseDirectory)
    }
}

/// The typed reads of the parser; each names the key it reads in its errors.
private struct Reader {
    let path: String

    func error(_ node: YAMLNode, _ message: String) -> ConfigurationError {
        ConfigurationError(path: path, at: node.start, message)
    }

    func mapping(_ node: YAMLNode, _ what: String) throws(ConfigurationError) -> YAMLMapping {
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping of keys to values, not \(kind(of: node))") }
        return mapping
    }

    /// Rejects keys not in `allowed` (suggesting the nearest) and keys written twice.
    func checkKeys(_ mapping: YAMLMapping, allowed: [String], in what: String, noun: String = "key") throws(ConfigurationError) {
        var seen = Set<String>()
        for entry in mapping.entries {
            let key = entry.key.value
            guard allowed.contains(key) else {
                let suggestion = Suggestion.didYouMean(key, among: allowed)
                let list = noun == "key" ? " (allowed: \(allowed.map { "`\($0)`" }.joined(separator: ", ")))" : " (`buildx-doctor rules` lists them)"
                throw ConfigurationError(path: path, at: entry.key.start, "unknown \(noun) `\(key)` in \(what)\(suggestion)\(list)")
            }
            guard seen.insert(key).inserted else {
                throw ConfigurationError(path: path, at: entry.key.start, "`\(key)` is given twice in \(what)")
            }
        }
    }

    /// A sequence's items; a null value is an empty list.
    func items(_ node: YAMLNode, _ what: String) throws(ConfigurationError) -> [YAMLNode] {
        if let scalar = node.scalar, scalar.isNull { return [] }
        guard let sequence = node.sequence else { throw error(node, "\(what) must be a list, not \(kind(of: node))") }
        return sequence.items
    }

    /// One string or a list of strings.
    func strings(_ node: YAMLNode, _ what: String) throws(ConfigurationError) -> [(String, YAMLNode)] {
        if node.sequence == nil {
            return [(try string(node, what), node)]
        }
        var result: [(String, YAMLNode)] = []
        for item in try items(node, what) { result.append((try string(item, what), item)) }
        return result
    }

    func string(_ node: YAMLNode, _ what: String) throws(ConfigurationError) -> String {
        guard let value = node.string, !value.isEmpty else {
            throw error(node, "\(what) must be a non-empty string, not \(kind(of: node))")
        }
        return value
    }

    func globs(_ node: YAMLNode, _ what: String) throws(ConfigurationError) -> [Glob] {
        var globs: [Glob] = []
        for (text, item) in try strings(node, "each pattern of \(what)") {
            do {
                globs.append(try Glob(text))
            } catch {
                throw self.error(item, "invalid pattern `\(text)` in \(what): \(error.message)")
            }
        }
        return globs
    }

    func ruleSettings(_ node: YAMLNode) throws(ConfigurationError) -> [String: Configuration.RuleSetting] {
        if let scalar = node.scalar, scalar.isNull { return [:] }
        let mapping = try mapping(node, "`rules`")
        let known = RuleRegistry.descriptions.map(\.id)
        try checkKeys(mapping, allowed: known, in: "`rules`", noun: "rule")
        var settings: [String: Configuration.RuleSetting] = [:]
        for entry in mapping.entries {
            let value = entry.value.string ?? ""
            let setting: Configuration.RuleSetting
            switch value {
            case "off": setting = .off
            case "on": setting = .on
            case "error": setting = .severity(.error)
            case "warning": setting = .severity(.warning)
            case "info": setting = .severity(.info)
            default:
                throw error(
                    entry.value,
                    "`\(entry.key.value)` must be `off`, `on`, `error`, `warning` or `info`, not \(entry.value.string.map { "`\($0)`" } ?? kind(of: entry.value))"
                )
            }
            settings[entry.key.value] = setting
        }
        return settings
    }

    func override(_ node: YAMLNode) throws(ConfigurationError) -> Configuration.Override {
        let mapping = try mapping(node, "each item of `overrides`")
        try checkKeys(mapping, allowed: ["files", "rules"], in: "an item of `overrides`")
        guard let files = mapping["files"] else { throw error(node, "this item of `overrides` has no `files`") }
        guard let rules = mapping["rules"] else { throw error(node, "this item of `overrides` has no `rules`") }
        return Configuration.Override(files: try globs(files, "`files`"), rules: try ruleSettings(rules))
    }

    func runner(_ node: YAMLNode) throws(ConfigurationError) -> RunnerFacts.Runner {
        let mapping = try mapping(node, "each item of `runners`")
        try checkKeys(mapping, allowed: ["labels", "image-store", "docker-version"], in: "an item of `runners`")
        guard let labelsNode = mapping["labels"] else { throw error(node, "this item of `runners` has no `labels`") }
        let labels = try globs(labelsNode, "`labels`")
        var imageStore: ImageStore?
        if let store = mapping["image-store"] {
            switch store.string {
            case "containerd": imageStore = .containerd
            case "classic": imageStore = .classic
            default:
                throw error(store, "`image-store` must be `containerd` or `classic`, not \(store.string.map { "`\($0)`" } ?? kind(of: store))")
            }
        }
        var dockerVersion: SemanticVersion?
        if let version = mapping["docker-version"] {
            guard let text = version.string, !text.hasPrefix("v"), let parsed = SemanticVersion(parsing: text) else {
                throw error(
                    version,
                    "`docker-version` must be a Docker Engine version such as `29` or `28.5.1`, not \(version.string.map { "`\($0)`" } ?? kind(of: version))"
                )
            }
            dockerVersion = parsed
        }
        guard imageStore != nil || dockerVersion != nil else {
            throw error(node, "this item of `runners` states no fact: give `image-store` or `docker-version`")
        }
        return RunnerFacts.Runner(labels: labels, imageStore: imageStore, dockerVersion: dockerVersion)
    }

    private func kind(of node: YAMLNode) -> String {
        switch node {
        case .scalar(let scalar): scalar.isNull ? "an empty value" : "`\(scalar.value)`"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}
