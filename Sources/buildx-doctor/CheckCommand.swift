import ArgumentParser
import BuildxDoctor
import Foundation

struct Check: ParsableCommand {
    // `_superCommandName` matters only where `check` is parsed as a root command of its own, the shortcut
    // `BuildxDoctorCommand.shortParse` takes for long path lists: ArgumentParser then skips its look for
    // `--generate-completion-script` (Sources/ArgumentParser/Parsing/CommandParser.swift,
    // `checkForCompletionScriptRequest`), two more commands reflected over, a millisecond of every check
    // of many files. Such a request fails the shortcut and is answered by the full parse, whose root is
    // `buildx-doctor`, as are help and every usage message (they name the root's super-command only).
    static let configuration = CommandConfiguration(
        commandName: "check",
        _superCommandName: "buildx-doctor",
        abstract: "Check workflows, composite actions and snippets of them.",
        discussion: """
            Folders are searched for .github/workflows/*.yml|yaml and action.yml|yaml (skipping .git, \
            node_modules and what the configuration excludes); files named here are checked whatever their \
            name, and a list of steps, a step or a jobs: map is checked as if it sat in a job on ubuntu-latest. \
            - reads standard input.
            With --builder current|NAME, scripts, Makefiles and jobs on self-hosted runners are checked \
            against this machine's real builder (read as `buildx-doctor builder` does), so what could only \
            be said with "may" is decided.
            Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage error, unusable configuration or \
            baseline, unreadable input, or nothing found to check.
            """)

    @Argument(help: "Files or folders to check (default: .); - reads standard input.")
    var paths: [String] = []

    @OptionGroup var input: InputOptions

    @OptionGroup var live: LiveBuilderOptions

    @Option(help: "Output format: text, json, sarif or github.")
    var format: ReportFormat = .text

    @Option(help: "Exit with 1 when a finding is at least this severe: error, warning, info or never.")
    var failOn: FailLevel = .warning

    @Option(help: ArgumentHelp("Report only findings that are not in this baseline file.", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("Record every current finding in this baseline file, then report none of them.", valueName: "file"))
    var writeBaseline: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .shortAndLong, help: "Print only the findings: no summary line, no notes about skipped files.")
    var quiet = false

    @Flag(help: "Never colour the text output.")
    var noColor = false

    func validate() throws {
        if baseline != nil, writeBaseline != nil {
            throw ValidationError("--baseline and --write-baseline exclude each other: --write-baseline records every finding anew")
        }
        _ = try input.paths(paths)
    }

    func run() throws {
        let paths = try input.paths(paths)
        var checker = try input.checker()
        if let builder = live.builder { checker.machine = try live.machine(builder: builder) }
        var report = checker.check(paths: paths)
        try stopOnConfigurationErrors(report.configurationErrors)
        for error in report.inputErrors { try standardError("buildx-doctor: error: \(error)") }
        if report.checkedNothing, report.inputErrors.isEmpty { try stopBecauseNothingWasChecked(
                paths: paths, passedOver: report.passedOver.map { ($0.path, $0.reason) }, ignored: report.ignored, excluded: report.excluded) }
        if !quiet {
            for entry in report.passedOver { try standardError("buildx-doctor: skipped \(entry.path): \(entry.reason)") }
        }
        if let baseline {
            do {
                report = report.applying(try Baseline.load(baseline))
            } catch {
                try standardError("buildx-doctor: error: baseline \(error)")
                throw ExitCode(2)
            }
        }
        if let writeBaseline {
            do {
                try ReportFile.write(Baseline.render(report, forFileAt: writeBaseline), to: writeBaseline)
                report = report.applying(try Baseline.load(writeBaseline))
            } catch {
                try standardError("buildx-doctor: error: baseline \(error)")
                throw ExitCode(2)
            }
            let count = report.suppressedCount(.baseline)
            if !quiet { try standardError("buildx-doctor: recorded \(count) finding\(count == 1 ? "" : "s") in \(writeBaseline)") }
        }
        let colored = output == nil && format == .text && !noColor && isatty(STDOUT_FILENO) == 1
            && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let rendered = format.reporter(colored: colored, quiet: quiet).render(report)
        if let output {
            do {
                try ReportFile.write(rendered, to: output)
            } catch {
                try standardError("buildx-doctor: error: \(error)")
                throw ExitCode(2)
            }
        } else {
            try standardOutput(rendered)
        }

        let status: Int32 =
            !report.inputErrors.isEmpty
            ? 2 : failOn.threshold.map { threshold in report.diagnostics.contains { $0.severity >= threshold } ? 1 : 0 } ?? 0
        // Everything is written (OutputSink writes straight to the descriptor). Ending the process here
        // leaves the report, every file's text and plan to the kernel instead of releasing them one object
        // at a time: on a few hundred files that release was a tenth of the run.
        Foundation.exit(status)
    }
}
