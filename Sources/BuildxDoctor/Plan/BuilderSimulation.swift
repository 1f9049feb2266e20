import BuildxModel

/// Walks a job's steps in order and decides the builder every build runs on (docker/setup-buildx-action `src/main.ts`
/// makes the builder it creates current with `--use`; docker/build-push-action uses the current one).
///
/// A job starts on the runner's default builder, the Docker Engine's own BuildKit (`docker` driver).
/// A builder created and made current changes it for every later step; one created with `use: false`
/// is reachable only by name. A change guarded by `if:` applies only to later steps with the same
/// condition; for the rest the builder is unknown.
///
/// A step that installs a Docker Engine (docker/setup-docker-action) replaces the job's engine: later
/// `docker` driver builders are that engine's, and its own BuildKit becomes the current builder (the
/// CLI switches to the new engine's context, where no other builder was made current). A step that
/// changes the builder in a way the plan cannot follow may also have changed the engine (a `daemon.json`
/// edit), so after it the engine's image store is no longer taken as known.
///
/// On this machine, read live (`RunnerHost.thisMachine`), the job starts on the machine's selected builder
/// with its real driver, and a builder named by `--builder`, `builder:` or `docker buildx use` that no step
/// created is looked up among the machine's builders.
public enum BuilderSimulation {
    public static func run(_ steps: [Step], on host: RunnerHost) -> [Step] {
        guard let stores = host.possibleImageStores else {
            let reason = "a composite action builds on its caller's builder"
            return steps.map {
                $0.with(build: $0.build.map { decided($0, .unknown(reason: reason), buildxVersion: nil, liveBuildx: nil, engineStores: nil) })
            }
        }
        var engineStores = stores
        var engineDrivers: [Driver] { engineStores.map(Driver.docker) }
        var machine: LiveMachine?
        if case .thisMachine(let live, _) = host { machine = live }
        /// One of the machine's builders by name, with its real driver.
        func live(_ name: String) -> BuilderState? {
            guard let machine, let builder = machine.builder(named: name) else { return nil }
            guard let driver = builder.driver(engineStore: machine.engineStore) else {
                guard builder.driverName == "docker" else {
                    return .unknown(reason: "builder `\(name)` on this machine uses the `\(builder.driverName)` driver, whose abilities are not known")
                }
                return .known(Builder(possibleDrivers: engineDrivers, origin: .runnerDefault, liveName: name))
            }
            return .known(Builder(possibleDrivers: [driver], origin: .runnerDefault, liveName: name, liveBuildKitVersion: builder.buildkitVersion))
        }
        let engineOwn = BuilderState.known(Builder(possibleDrivers: engineDrivers, origin: .runnerDefault))
        var current = machine.flatMap { live($0.selected) } ?? engineOwn
        // What `docker build` uses whatever is current: the engine's own builder (on this machine, the
        // `docker` driver builder of the default context, named `default`).
        var engineDefault = machine?.builder(named: "default")?.driverName == "docker" ? live("default") ?? engineOwn : engineOwn
        var createdByStepID: [String: BuilderState] = [:]
        var conditional: (condition: String, state: BuilderState)?
        var buildxVersion: WrittenText?
        var liveBuildx = machine?.buildxRelease

        return steps.map { step in
            var result = step
            if let build = step.build {
                var state: BuilderState
                switch build.selection {
                case .current:
                    state = current
                    if let conditional, case .unknown = current, conditional.condition == step.condition {
                        state = conditional.state
                    }
                case .createdByStep(let id, _):
                    state = createdByStepID[id] ?? live(id) ?? .unknown(reason: "the builder comes from step `\(id)`, which this plan cannot follow")
                case .other(let text, _):
                    state = live(text) ?? .unknown(reason: "the build names the builder `\(text)`")
                case .engineDefault:
                    state = engineDefault
                }
                result = step.with(build: decided(build, state, buildxVersion: buildxVersion, liveBuildx: liveBuildx, engineStores: engineStores))
            }
            guard let change = step.builderChange else { return result }
            let created: BuilderState
            switch change {
            case .installEngine(let engine):
                // The action merges the runner's own `/etc/docker/daemon.json` into the new engine's
                // configuration (`docker/actions-toolkit src/docker/install.ts`): only on GitHub-hosted
                // runners is it known to leave the image store to the version.
                var installed = engine.possibleImageStores
                if case .version = engine.storeSource, !host.isGitHubHosted { installed = ImageStore.allCases }
                // Under `if:` the old engine may still be the one in use.
                engineStores = step.condition == nil ? installed : Self.union(engineStores, installed)
                created = .known(
                    Builder(possibleDrivers: installed.map(Driver.docker), origin: .installedEngine(stepIndex: step.index)))
                engineDefault = step.condition == nil ? created : .unknown(reason: "the engine is replaced only when `\(step.condition!)`")
            case .create(let setup):
                if let version = setup.buildxVersion {
                    buildxVersion = version
                    liveBuildx = nil
                }
                switch setup.driver {
                case .known(let driver):
                    let drivers = driver.map { [$0] } ?? engineDrivers
                    created = .known(
                        Builder(possibleDrivers: drivers, origin: .step(index: step.index), buildkitImage: setup.buildkitImage))
                case .unknown(let why):
                    created = .unknown(reason: "the builder's driver is \(why)")
                }
                if let id = step.id { createdByStepID[id] = created }
                guard setup.makesCurrent else { return result }
            case .use(let name):
                created = name.flatMap { createdByStepID[$0] ?? live($0) } ?? .unknown(reason: "the builder is switched to `\(name ?? "a variable")`, which this plan cannot follow")
            case .unknown(let reason):
                created = .unknown(reason: reason)
                engineStores = ImageStore.allCases
                engineDefault = .known(Builder(possibleDrivers: engineDrivers, origin: .runnerDefault))
            }
            if let condition = step.condition {
                conditional = (condition, created)
                current = .unknown(reason: "the builder is changed only when `\(condition)`")
            } else {
                conditional = nil
                current = created
            }
            return result
        }
    }

    private static func decided(
        _ build: BuildInvocation, _ state: BuilderState, buildxVersion: WrittenText?, liveBuildx: SemanticVersion?,
        engineStores: [ImageStore]?
    ) -> BuildInvocation {
        var build = build
        build.builder = state
        build.buildxVersion = buildxVersion
        build.liveBuildxVersion = liveBuildx
        build.engineStores = engineStores
        return build
    }

    /// Both lists' stores, in `ImageStore`'s order.
    private static func union(_ a: [ImageStore], _ b: [ImageStore]) -> [ImageStore] {
        ImageStore.allCases.filter { a.contains($0) || b.contains($0) }
    }
}

extension RunnerHost {
    /// Whether the job runs on a GitHub-hosted runner, whose Docker setup is known.
    var isGitHubHosted: Bool {
        if case .githubHosted = self { return true }
        return false
    }
}
