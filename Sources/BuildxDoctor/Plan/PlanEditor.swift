/// Edits to the file a plan was read from, made by the frontend that read it: only it knows the file's
/// syntax (a GitHub Actions step, a GitLab `script:` item, a recipe line). Rules say *what* should change
/// in the plan's terms and ask the plan's editor for the text; an editor returns `nil` wherever the
/// change has no place it can be sure of, and the finding then stays without a fix.
protocol PlanEditor: Sendable {
    /// An edit that makes `request.build` run on a BuildKit builder that can export cache, build several
    /// platforms and attach attestations, given why it runs on the Docker Engine's own builder today.
    func useBuildKitBuilder(_ request: BuilderRequest, in plan: BuildPlan) -> Fix?
    /// An edit that grants the job token `level` on `scope` in `permissions`.
    func grant(_ scope: String, level: String, in permissions: Permissions, of plan: BuildPlan) -> Fix?
    /// A step right after `step`, under the same condition, that replaces directory `target` by `source`
    /// (the documented rotation of a local cache: `rm -rf target; mv source target`).
    func replaceDirectory(_ target: String, with source: String, after step: Step, in plan: BuildPlan) -> TextEdit?
}

extension PlanEditor {
    func useBuildKitBuilder(_ request: BuilderRequest, in plan: BuildPlan) -> Fix? { nil }
    func grant(_ scope: String, level: String, in permissions: Permissions, of plan: BuildPlan) -> Fix? { nil }
    func replaceDirectory(_ target: String, with source: String, after step: Step, in plan: BuildPlan) -> TextEdit? { nil }
}

/// The editor of a plan whose frontend makes no edits: every finding there stays without a fix.
struct NoPlanEdits: PlanEditor {}

/// A build that runs on the Docker Engine's own `docker` driver, with why, for an editor to move it to a
/// BuildKit builder.
struct BuilderRequest {
    let build: BuildInvocation
    let step: Step
    let job: Job
    let reason: DefaultBuilderReason
    /// Platforms the build asks for; a runner that cannot run them natively also needs QEMU.
    let platforms: [String]
}

/// Why a build runs on the Docker Engine's own `docker` driver instead of a BuildKit builder.
enum DefaultBuilderReason {
    /// A setup step with the docker driver, which creates no BuildKit builder.
    case dockerDriverSetup(Step)
    /// A setup step with `use: false` that the build does not name.
    case unusedSetup(Step)
    /// A setup step after the build.
    case lateSetup(Step)
    /// A setup step in another job.
    case setupInOtherJob(Job, Step)
    case noSetup
    /// A step that installed a Docker Engine, whose own builder became current; with the setup step
    /// before it whose builder it displaced, if any.
    case installedEngine(Step, displaced: Step?)
    /// `docker build`, which uses the engine's own builder whatever builder is current.
    case plainDockerBuild

    init(build: BuildInvocation, step: Step, job: Job, plan: BuildPlan) {
        let creators = job.builderSetups
        if case .engineDefault = build.selection {
            self = .plainDockerBuild
        } else if case .installedEngine(let index)? = build.builder.builder?.origin, let installer = job.step(at: index) {
            self = .installedEngine(installer, displaced: creators.last { $0.index < index && $0.makesBuilderCurrent })
        } else if case .step(let index)? = build.builder.builder?.origin, let creator = job.step(at: index) {
            self = .dockerDriverSetup(creator)
        } else if let unused = creators.last(where: { $0.index < step.index && !$0.makesBuilderCurrent }) {
            self = .unusedSetup(unused)
        } else if let late = creators.first(where: { $0.index > step.index }) {
            self = .lateSetup(late)
        } else if let (other, setup) = plan.firstBuilderSetups.first(where: { $0.job.id != job.id }) {
            self = .setupInOtherJob(other, setup)
        } else {
            self = .noSetup
        }
    }
}
