/// Reads GitLab CI pipelines (`.gitlab-ci.yml` and the local files it includes): every job's
/// `before_script`, `script` and `after_script`, after `default:`, `extends:` and `!reference` are applied
/// as GitLab applies them (https://docs.gitlab.com/ci/yaml/), and the Docker Engine the job talks to
/// (a `docker:N-dind` service).
struct GitLabCIFrontend: Frontend {
    /// Top-level keys that are settings, not jobs (https://docs.gitlab.com/ci/yaml/#global-keywords).
    static let globalKeywords: Set<String> = [
        "default", "include", "stages", "variables", "workflow", "image", "services", "before_script", "after_script",
        "cache", "spec",
    ]

    /// Whether a file found by searching is a GitLab pipeline by its name.
    func claims(relativePath: String) -> Bool {
        let name = relativePath.split(separator: "/").last ?? ""
        return name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml"
    }

    /// Whether a YAML document is a GitLab pipeline by its content: a job with `script` (or a template
    /// extended by one) at the top level, and nothing of GitHub Actions or CircleCI.
    static func isPipeline(_ root: YAMLNode?) -> Bool {
        guard let mapping = root?.mapping, mapping["jobs"] == nil, mapping["on"] == nil, mapping["version"] == nil else { return false }
        return mapping.entries.contains { entry in
            guard !globalKeywords.contains(entry.key.value), let job = entry.value.mapping else { return false }
            return job["script"] != nil || job["extends"] != nil || job["trigger"] != nil
        }
    }

    func plan(_ input: FrontendInput) -> BuildPlan? {
        let isNamedAsPipeline = claims(relativePath: input.file.path)
        guard isNamedAsPipeline || Self.isPipeline(input.yaml), let top = input.yaml?.mapping else { return nil }
        let file = input.file
        let pipeline = Pipeline(top: top, included: Self.includedMappings(top, loader: input.repository))
        let reader = CommandJobReader(file: file, loader: input.repository)
        let names = pipeline.jobNames
        let jobs = names.compactMap { name in pipeline.job(named: name, reader: reader) }
        let editor = CommandEditor(
            layout: .gitlabItems(names.flatMap(pipeline.scripts(ofJob:))), tlsJobs: Set(names.filter(pipeline.reachesEngineOverTLS)))
        return BuildPlan(file: file, kind: .gitlabCI, jobs: jobs, editor: editor)
    }

    /// The top-level mappings of `include: local` files (read once each; other kinds cannot be read here).
    private static func includedMappings(_ top: YAMLMapping, loader: RepositoryFileLoader) -> [YAMLMapping] {
        includes(top["include"]).compactMap { include in
            guard case .local(let path) = include, let (_, root) = loader.loadYAML(path) else { return nil }
            return root.mapping
        }
    }

    enum Include {
        case local(String)
        /// `remote`, `template`, `project` or `component`: configuration this check cannot read.
        case elsewhere
    }

    static func includes(_ node: YAMLNode?) -> [Include] {
        func one(_ item: YAMLNode) -> Include? {
            if let text = item.string {
                return text.hasPrefix("http://") || text.hasPrefix("https://") ? .elsewhere : .local(text)
            }
            guard let mapping = item.mapping else { return nil }
            if let local = mapping["local"]?.string { return .local(local) }
            return .elsewhere
        }
        switch node {
        case .sequence(let sequence)?: return sequence.items.compactMap(one)
        case let item?: return one(item).map { [$0] } ?? []
        case nil: return []
        }
    }
}

/// A pipeline's top level with its local includes: the definitions `extends:` and `!reference` look up.
private struct Pipeline {
    let top: YAMLMapping
    /// Definitions by name; the main file's win over included ones (GitLab merges includes first).
    let definitions: [String: YAMLMapping]
    let hasUnreadableIncludes: Bool

