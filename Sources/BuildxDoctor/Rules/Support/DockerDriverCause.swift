import BuildxModel

/// Why a build ended up on the Docker Engine's own `docker` driver, in the user's terms, with the edit
/// that moves it to a BuildKit builder. Shared by the driver rules so they explain it the same way.
struct DockerDriverCause {
    let reason: String
    let help: String

    init(build: BuildInvocation, step: Step, job: Job, plan: BuildPlan) {
        func line(_ step: Step) -> Int { step.span.start.line }
        let setupAdvice =
            "add a `docker/setup-buildx-action` step before this build in \(job.host == .caller ? "this action" : "job `\(job.id)`"): it creates a `docker-container` builder and makes it current"

        if case .step(let index)? = build.builder.builder?.origin, let creator = job.steps.first(where: { $0.index == index }) {
            reason = "the builder set up at line \(line(creator)) uses the `docker` driver, which creates no BuildKit builder"
            help = "remove `driver: docker` from that step (its default driver is `docker-container`)"
            return
        }
        let creators = job.steps.filter { $0.createsBuilder }
        if let hidden = creators.last(where: { $0.index < step.index && !$0.makesBuilderCurrent }) {
            let id = hidden.id ?? "buildx"
            reason = "the setup step at line \(line(hidden)) has `use: false` and this build sets no `builder:`"
            help = "add `builder: ${{ steps.\(id).outputs.name }}` to this step"
                + (hidden.id == nil ? " and `id: \(id)` to the setup step" : "")
            return
        }
        if let late = creators.first(where: { $0.index > step.index }) {
            reason = "the builder is set up at line \(line(late)), after this build"
            help = "move the `docker/setup-buildx-action` step before this build"
            return
        }
        if let other = plan.jobs.first(where: { $0.id != job.id && $0.steps.contains(where: \.createsBuilder) }),
            let setup = other.steps.first(where: \.createsBuilder)
        {
            reason = "the builder is set up in job `\(other.id)` (line \(line(setup))), but every job starts on a fresh runner with only the default builder"
            help = setupAdvice
            return
        }
        reason = "no `docker/setup-buildx-action` step runs before it in \(job.host == .caller ? "this action" : "job `\(job.id)`")"
        help = setupAdvice
    }

    /// The builder the build runs on, described with what is known about the runner's engine.
    static func dockerDriver(_ verdict: DriverVerdict) -> String {
        switch verdict {
        case .mayFail: "the runner's default `docker` driver"
        case .fails, .works:
            "the default `docker` driver with the classic image store (GitHub-hosted runners run Docker 28 without the containerd image store)"
        }
    }

    /// The condition under which a `may` finding does not apply.
    static let containerdStoreCondition = "unless the runner's Docker Engine uses the containerd image store"
}

extension Step {
    /// Whether the step creates a BuildKit builder other than the Docker Engine's own.
    var createsBuilder: Bool {
        guard case .create(let setup)? = builderChange, case .known(let created) = setup.driver else { return false }
        return created != nil
    }

    var makesBuilderCurrent: Bool {
        if case .create(let setup)? = builderChange { return setup.makesCurrent }
        return false
    }
}
