import ArgumentParser
import BuildxDoctor
import Foundation

/// The options that read this machine's builder (`builder`, and `check --builder`).
struct LiveBuilderOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The builder to read: a name, or current (BUILDX_BUILDER, else buildx's current builder).", valueName: "current|name"))
    var builder: String?

    @Option(help: ArgumentHelp("The docker CLI to run.", valueName: "path"))
    var docker: String = "docker"

    @Option(help: ArgumentHelp("Seconds each docker command may run before it is stopped.", valueName: "seconds"))
    var timeout: Double = 20

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    /// Reads the machine; a missing docker CLI or daemon ends the run with one message and status 2.
    func machine(builder name: String?) throws -> LiveMachine {
        do {
            return try LiveProbe(docker: docker, timeout: timeout).read(builder: name == "current" ? nil : name)
        } catch {
            try standardError("buildx-doctor: error: \(error)")
            throw ExitCode(2)
        }
    }
}

struct BuilderCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builder",
        abstract: "Show what this machine's builder can do, or check one build command against it.",
        discussion: """
            Reads the builder builds use here (--builder, else BUILDX_BUILDER, else the current one) with \
            docker buildx ls --format json (docker buildx inspect before buildx 0.13), docker info and \
            /proc/sys/fs/binfmt_misc, without starting or changing anything, and prints its driver, image \
            store, versions, platforms and what it supports, from the model check uses.
            With -- and a command (buildx-doctor builder -- docker buildx build --cache-to type=gha .), checks \
            that command against the builder without running it.
            Exit status: 0 (the command would build), 1 the command would fail (its findings are printed), \
            2 no docker CLI, no daemon, no such builder, or not a build command.
            """)

    @OptionGroup var live: LiveBuilderOptions

    @Option(help: "Output format: text or json.")
    var format: BuilderReportFormat = .text

    @Argument(parsing: .postTerminator, help: ArgumentHelp("A build command to check, after --.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let machine = try live.machine(builder: live.builder)
        guard !command.isEmpty else {
            guard let report = BuilderReport(machine) else {
                try standardError("buildx-doctor: error: no builder `\(machine.selected)`")
                throw ExitCode(2)
            }
            try standardOutput(format == .json ? report.json().serialized() + "\n" : report.text())
            return
        }
        let result = BuildGuard.check(command, on: machine)
        guard result.buildCount > 0 else {
            try standardError("buildx-doctor: error: not a build command buildx-doctor reads: \(result.file.text.trimmingCharacters(in: .newlines))")
            throw ExitCode(2)
        }
        let report = CheckReport(results: [.checked(result.file, kind: .shellScript, diagnostics: result.diagnostics)])
        if format == .json {
            try standardOutput(ReportFormat.json.reporter(colored: false).render(report))
        } else {
            if !result.diagnostics.isEmpty { try standardOutput(TextReporter(colored: false, showsSummary: false).render(report)) }
            let verdict = result.wouldFail ? "would fail" : "would build"
            try standardOutput("buildx-doctor: this command \(verdict) on builder `\(machine.selected)`\n")
        }
        if result.wouldFail { throw ExitCode(1) }
    }
}

/// The formats of `buildx-doctor builder`.
enum BuilderReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