    init(top: YAMLMapping, included: [YAMLMapping]) {
        self.top = top
        var definitions: [String: YAMLMapping] = [:]
        for mapping in included + [top] {
            for entry in mapping.entries {
                if let value = entry.value.mapping { definitions[entry.key.value] = value }
            }
        }
        self.definitions = definitions
        self.hasUnreadableIncludes = GitLabCIFrontend.includes(top["include"]).contains {
            if case .elsewhere = $0 { return true }
            return false
        }
    }

    /// Jobs of the main file, in order: top-level keys that are not keywords and not hidden (`.name`).
    var jobNames: [String] {
        top.entries.compactMap { entry in
            let name = entry.key.value
            guard !GitLabCIFrontend.globalKeywords.contains(name), !name.hasPrefix("."), entry.value.mapping != nil else { return nil }
            return name
        }
    }

    /// A job's effective keys: what it `extends` (in order, later winning, each resolved the same
    /// way, at most 11 levels as GitLab allows), overridden by its own keys; hashes merge deeply.
    func effectiveKeys(of name: String, depth: Int = 0) -> [String: YAMLNode] {
        guard depth <= 11, let job = definitions[name] else { return [:] }
        var keys: [String: YAMLNode] = [:]
        for parent in extendedNames(job["extends"]) {
            keys = Self.merged(keys, effectiveKeys(of: parent, depth: depth + 1))
        }
        var own: [String: YAMLNode] = [:]
        for entry in job.entries where entry.key.value != "extends" { own[entry.key.value] = entry.value }
        return Self.merged(keys, own)
    }

    private func extendedNames(_ node: YAMLNode?) -> [String] {
        switch node {
        case .scalar(let scalar)?: [scalar.value]
        case .sequence(let sequence)?: sequence.items.compactMap(\.string)
        default: []
        }
    }

    /// `extends` merges hashes key by key and replaces everything else.
    private static func merged(_ base: [String: YAMLNode], _ override: [String: YAMLNode]) -> [String: YAMLNode] {
        var result = base
        for (key, value) in override {
            if let old = result[key]?.mapping, let new = value.mapping {
                var entries: [String: YAMLMapping.Entry] = [:]
                var order: [String] = []
                for entry in old.entries + new.entries {
                    if entries[entry.key.value] == nil { order.append(entry.key.value) }
                    entries[entry.key.value] = entry
                }
                result[key] = .mapping(
                    YAMLMapping(entries: order.compactMap { entries[$0] }, start: new.start, end: new.end, isFlow: new.isFlow))
            } else {
                result[key] = value
            }
        }
        return result
    }

    func job(named name: String, reader: CommandJobReader) -> Job? {
        let file = reader.file
        guard let entry = top.entry(name) else { return nil }
        let keys = effectiveKeys(of: name)
        let host = engine(image: setting("image", of: keys), services: setting("services", of: keys), variables: variables(keys["variables"]))
        return reader.job(
            id: name, span: entry.key.valueSpan(in: file), host: host, place: "job `\(name)`",
            pieces: scripts(of: keys).map(CommandJobReader.Piece.script), variables: jobVariables(keys),
            unknownBuilderReason: hasUnreadableIncludes ? "the pipeline includes configuration that is not in this repository" : nil)
    }

    /// The command lines of a job's scripts, in the order they run.
    func scripts(ofJob name: String) -> [YAMLScalar] { scripts(of: effectiveKeys(of: name)) }

