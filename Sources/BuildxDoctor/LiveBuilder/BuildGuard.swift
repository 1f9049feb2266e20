import Foundation

/// Checks one command line (`docker buildx build …`) against this machine's live builder without running it:
/// what `buildx-doctor builder -- docker buildx build …` does, so a Makefile can stop a build that would fail.
/// The command is read as a one-line script by the same shell reader, simulation and rules as `check`.
public enum BuildGuard {
    /// What checking a command line gave.
    public struct Result: Sendable {
        /// The command line as one line of shell, quoted so that the shell would give back the same words.
        public let file: SourceFile
        public let diagnostics: [Diagnostic]
        /// How many builds the line runs (0: it is not a build buildx-doctor reads).
        public let buildCount: Int

        /// Whether the build would fail: a finding of severity error says the build fails on this builder
        /// (what is only likely, or costs a cold cache, is a warning).
        public var wouldFail: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// The name findings use for the command line.
    public static let path = "<command line>"

    public static func check(_ words: [String], on machine: LiveMachine, rules: [any Rule] = RuleRegistry.all) -> Result {
        let file = SourceFile(path: path, text: words.map(quoted).joined(separator: " ") + "\n")
        let reader = CommandSteps(file: file, loader: RepositoryFileLoader(repositoryRoot: nil))
        let steps = reader.steps(ofScriptFile: file, startingAt: 0, context: CommandSteps.Context(actionsRuntime: .unknown), depth: 0)
        let host = RunnerHost.thisMachine(machine, runnerLabel: nil)
        let job = Job(id: "command", span: file.span(0..<0), host: host, steps: BuilderSimulation.run(steps, on: host), place: "this command")
        let plan = BuildPlan(file: file, kind: .shellScript, jobs: [job])
        return Result(file: file, diagnostics: rules.flatMap { $0.check(plan) }, buildCount: plan.builds.count)
    }

    /// A word as POSIX sh reads it back: bare when it holds only characters the shell leaves alone, else in
    /// single quotes, where nothing is special but the quote itself (POSIX.1-2017 XCU 2.2.2).
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "_@%+=:,./-".unicodeScalars.contains(scalar)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
