import ArgumentParser
import BuildxDoctor
import Foundation

/// The command line: argument parsing and wiring only; the analysis lives in the BuildxDoctor library.
@main
struct BuildxDoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buildx-doctor",
        abstract: "Finds Docker build cache, driver and platform mistakes in CI configuration before they fail.",
        version: ToolInfo.version,
        subcommands: [Check.self, Fix.self, Explain.self, Cache.self, Rules.self, Config.self],
        defaultSubcommand: Check.self
    )

    /// Like ArgumentParser's own entry point, but usage errors exit with 2, the code for bad input, and
    /// every output goes through `OutputSink`: a write that fails ends the run with 2, named on standard
    /// error when that still takes it.
    static func main() {
        OutputSink.reserveStandardDescriptors()
        if let unknown = mistypedSubcommand(Array(CommandLine.arguments.dropFirst())) {
            try? standardError("buildx-doctor: error: \(unknown)")
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as OutputSink.Failure {
            fail(failure)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let message = fullMessage(for: error)
            // Help and --version end with a "clean exit" whose message belongs on standard output.
            guard exitCode(for: error) == .success else {
                try? standardError(message)
                Foundation.exit(2)
            }
            do {
                if !message.isEmpty { try OutputSink.standardOutput.write(message + "\n") }
            } catch {
                fail(error)
            }
            Foundation.exit(0)
        }
    }

    /// The message for a first argument that is no subcommand, no option and no existing path but is
    /// close to a subcommand's name (`chek`): without this, `check` (the default) would take it for a path.
    static func mistypedSubcommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !first.contains("/") else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(first), access(first, F_OK) != 0, let near = Suggestion.nearest(to: first, among: names) else { return nil }
        return "unknown command '\(first)'; did you mean '\(near)'? (`buildx-doctor --help` lists the commands)"
    }

    private static func fail(_ failure: OutputSink.Failure) -> Never {
        // When standard error is what failed, there is nowhere left to say so: the status must tell.
        if failure.output != OutputSink.standardError.name { try? standardError("buildx-doctor: error: \(failure)") }
        Foundation.exit(2)
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// The least severity that makes `check` exit with 1.
enum FailLevel: String, ExpressibleByArgument, CaseIterable {
    case error, warning, info, never

    var threshold: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .never: nil
        }
    }
}

func standardOutput(_ text: String) throws(OutputSink.Failure) {
    try OutputSink.standardOutput.write(text)
}

func standardError(_ line: String) throws(OutputSink.Failure) {
    try OutputSink.standardError.write(line + "\n")
}
