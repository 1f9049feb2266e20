import BuildxModel

/// The Docker Engine that docker/setup-docker-action (and crazy-max/ghaction-setup-docker, the same
/// action under its earlier name) installs: its `version` (default `latest`, docker/setup-docker-action
/// `action.yml`) and its `daemon-config` decide the image store.
///
/// The store: `"containerd-snapshotter": true` or `false` in the `features` of `daemon-config` decides;
/// otherwise the version does, since Docker Engine 29 starts a fresh install — and this action always
/// starts the engine on a new data root — with the containerd image store, while earlier engines start
/// with the classic one (https://docs.docker.com/engine/storage/containerd/). An expression, or a
/// version this cannot read (`type=git,…`), leaves both stores possible. `set-host` and `context` do not
/// matter here: either way later Docker and buildx commands talk to the new engine (`DOCKER_HOST`, or
/// the context the action creates and switches to).
enum EngineInstall {
    static let actions: Set<String> = ["docker/setup-docker-action", "crazy-max/ghaction-setup-docker"]

    static func engine(_ inputs: ActionInputs) -> EngineSetup {
        if let setting = snapshotterSetting(inputs.scalar("daemon-config")?.value) {
            let stores: [ImageStore] = setting.known.map { $0 ? [.containerd] : [.classic] } ?? ImageStore.allCases
            return EngineSetup(possibleImageStores: stores, storeSource: .daemonConfig(setting))
        }
        let version = inputs.scalar("version")?.value.trimmingWhitespace() ?? ""
        switch major(of: version) {
        case nil:
            return EngineSetup(possibleImageStores: ImageStore.allCases, storeSource: .version(version, major: nil))
        case .some(let major?) where major < EngineSetup.firstMajorWithContainerdStore:
            return EngineSetup(possibleImageStores: [.classic], storeSource: .version(version, major: major))
        case .some(let major):
            return EngineSetup(possibleImageStores: [.containerd], storeSource: .version(version, major: major))
        }
    }

    /// The engine's major version: `.some(nil)` for the newest release (`latest`, the default), `nil`
    /// when the text cannot be read. Accepts `v28.5.2`, `28.5.2`, and the `type=image,tag=…` and
    /// `type=archive,version=…` forms.
    static func major(of version: String) -> Int?? {
        if Expression.occurs(in: version) { return nil }
        var text = version
        if text.hasPrefix("type=") {
            let fields = text.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
            let type = fields.first?.last ?? ""
            let key = type == "image" ? "tag" : type == "archive" ? "version" : nil
            guard let key else { return nil }
            text = fields.first { $0.first == key && $0.count == 2 }?.last ?? "latest"
        }
        if text.isEmpty || text == "latest" { return .some(nil) }
        return SemanticVersion(parsing: text).map { .some($0.major) }
    }

    /// The `containerd-snapshotter` feature in a `daemon-config` JSON text: `nil` when it is not set,
    /// unknown when an expression stands where its value would be.
    static func snapshotterSetting(_ config: String?) -> Value<Bool>? {
        guard let config, let key = config.range(of: "\"containerd-snapshotter\"") else { return nil }
        var rest = config[key.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if rest.hasPrefix("true") { return .known(true) }
        if rest.hasPrefix("false") { return .known(false) }
        return rest.hasPrefix("${{") ? .unknown("an expression") : nil
    }
}
