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
        subcommands: [Check.self, Fix.self, Explain.self, Cache.self, Rules.self, Config.self, BuilderCheck.self],
        defaultSubcommand: Check.self
    )

    /// Like ArgumentParser's own entry point, but usage errors exit with 2, the code for bad input, and
    /// every output goes through `OutputSink`: a write that fails ends the run with 2, named on standard
    /// error when that still takes it.
    static func main() {
        // First, before anything can open a descriptor: a closed standard output must not be taken over by
        // the next file opened (Dispatch opens an eventfd when it starts), or output would go there.
        OutputSink.reserveStandardDescriptors()
        // Dispatch's worker threads on Linux are started lazily, one by another (libdispatch
        // src/event/workqueue.c, src/queue.c `_dispatch_root_queue_poke_slow`): the first
        // `concurrentPerform` of `check` ran on the main thread alone for a millisecond or two until a
        // worker joined. An empty block now starts the pool while the arguments are parsed.
        DispatchQueue.global().async {}
        if let unknown = mistypedSubcommand(Array(CommandLine.arguments.dropFirst())) {
            try? standardError("buildx-doctor: error: \(unknown)")
            Foundation.exit(2)
        }
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            let (parsed, later) = splitTrailingPaths(arguments)
            var command: any ParsableCommand
            if !later.isEmpty, var check = try? shortParse(parsed) {
                check.paths += later
                command = check
            } else {
                command = try parseAsRoot(arguments)
            }
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

    /// The arguments for ArgumentParser, and paths to add to `check`'s afterwards. ArgumentParser stores
    /// each positional value by copying every value before it, so a check of hundreds of files named on
    /// the command line (as CI and benchmarks run it) spent more time parsing its arguments than reading a
    /// dozen files. Of a trailing run of arguments that are no option (no `-` first, and not `-` itself),
    /// the first two are parsed — the first may be an option's value, the second is then a path, so the
    /// checks on the paths (`-` at most once, `--stdin-filename` with `-`) see what they would see of all
    /// of them — and the rest are paths whatever comes before them, as no option of `check` takes more
    /// than one value. After a `--` everything is a path; such lists are parsed whole, as are the
    /// arguments of any other command and any list the shortened one fails on (the caller parses again).
    static func splitTrailingPaths(_ arguments: [String]) -> (parsed: [String], later: [String]) {
        var start = arguments.count
        while start > 0, !arguments[start - 1].hasPrefix("-") { start -= 1 }
        guard arguments.count - start > 2, !arguments[..<start].contains("--") else { return (arguments, []) }
        return (Array(arguments[..<(start + 2)]), Array(arguments[(start + 2)...]))
    }

    /// `check` from the shortened list, or `nil` when it is not a `check` that parses (the caller then
    /// parses the whole list the usual way, for its messages). Named explicitly, `check` is parsed as a
    /// command of its own: ArgumentParser then reflects over `check`'s options only, not over every
    /// command's, which costs more than the rest of start-up.
    private static func shortParse(_ arguments: [String]) throws -> Check? {
        if arguments.first == Check.configuration.commandName {
            return try Check.parseAsRoot(Array(arguments.dropFirst())) as? Check
        }
        return try parseAsRoot(arguments) as? Check
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
