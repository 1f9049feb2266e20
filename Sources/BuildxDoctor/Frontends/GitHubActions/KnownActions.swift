import BuildxModel

/// What the actions that matter to buildx do to a job's builder (docker/setup-buildx-action `src/main.ts`;
/// docker/build-push-action builds on whatever builder is current).
enum KnownActions {
    /// docker/build-push-action v2 and later run buildx; v1 ran the classic `docker build` (its
    /// `action.yml` at tag v1 runs the container image `docker/github-actions:v1`).
    static func isBuildPushAction(_ action: ActionReference) -> Bool {
        guard action.repository == "docker/build-push-action" else { return false }
        return action.majorVersion.map { $0 >= 2 } ?? true
    }

    /// The directories a cache action brings back: one per line of `path:`. actions/cache and its
    /// drop-in forks (`buildjet/cache`, `useblacksmith/cache`, …) are all named `<owner>/cache`.
    static func restoredPaths(of action: ActionReference, inputs: ActionInputs) -> [String] {
        guard let repository = action.repository, repository.hasSuffix("/cache"), let path = inputs.scalar("path")?.value
        else { return [] }
        if case .repository(_, _, let subpath?, _) = action.kind, subpath != "restore" { return [] }
        return path.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// docker/login-action's registry (Docker Hub by default) and whether it logs in with the job token.
    static func registryLogin(of action: ActionReference, inputs: ActionInputs) -> RegistryLogin? {
        guard action.repository == "docker/login-action" else { return nil }
        let registry = inputs.scalar("registry")?.value.trimmingWhitespace() ?? "docker.io"
        let password = inputs.scalar("password")?.value ?? ""
        return RegistryLogin(
            registry: Expression.occurs(in: registry) ? nil : registry.lowercased(),
            usesJobToken: JobToken.isMentioned(in: password))
    }

    /// Actions known to leave the builder alone although their names mention Docker.
    private static let builderNeutral: Set<String> = [
        "docker/login-action", "docker/metadata-action", "docker/setup-qemu-action", "docker/build-push-action",
        "docker/bake-action", "docker/scout-action", "docker/github-builder",
    ]

    /// Words in an action's name that suggest it may set up a builder or a Docker Engine.
    private static let builderWords = ["buildx", "buildkit", "builder", "docker", "depot"]

    static func builderChange(of action: ActionReference, inputs: ActionInputs) -> BuilderChange? {
        switch action.kind {
        case .local(let path):
            return .unknown(reason: "the local action `\(path)` may set up a builder")
        case .docker:
            return nil
        case .repository:
            guard let repository = action.repository else { return nil }
            if repository == "docker/setup-buildx-action" { return setupBuildx(inputs) }
            if EngineInstall.actions.contains(repository) { return .installEngine(EngineInstall.engine(inputs)) }
            if builderNeutral.contains(repository) || repository.hasPrefix("actions/") { return nil }
            if builderWords.contains(where: repository.containsText) {
                return .unknown(reason: "`\(action.text)` may set up a builder or a Docker Engine")
            }
            return nil
        }
    }

    /// setup-buildx-action creates a `docker-container` builder unless `driver:` says otherwise and makes
    /// it current unless `use: false` (docker/setup-buildx-action `action.yml`, `src/main.ts`). `driver: docker`
    /// creates nothing: the builder is the
    /// Docker Engine's own.
    private static func setupBuildx(_ inputs: ActionInputs) -> BuilderChange {
        let driverInput = inputs.scalar("driver")
        let driver: Value<Driver?>
        switch driverInput?.value {
        case nil, "": driver = .known(.dockerContainer)
        case "docker": driver = .known(nil)
        case let name? where Expression.occurs(in: name): driver = .unknown("given by an expression")
        case let name?: driver = Driver(name: name).map { .known($0) } ?? .unknown("`\(name)`")
        }
        let use = inputs.scalar("use")?.value
        if let use, Expression.occurs(in: use) {
            return .unknown(reason: "setup-buildx-action's `use:` is an expression")
        }
        return .create(
            BuilderSetup(
                driver: driver, makesCurrent: use.map { $0.lowercased() != "false" } ?? true,
                buildxVersion: inputs.written("version"),
                buildkitImage: buildkitImage(inputs)))
    }

    /// `image=…` among setup-buildx-action's `driver-opts` lines.
    private static func buildkitImage(_ inputs: ActionInputs) -> WrittenText? {
        guard let options = inputs.scalar("driver-opts"),
            let items = try? ActionInputList.split(options.value, ignoreComma: true, quotes: false),
            let image = items.first(where: { $0.text.hasPrefix("image=") })
        else { return nil }
        let prefix = "image=".utf8.count
        let range = (image.range.lowerBound + prefix)..<image.range.upperBound
        return WrittenText(text: String(image.text.dropFirst(6)), span: options.span(ofValue: range, in: inputs.file))
    }
}

/// The job's own `GITHUB_TOKEN`, however a workflow spells it.
enum JobToken {
    static func isMentioned(in text: String) -> Bool {
        text.containsText("secrets.GITHUB_TOKEN") || text.containsText("github.token") || text.containsText("$GITHUB_TOKEN")
    }
}
