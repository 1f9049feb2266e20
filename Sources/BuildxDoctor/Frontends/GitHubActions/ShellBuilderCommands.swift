import BuildxModel

/// Recognises shell commands that change which builder later steps use (a builder made
/// current with `--use` stays current for later `run:` and action steps alike: buildx records the current builder
/// per Docker context in `~/.docker/buildx`, see https://docs.docker.com/reference/cli/docker/buildx/use/).
enum ShellBuilderCommands {
    /// Commands after which the builder, or the Docker Engine behind it, cannot be known from the text.
    private static let untraceable = [
        "buildx use", "context use", "DOCKER_CONTEXT=", "DOCKER_HOST=", "BUILDX_BUILDER", "daemon.json",
        "containerd-snapshotter", "restart docker", "docker restart", "dockerd",
    ]

    static func change(in script: String) -> BuilderChange? {
        // Most scripts mention none of these; checking first saves splitting them into lines.
        let mentionsCreate = script.containsText("buildx create")
        guard mentionsCreate || untraceable.contains(where: script.containsText) else { return nil }
        let commands = logicalLines(script)
        if let line = commands.first(where: { line in untraceable.contains(where: line.containsText) }) {
            return .unknown(reason: "the command `\(line.trimmingWhitespace())` may change the builder or the Docker Engine")
        }
        guard mentionsCreate, let create = commands.last(where: { $0.containsText("buildx create") })
        else { return nil }
        let words = create.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let driver: Value<Driver?>
        switch driverArgument(words) {
        case nil: driver = .known(.dockerContainer)
        case "docker": driver = .known(nil)
        case let name? where name.contains("$"): driver = .unknown("given by a variable")
        case let name?: driver = Driver(name: name).map { .known($0) } ?? .unknown("`\(name)`")
        }
        return .create(BuilderSetup(driver: driver, makesCurrent: words.contains("--use")))
    }

    /// A `docker login ghcr.io` in the script; the job token is assumed when the script mentions it.
    static func registryLogin(in script: String) -> RegistryLogin? {
        guard script.containsText("docker login") else { return nil }
        let registry = script.containsText("ghcr.io") ? "ghcr.io" : nil
        return RegistryLogin(registry: registry, usesJobToken: JobToken.isMentioned(in: script))
    }

    /// Joins lines continued with a trailing backslash.
    private static func logicalLines(_ script: String) -> [String] {
        var lines: [String] = []
        var pending = ""
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            if text.hasSuffix("\r") { text.removeLast() }
            if text.hasSuffix("\\") {
                pending += text.dropLast() + " "
            } else {
                lines.append(pending + text)
                pending = ""
            }
        }
        if !pending.isEmpty { lines.append(pending) }
        return lines
    }

    private static func driverArgument(_ words: [String]) -> String? {
        for (index, word) in words.enumerated() {
            if word == "--driver", index + 1 < words.count { return words[index + 1] }
            if word.hasPrefix("--driver=") { return String(word.dropFirst("--driver=".count)) }
        }
        return nil
    }
}

