import BuildxModel

/// Why a build ended up on the Docker Engine's own `docker` driver, in the user's terms, with the edit
/// that moves it to a BuildKit builder. Shared by the driver rules so they explain and fix it alike.
struct DockerDriverCause {
    private enum Kind {
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
    }

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
        let creators = job.builderSetups
        if case .engineDefault = build.selection {
            kind = .plainDockerBuild
        } else if case .installedEngine(let index)? = build.builder.builder?.origin, let installer = job.step(at: index) {
            kind = .installedEngine(installer, displaced: creators.last { $0.index < index && $0.makesBuilderCurrent })
        } else if case .step(let index)? = build.builder.builder?.origin, let creator = job.step(at: index) {
            kind = .dockerDriverSetup(creator)
        } else if let unused = creators.last(where: { $0.index < step.index && !$0.makesBuilderCurrent }) {
            kind = .unusedSetup(unused)
        } else if let late = creators.first(where: { $0.index > step.index }) {
            kind = .lateSetup(late)
        } else if let (other, setup) = plan.firstBuilderSetups.first(where: { $0.job.id != job.id }) {
            kind = .setupInOtherJob(other, setup)
        } else {
            kind = .noSetup
        }
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

    /// The edit that puts the build on a `docker-container` builder; with `emulating` platforms the runner
    /// cannot run natively, also a `docker/setup-qemu-action` step when the job has none.
    func fix(emulating platforms: [String] = []) -> Fix? {
        // Steps can be added only to GitHub Actions files; elsewhere the place for a command is not clear.
        guard plan.kind.isGitHubActions else { return nil }
        let file = plan.file
        switch kind {
        case .plainDockerBuild:
            // A setup step would not change the builder `docker build` uses.
            return nil
        case .dockerDriverSetup(let creator):
            guard let driver = creator.inputs.first(where: { $0.text == "driver" }), !creator.inputsInFlowStyle else { return nil }
            var lines = driver.span.start.line...driver.span.start.line
            if creator.inputs.count == 1, let with = creator.inputsKey { lines = with.start.line...driver.span.start.line }
            return Fix(summary: "remove `driver: docker` from the setup step", edits: [file.removal(ofLines: lines)])
        case .unusedSetup(let setup):
            return addBuilderInput(naming: setup)
        case .lateSetup(let setup):
            guard let target = file.sequenceItem(of: step)?.firstLine,
                let item = file.sequenceItem(of: setup)
            else { return nil }
            return Fix(
                summary: "move the `docker/setup-buildx-action` step before the build",
                edits: [
                    .insert(file.text(ofLines: item.firstLine...item.lastLine), at: file.startOffset(ofLine: target)),
                    file.removal(ofLines: item.firstLine...item.lastLine),
                ])
        case .setupInOtherJob, .noSetup, .installedEngine:
            let first = firstNeedingStep
            guard let item = file.sequenceItem(of: first) else { return nil }
            let needsQEMU =
                platforms.contains(where: Self.needsEmulation)
                && !(job.firstQEMUSetupIndex.map { $0 < first.index } ?? false)
            var text = ""
            if needsQEMU { text += newStep("docker/setup-qemu-action", name: "Set up QEMU", dashColumn: item.dashColumn) }
            text += newStep("docker/setup-buildx-action", name: "Set up Docker Buildx", dashColumn: item.dashColumn)
            return Fix(
                summary: "add \(needsQEMU ? "`docker/setup-qemu-action` and " : "")`docker/setup-buildx-action` before the build",
                edits: [.insert(text, at: file.startOffset(ofLine: item.firstLine))])
        }
    }

    /// The first build of the job that runs on the engine's default builder: one setup step before it
    /// serves every later build too (after an engine install, only the builds after that install).
    private var firstNeedingStep: Step {
        if case .installedEngine(let installer, _) = kind {
            return job.steps.first { later in
                guard later.index > installer.index, case .installedEngine(installer.index)? = later.build?.builder.builder?.origin
                else { return false }
                return true
            } ?? step
        }
        return job.firstBuildOnRunnerDefault ?? step
    }

    private func addBuilderInput(naming setup: Step) -> Fix? {
        let file = plan.file
        guard let firstInput = step.inputs.first, firstInput.span.start.line > (step.inputsKey?.start.line ?? 0),
            !step.inputsInFlowStyle
        else { return nil }
        let id = setup.id ?? "buildx"
        var edits = [
            TextEdit.insert(
                file.lines(["builder: ${{ steps.\(id).outputs.name }}"], indent: firstInput.span.start.column - 1),
                at: file.startOffset(ofLine: firstInput.span.start.line))
        ]
        if setup.id == nil {
            // The setup step's first key must be alone on its line for an `id:` line to follow it.
            guard let item = file.sequenceItem(of: setup), setup.action?.span.start.line == item.firstLine
            else { return nil }
            edits.append(file.insertion(file.lines(["id: \(id)"], indent: setup.span.start.column - 1), afterLine: item.firstLine))
        }
        return Fix(summary: "name the setup step's builder in `builder:`", edits: edits)
    }

    /// A new step in the style of the build step: same indentation and quoting, a `name:` when the
    /// build step has one, and the pinning style the file uses for docker/* actions.
    private func newStep(_ action: String, name: String, dashColumn: Int) -> String {
        let file = plan.file
        // The CI step the build is written in sets the style (a command's is its `run:` step).
        let neighbour = step.enclosing ?? step
        // A quoted `uses:` value's span starts at its opening quote.
        let quote = neighbour.action.map { file.bytes[$0.span.start.offset] }
        let quoteText = quote == UInt8(ascii: "'") ? "'" : quote == UInt8(ascii: "\"") ? "\"" : ""
        let (ref, comment) = Self.ref(for: action, pinnedBySHA: plan.pinsDockerActionsBySHA)
        let uses = "uses: \(quoteText)\(action)@\(ref)\(quoteText)" + (comment.map { " # \($0)" } ?? "")
        if neighbour.name != nil {
            return file.lines(["- name: \(name)", "  " + uses], indent: dashColumn)
        }
        return file.lines(["- " + uses], indent: dashColumn)
    }

    /// The reference to write: the current major tag, or the commit of setup-buildx-action v4.3.0 where
    /// the file pins by commit (the commit docker/setup-buildx-action's tag v4.3.0 points at). No commit of
    /// setup-qemu-action is recorded here, so it gets its tag.
    private static func ref(for action: String, pinnedBySHA: Bool) -> (ref: String, comment: String?) {
        if action == "docker/setup-buildx-action", pinnedBySHA {
            return ("37fe631027851001ddb9b187196cc803df7f5f0e", "v4.3.0")
        }
        return ("v4", nil)
    }

    /// Platforms a GitHub-hosted x86-64 runner cannot run without QEMU.
    private static func needsEmulation(_ platform: String) -> Bool {
        let architecture = platform.split(separator: "/").dropFirst().first.map(String.init) ?? platform
        return !["amd64", "386", "x86_64"].contains(architecture)
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
