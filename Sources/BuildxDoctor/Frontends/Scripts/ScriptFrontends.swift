/// A shell script checked on its own (`*.sh`, `*.bash`, or a file whose first line runs sh or bash). It runs
/// on a machine the file does not describe, so driver findings there say "may".
struct ShellScriptFrontend: Frontend {
    func claims(relativePath: String) -> Bool {
        relativePath.hasSuffix(".sh") || relativePath.hasSuffix(".bash")
    }

    func plan(_ input: FrontendInput) -> BuildPlan? {
        let file = input.file
        guard claims(relativePath: file.path) || Self.hasShellShebang(file) else { return nil }
        let start = file.span(0..<0)
        let reader = CommandSteps(file: file, loader: input.repository)
        let steps = reader.steps(ofScriptFile: file, startingAt: 0, context: CommandSteps.Context(actionsRuntime: .unknown), depth: 0)
        let host = input.runnerFacts.machine.map { RunnerHost.thisMachine($0, runnerLabel: nil) } ?? .unknownMachine("the machine that runs this script")
        let job = Job(id: "script", span: start, host: host, steps: BuilderSimulation.run(steps, on: host), place: "this script")
        return BuildPlan(file: file, kind: .shellScript, jobs: [job], editor: CommandEditor(layout: .script))
    }

    /// `#!/bin/sh`, `#!/usr/bin/env bash` and the like.
    static func hasShellShebang(_ file: SourceFile) -> Bool {
        guard file.bytes.starts(with: Array("#!".utf8)) else { return false }
        let first = file.text(ofLine: 1)
        return ["sh", "bash", "dash", "ash", "ksh", "zsh"].contains { shell in
            first.hasSuffix("/" + shell) || first.hasSuffix(" " + shell) || first.containsText("/" + shell + " ")
        }
    }
}

/// A Makefile checked on its own (`Makefile`, `GNUmakefile`, `*.mk`): each rule's recipe is a job of
/// its own, on a machine the file does not describe.
struct MakefileFrontend: Frontend {
    func claims(relativePath: String) -> Bool {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return name == "Makefile" || name == "GNUmakefile" || name == "makefile" || name.hasSuffix(".mk")
    }

    func plan(_ input: FrontendInput) -> BuildPlan? {
        let file = input.file
        guard claims(relativePath: file.path) else { return nil }
        // Most Makefiles build no image; they cost one search.
        guard CommandSteps.mayRunDocker(file.text) else { return BuildPlan(file: file, kind: .makefile, jobs: []) }
        let makefile = Makefile.parse(file.text)
        let reader = CommandSteps(file: file, loader: input.repository)
        let host = input.runnerFacts.machine.map { RunnerHost.thisMachine($0, runnerLabel: nil) } ?? .unknownMachine("the machine that runs make")
        let jobs = makefile.rules.map { rule -> Job in
            let name = rule.targets.first?.text ?? "recipe"
            var steps: [Step] = []
            for line in rule.recipe {
                steps += reader.steps(
                    ofScript: line.script, in: file, startingAt: steps.count, context: CommandSteps.Context(actionsRuntime: .unknown))
            }
            return Job(
                id: name, span: file.span(rule.range), host: host, steps: BuilderSimulation.run(steps, on: host),
                place: "target `\(name)`")
        }
        return BuildPlan(file: file, kind: .makefile, jobs: jobs, editor: CommandEditor(layout: .makefile))
    }
}