    /// Whether the job's Docker CLI reaches its engine over TCP with TLS taken from the environment. With the
    /// `docker:dind` service TLS is the default since Docker 19.03.12 (https://docs.gitlab.com/ci/docker/using_docker_build/,
    /// "Docker-in-Docker with TLS enabled": the `docker` images' `DOCKER_TLS_CERTDIR`, described at
    /// https://hub.docker.com/_/docker/#tls); `DOCKER_TLS_CERTDIR: ""` or a `:2375` `DOCKER_HOST` turns it off.
    func reachesEngineOverTLS(_ name: String) -> Bool {
        let keys = effectiveKeys(of: name)
        let variables = jobVariables(keys)
        if let host = variables["DOCKER_HOST"] { return host.hasSuffix(":2376") || variables["DOCKER_TLS_VERIFY"].map { !$0.isEmpty } == true }
        if let certificates = variables["DOCKER_TLS_CERTDIR"] { return !certificates.isEmpty }
        if case .dockerInDocker = engine(image: setting("image", of: keys), services: setting("services", of: keys), variables: variables) { return true }
        return false
    }

    /// A job setting: its own (or inherited by `extends`), else `default:`'s unless the job opts out, else the top level's.
    private func setting(_ key: String, of keys: [String: YAMLNode]) -> YAMLNode? {
        let inheritsDefaults = keys["inherit"]?.mapping?["default"]?.string != "false"
        return keys[key] ?? (inheritsDefaults ? top["default"]?.mapping?[key] : nil) ?? top[key]
    }

    private func scripts(of keys: [String: YAMLNode]) -> [YAMLScalar] {
        ["before_script", "script", "after_script"].flatMap { scriptLines(setting($0, of: keys)) }
    }

    /// The pipeline's variables with the job's own over them.
    private func jobVariables(_ keys: [String: YAMLNode]) -> [String: String] {
        variables(top["variables"]).merging(variables(keys["variables"])) { $1 }
    }

    /// A script as a list of lines, one string, or lists nested by `!reference` (resolved here).
    private func scriptLines(_ node: YAMLNode?, depth: Int = 0) -> [YAMLScalar] {
        guard depth <= 10, let node else { return [] }
        switch node {
        case .scalar(let scalar): return scalar.isNull ? [] : [scalar]
        case .sequence(let sequence) where sequence.tag == "!reference":
            return scriptLines(reference(sequence.items.compactMap(\.string)), depth: depth + 1)
        case .sequence(let sequence): return sequence.items.flatMap { scriptLines($0, depth: depth + 1) }
        case .mapping: return []
        }
    }

    /// `!reference [.job, key, …]`: the node at that path of a definition.
    private func reference(_ path: [String]) -> YAMLNode? {
        guard let first = path.first, let mapping = definitions[first] else { return nil }
        var node: YAMLNode? = .mapping(mapping)
        for key in path.dropFirst() { node = node?.mapping?[key] }
        return node
    }

    private func variables(_ node: YAMLNode?) -> [String: String] {
        var result: [String: String] = [:]
        for entry in node?.mapping?.entries ?? [] {
            // `VAR: value` or `VAR: {value: …, description: …}`.
            if let text = entry.value.string ?? entry.value.mapping?["value"]?.string { result[entry.key.value] = text }
        }
        return result
    }

    /// The engine behind the job's Docker CLI: a `docker:…dind` service, or a runner this file does not show.
    private func engine(image: YAMLNode?, services: YAMLNode?, variables: [String: String]) -> RunnerHost {
        let names = (services?.sequence?.items ?? []).compactMap { $0.string ?? $0.mapping?["name"]?.string }
        if let dind = names.first(where: { $0.contains("dind") }) {
            return .dockerInDocker(image: dind, majorVersion: DockerImageVersion.major(ofImage: dind))
        }
        return .selfHosted(label: "the GitLab runner")
    }
}

/// The Docker Engine major version a `docker:` image tag names (`docker:24.0.5-dind` → 24), or `nil`
/// for floating tags (`docker:dind`, `docker:latest`, `docker:stable-dind`) and variables.
enum DockerImageVersion {
    static func major(ofImage image: String) -> Int? {
        guard let colon = image.lastIndex(of: ":") else { return nil }
        let tag = image[image.index(after: colon)...]
        let digits = tag.prefix { $0.isNumber }
        guard !digits.isEmpty, let major = Int(digits) else { return nil }
        return major
    }
}
