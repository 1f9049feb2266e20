import BuildxModel

/// Why a build ended up on the Docker Engine's own `docker` driver, in the user's terms, with the edit
/// that moves it to a BuildKit builder. Shared by the driver rules so they explain and fix it alike.
struct DockerDriverCause {
    private typealias Kind = DefaultBuilderReason

    private let kind: Kind
    private let build: BuildInvocation
    private let step: Step
    private let job: Job
    private let plan: BuildPlan

    init(build: BuildInvocation, step: Step, job: Job, plan: BuildPlan) {
        self.build = build
        self.step = step
        self.job = job
        self.plan = plan
        kind = DefaultBuilderReason(build: build, step: step, job: job, plan: plan)
    }

    private var place: String { job.place }

    /// What sets up a builder where this build runs.
    private var setupName: String {
        plan.kind.isGitHubActions ? "`docker/setup-buildx-action` step" : "`docker buildx create --use`"
    }

    var reason: String {
        switch kind {
        case .plainDockerBuild:
            "`docker build` builds on the Docker Engine's own builder whatever builder is current (only `docker buildx build` and `--builder` use another)"
        case .dockerDriverSetup(let creator):
            "the builder set up at line \(creator.span.start.line) uses the `docker` driver, which creates no BuildKit builder"
        case .unusedSetup(let setup):
            "the setup step at line \(setup.span.start.line) has `use: false` and this build sets no `builder:`"
        case .lateSetup(let setup):
            "the builder is set up at line \(setup.span.start.line), after this build"
        case .setupInOtherJob(let other, let setup):
            "the builder is set up in job `\(other.id)` (line \(setup.span.start.line)), but every job starts on a fresh runner with only the default builder"
        case .noSetup:
            "no \(setupName) runs before it in \(place)"
        case .installedEngine(let installer, let displaced):
            "the step at line \(installer.span.start.line) made that engine current, and with it its own `docker` driver"
                + (displaced.map { ", replacing the builder set up at line \($0.span.start.line)" } ?? "")
        }
    }

    var help: String {
        switch kind {
        case .plainDockerBuild: "write `docker buildx build` (it uses the current builder), or add `--builder <name>`"
        case .dockerDriverSetup(let creator):
            creator.action == nil
                ? "remove `--driver docker` from that command (the default driver is `docker-container`)"
                : "remove `driver: docker` from that step (its default driver is `docker-container`)"
        case .unusedSetup(let setup):
            "add `builder: ${{ steps.\(setup.id ?? "buildx").outputs.name }}` to this step"
                + (setup.id == nil ? " and `id: buildx` to the setup step" : "")
        case .lateSetup: "move the \(setupName) before this build"
        case .setupInOtherJob, .noSetup:
            plan.kind.isGitHubActions
                ? "add a `docker/setup-buildx-action` step before this build in \(place): it creates a `docker-container` builder and makes it current"
                : "run `docker buildx create --use` before this build in \(place): it creates a `docker-container` builder and makes it current"
        case .installedEngine(let installer, _):
            "add a `docker/setup-buildx-action` step after the engine is installed (line \(installer.span.start.line)) and before this build"
        }
    }

    /// The edit that puts the build on a BuildKit builder, made by the plan's editor in its file's
    /// syntax; with `emulating` platforms the runner cannot run natively, QEMU as well where it needs it.
    func fix(emulating platforms: [String] = []) -> Fix? {
        plan.editor.useBuildKitBuilder(BuilderRequest(build: build, step: step, job: job, reason: kind, platforms: platforms), in: plan)
    }

    /// The builder the build runs on, described with what is known about the job's engine.
    private func dockerDriver(_ verdict: DriverVerdict) -> String {
        switch verdict {
        case .mayFail: job.host == .caller || job.host.isGitHub ? "the runner's default `docker` driver" : "the Docker Engine's default `docker` driver"
        case .fails, .works: "the default `docker` driver with the classic image store (\(job.host.engineDescription))"
        }
    }

    /// The condition under which a `may` finding does not apply.
    private var containerdStoreCondition: String {
        job.host.isGitHub ? "unless the runner's Docker Engine uses the containerd image store" : "unless the Docker Engine uses the containerd image store"
    }

    /// The engine a step of the job installed, when the build runs on its own builder.
    private var installedEngine: (line: Int, setup: EngineSetup)? {
        guard case .installedEngine(let installer, _) = kind, case .installEngine(let engine)? = installer.builderChange else { return nil }
        return (installer.span.start.line, engine)
    }

    /// `dockerDriver(_:)`, naming the engine a step installed when the build runs on it.
    func driver(_ verdict: DriverVerdict) -> String {
        guard let (line, engine) = installedEngine else { return dockerDriver(verdict) }
        return "the `docker` driver of the Docker Engine installed at line \(line) (\(engine.storeReason(certain: verdict != .mayFail)))"
    }

    /// `containerdStoreCondition`, naming the engine a step installed when the build runs on it.
    var storeCondition: String {
        installedEngine == nil ? containerdStoreCondition : "unless that engine uses the containerd image store"
    }
}
