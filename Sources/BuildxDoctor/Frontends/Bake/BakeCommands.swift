import BuildxModel

/// `docker buildx bake` and `docker compose build` in scripts: one step per target (per service), at the
/// command, each built with the builder the command asks for.
extension CommandSteps {
    /// `docker buildx bake [-f FILE]… [--set K=V]… [--push] [--load] [TARGET…]` (buildx `commands/bake.go`:
    /// `--push` and `--load` are the overrides `*.push=true` and `*.load=true`, `--provenance` and
    /// `--sbom` an `attest` for every target).
    func bakeSteps(_ bake: BakeCommand, command: ShellCommand, index: Int, locator: ScriptLocator, context: Context) -> [Step] {
        let span = locator.span(command.range)
        var request = BakeRequest(span: span)
        request.files = bake.files.compactMap(\.value).map { written($0, locator) }
        request.targets = bake.targets.map { written($0, locator) }
        request.selection = selection(builder: bake.builder, docker: bake.docker, usesBuildx: true, span: span, locator: locator, context: context)
        request.actionsRuntime = context.actionsRuntime
        for flag in bake.sets {
            guard let word = flag.value else { continue }
            let masked = word.masked
            request.overrides.append(
                BakeOverride(
                    text: masked.text, unknownParts: masked.unknown, span: locator.span(word.range),
                    isVerbatim: masked.unknown.isEmpty && locator.text(word.range) == masked.text))
        }
        for (flag, key) in [(bake.push, "push"), (bake.load, "load")] {
            guard let flag else { continue }
            let flagSpan = locator.span(flag.word.range)
            switch flag.booleanValue {
            case true?: request.overrides.append(BakeOverride(text: "*.\(key)=true", span: flagSpan, isVerbatim: false))
            case false?: continue
            case nil: request.overrides.append(BakeOverride(text: "*.\(key)=x", unknownParts: [("*.\(key)=".utf8.count)..<("*.\(key)=x".utf8.count)], span: flagSpan, isVerbatim: false))
            }
        }
        for (flag, kind) in [(bake.provenance, "provenance"), (bake.sbom, "sbom")] {
            guard let value = flag?.value?.literal, GoBool.parse(value) != false, let flag else { continue }
            let attributes = GoBool.parse(value) == true ? "" : "," + value
            request.overrides.append(BakeOverride(text: "*.attest+=type=\(kind)\(attributes)", span: locator.span(flag.word.range), isVerbatim: false))
        }
        return steps(of: request, command: command, index: index, locator: locator, context: context)
    }

    /// `docker compose [-f FILE]… build [SERVICE…]`: the services of the Compose files (the first default
    /// file when none is named), built like bake builds them.
    func composeSteps(_ compose: ComposeBuildCommand, command: ShellCommand, index: Int, locator: ScriptLocator, context: Context) -> [Step] {
        let span = locator.span(command.range)
        var request = BakeRequest(span: span, composeOnly: true)
        request.files = compose.files.compactMap(\.value).map { written($0, locator) }
        if let directory = compose.projectDirectory?.value {
            guard let literal = directory.literal else { return [] }
            request.directory = literal
        }
        request.targets = compose.services.map { written($0, locator) }
        request.selection = selection(builder: compose.builder, docker: compose.docker, usesBuildx: true, span: span, locator: locator, context: context)
        request.actionsRuntime = context.actionsRuntime
        if let push = compose.push, push.booleanValue == true {
            request.overrides.append(BakeOverride(text: "*.push=true", span: locator.span(push.word.range), isVerbatim: false))
        }
        return steps(of: request, command: command, index: index, locator: locator, context: context)
    }

    private func written(_ word: ShellWord, _ locator: ScriptLocator) -> WrittenText {
        WrittenText(text: word.literal ?? "$" + word.displayText, span: locator.span(word.range))
    }

    private func steps(of request: BakeRequest, command: ShellCommand, index: Int, locator: ScriptLocator, context: Context) -> [Step] {
        guard let run = BakeRun.read(request, loader: loader) else { return [] }
        let condition = context.enclosing?.condition ?? (command.isConditional ? "a shell condition" : nil)
        let step = Step(index: index, span: request.span, enclosing: context.enclosing, condition: condition)
        return run.steps(replacing: step, enclosing: context.enclosing, startingAt: index)
    }
}
