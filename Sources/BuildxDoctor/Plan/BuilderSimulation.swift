import BuildxModel

/// Walks a job's steps in order and decides the builder every build runs on (docker/setup-buildx-action `src/main.ts`
/// makes the builder it creates current with `--use`; docker/build-push-action uses the current one).
///
/// A job starts on the runner's default builder, the Docker Engine's own BuildKit (`docker` driver).
/// A builder created and made current changes it for every later step; one created with `use: false`
/// is reachable only by name. A change guarded by `if:` applies only to later steps with the same
/// condition; for the rest the builder is unknown.
public enum BuilderSimulation {
    public static func run(_ steps: [Step], on host: RunnerHost) -> [Step] {
        guard let stores = host.possibleImageStores else {
            let reason = "a composite action builds on its caller's builder"
            return steps.map { $0.with(build: $0.build.map { decided($0, .unknown(reason: reason), buildxVersion: nil) }) }
        }
        let engineDrivers = stores.map(Driver.docker)
        let engineDefault = BuilderState.known(Builder(possibleDrivers: engineDrivers, origin: .runnerDefault))
        var current = engineDefault
        var createdByStepID: [String: BuilderState] = [:]
        var conditional: (condition: String, state: BuilderState)?
        var buildxVersion: WrittenText?

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
                    state = createdByStepID[id] ?? .unknown(reason: "the builder comes from step `\(id)`, which this plan cannot follow")
                case .other(let text, _):
                    state = .unknown(reason: "the build names the builder `\(text)`")
                case .engineDefault:
                    state = engineDefault
                }
                result = step.with(build: decided(build, state, buildxVersion: buildxVersion))
            }
            guard let change = step.builderChange else { return result }
            let created: BuilderState
            switch change {
            case .create(let setup):
                if let version = setup.buildxVersion { buildxVersion = version }
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
                created = name.flatMap { createdByStepID[$0] } ?? .unknown(reason: "the builder is switched to `\(name ?? "a variable")`, which this plan cannot follow")
            case .unknown(let reason):
                created = .unknown(reason: reason)
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

    private static func decided(_ build: BuildInvocation, _ state: BuilderState, buildxVersion: WrittenText?)
        -> BuildInvocation
    {
        var build = build
        build.builder = state
        build.buildxVersion = buildxVersion
        return build
    }
}
