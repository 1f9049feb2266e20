/// Edits to GitHub Actions workflows and composite actions: steps added, moved or given inputs in the
/// style of the steps around them, and scopes added to a `permissions:` block. A build in a `run:` step
/// (or in a script one runs) is placed by that step.
struct GitHubActionsEditor: PlanEditor {
    func useBuildKitBuilder(_ request: BuilderRequest, in plan: BuildPlan) -> Fix? {
        let file = plan.file
        let step = request.step
        switch request.reason {
        case .plainDockerBuild:
            // A setup step would not change the builder `docker build` uses.
            return nil
        case .dockerDriverSetup(let creator):
            guard let driver = creator.inputs.first(where: { $0.text == "driver" }), !creator.inputsInFlowStyle, creator.span.path == file.path
            else { return nil }
            var lines = file.mappingEntryLines(at: driver.span.start)
            if creator.inputs.count == 1, let with = creator.inputsKey { lines = with.start.line...lines.upperBound }
            return Fix(summary: "remove `driver: docker` from the setup step", path: file.path, edits: [file.removal(ofLines: lines)])
        case .unusedSetup(let setup):
            return addBuilderInput(to: step, naming: setup, in: file)
        case .lateSetup(let setup):
            guard let target = file.sequenceItem(of: step)?.firstLine,
                let item = file.sequenceItem(of: setup)
            else { return nil }
            return Fix(
                summary: "move the `docker/setup-buildx-action` step before the build",
                path: file.path, edits: [
                    .insert(file.text(ofLines: item.firstLine...item.lastLine), at: file.startOffset(ofLine: target)),
                    file.removal(ofLines: item.firstLine...item.lastLine),
                ])
        case .setupInOtherJob, .noSetup, .installedEngine:
            let first = firstNeedingStep(request)
            guard let item = file.sequenceItem(of: first) else { return nil }
            let needsQEMU =
                request.platforms.contains(where: Self.needsEmulation)
                && !(request.job.firstQEMUSetupIndex.map { $0 < first.index } ?? false)
            var text = ""
            if needsQEMU {
                text += newStep("docker/setup-qemu-action", name: "Set up QEMU", beside: step, dashColumn: item.dashColumn, in: plan)
            }
            text += newStep("docker/setup-buildx-action", name: "Set up Docker Buildx", beside: step, dashColumn: item.dashColumn, in: plan)
            return Fix(
                summary: "add \(needsQEMU ? "`docker/setup-qemu-action` and " : "")`docker/setup-buildx-action` before the build",
                path: file.path, edits: [.insert(text, at: file.startOffset(ofLine: item.firstLine))])
        }
    }

    /// `level` for `scope` in a block-style scope list: the existing level replaced, or a new line before
    /// the first scope at its indentation.
    func grant(_ scope: String, level: String, in permissions: Permissions, of plan: BuildPlan) -> Fix? {
        let file = plan.file
        guard case .scopes = permissions.grant, !permissions.isFlow, let first = permissions.entries.first,
            first.scope.span.start.line > permissions.span.start.line
        else { return nil }
        if let existing = permissions.entries.first(where: { $0.scope.text == scope }) {
            return Fix(
                summary: "grant `\(scope): \(level)`",
                path: file.path, edits: [TextEdit(range: existing.level.span.byteRange, replacement: level)])
        }
        let line = first.scope.span.start.line
        return Fix(
            summary: "grant `\(scope): \(level)`",
            path: file.path, edits: [.insert(file.lines(["\(scope): \(level)"], indent: first.scope.span.start.column - 1), at: file.startOffset(ofLine: line))])
    }

    /// The documented "Move cache" step, inserted right after the build step in its style, under the
    /// build's own condition (moving a cache that a skipped build never wrote would fail the job).
    func replaceDirectory(_ target: String, with source: String, after step: Step, in plan: BuildPlan) -> TextEdit? {
        let file = plan.file
        guard let item = file.sequenceItem(of: step), step.condition == nil || step.writtenCondition != nil
        else { return nil }
        let condition = step.writtenCondition.map { ["  if: \($0.text)"] } ?? []
        let lines = ["- name: Move cache"] + condition + ["  run: |", "    rm -rf \(target)", "    mv \(source) \(target)"]
        return file.insertion(file.lines(lines, indent: item.dashColumn), afterLine: item.lastLine)
    }

    /// The first build of the job that runs on the engine's default builder: one setup step before it
    /// serves every later build too (after an engine install, only the builds after that install).
    private func firstNeedingStep(_ request: BuilderRequest) -> Step {
        if case .installedEngine(let installer, _) = request.reason {
            return request.job.steps.first { later in
                guard later.index > installer.index, case .installedEngine(installer.index)? = later.build?.builder.builder?.origin
                else { return false }
                return true
            } ?? request.step
        }
        return request.job.firstBuildOnRunnerDefault ?? request.step
    }

    private func addBuilderInput(to step: Step, naming setup: Step, in file: SourceFile) -> Fix? {
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
        return Fix(summary: "name the setup step's builder in `builder:`", path: file.path, edits: edits)
    }

    /// A new step in the style of the build step: same indentation and quoting, a `name:` when the
    /// build step has one, and the pinning style the file uses for docker/* actions.
    private func newStep(_ action: String, name: String, beside step: Step, dashColumn: Int, in plan: BuildPlan) -> String {
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
}
