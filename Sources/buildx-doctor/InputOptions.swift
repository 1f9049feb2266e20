import ArgumentParser
import BuildxDoctor

extension InputKind: ExpressibleByArgument {}

/// The options `check` and `fix` share: which configuration applies, and how standard input and snippets
/// are read.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Use this configuration file instead of the nearest .buildx-doctor.yml.", valueName: "file"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "The path standard input (-) stands for: it names the input in reports and decides its kind and configuration.",
            valueName: "path"))
    var stdinFilename: String?

    @Option(help: "Read every input as a workflow, action, steps (a list of steps), step or jobs (a jobs: map).")
    var kind: InputKind?

    /// The paths to read: those given (`.` when none), or `-` alone when only `--stdin-filename` says what to read.
    func paths(_ given: [String]) throws -> [String] {
        if given.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
        if stdinFilename != nil, !given.contains("-") {
            guard given.isEmpty else { throw ValidationError("--stdin-filename names standard input: add - to the paths") }
            return ["-"]
        }
        return given.isEmpty ? ["."] : given
    }

    /// A checker with these options; a `--config` file that cannot be used ends the run with status 2.
    func checker() throws -> Checker {
        var configuration = ConfigurationChoice.nearest
        if let config {
            do {
                configuration = .given(try ConfigurationLookup.load(config))
            } catch {
                try standardError("buildx-doctor: error: \(error)")
                throw ExitCode(2)
            }
        }
        return Checker(configuration: configuration, kind: kind, standardInputPath: stdinFilename, relativePaths: true)
    }
}

/// Prints configuration errors and ends the run with status 2 when there are any.
func stopOnConfigurationErrors(_ errors: [ConfigurationError]) throws {
    guard !errors.isEmpty else { return }
    for error in errors { try standardError("buildx-doctor: error: \(error)") }
    throw ExitCode(2)
}

/// Says on standard error that nothing could be checked, and what was passed over, then ends the run with
/// status 2: an empty report must not pass for an all-clear (a mistyped path, a folder without workflows).
func stopBecauseNothingWasChecked(paths: [String], passedOver: [(path: String, reason: String)], ignored: [String], excluded: [String])
    throws -> Never
{
    let named = paths.map { $0 == "-" ? "standard input" : $0 }.joined(separator: ", ")
    try standardError("buildx-doctor: error: nothing to check: no CI file buildx-doctor reads (GitHub Actions, GitLab CI, CircleCI, shell script, Makefile, bake or Compose file) in \(named)")
    for entry in passedOver { try standardError("  skipped \(entry.path): \(entry.reason)") }
    for path in ignored { try standardError("  skipped \(path): not a composite action (a JavaScript or Docker action, or no action)") }
    for path in excluded { try standardError("  excluded \(path) (by `exclude` in the configuration)") }
    throw ExitCode(2)
}
