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
        subcommands: [Check.self, Fix.self, Explain.self, Rules.self],
        defaultSubcommand: Check.self
    )

    /// Like ArgumentParser's own entry point, but usage errors exit with 2, the code for bad input, and
    /// every output goes through `OutputSink`: a write that fails ends the run with 2, named on standard
    /// error when that still takes it.
    static func main() {
        OutputSink.reserveStandardDescriptors()
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

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check workflows and composite actions.",
        discussion: """
            Folders are searched for .github/workflows/*.yml|yaml and action.yml|yaml (skipping .git and \
            node_modules); files named here are checked whatever their name.
            Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage error or unreadable input.
            """)

    @Argument(help: "Files or folders to check.")
    var paths: [String] = ["."]

    @Option(help: "Output format: text, json, sarif or github.")
    var format: ReportFormat = .text

    @Option(help: "Exit with 1 when a finding is at least this severe: error, warning, info or never.")
    var failOn: FailLevel = .warning

    @Flag(help: "Never colour the text output.")
    var noColor = false

    func run() throws {
        let report = Checker().check(paths: paths)
        for path in report.skipped {
            try standardError("buildx-doctor: skipped \(path): not a GitHub Actions workflow or composite action")
        }
        for error in report.inputErrors { try standardError("buildx-doctor: error: \(error)") }
        let colored = format == .text && !noColor && isatty(STDOUT_FILENO) == 1
            && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        try standardOutput(format.reporter(colored: colored).render(report))

        if !report.inputErrors.isEmpty { throw ExitCode(2) }
        if let threshold = failOn.threshold, report.diagnostics.contains(where: { $0.severity >= threshold }) {
            throw ExitCode(1)
        }
    }
}

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Rewrite configurations to working ones: print the diff, or apply it with --write.",
        discussion: """
            Only safe fixes are made, as text edits that keep comments, quoting, indentation and line endings. \
            Exit status: 0 every finding that has a fix was fixed (or would be) and none without one remains, \
            1 findings without a safe fix remain, 2 usage error or a file that could not be read or written.
            """)

    @Argument(help: "Files or folders to fix.")
    var paths: [String] = ["."]

    @Flag(help: "Apply the fixes instead of printing them as a unified diff.")
    var write = false

    @Option(name: .customLong("rule"), help: ArgumentHelp("Fix only findings of this rule (repeatable).", valueName: "id"))
    var rules: [String] = []

    func validate() throws {
        let known = Set(RuleRegistry.descriptions.map(\.id))
        if let unknown = rules.first(where: { !known.contains($0) }) {
            throw ValidationError("no rule named '\(unknown)'; `buildx-doctor rules` lists them")
        }
    }

    func run() throws {
        let checker = Checker()
        let fixer = Fixer(checker: checker, rules: rules.isEmpty ? nil : Set(rules))
        let (candidates, errors) = FileDiscovery.candidates(in: paths)
        var failed = !errors.isEmpty
        var unfixable = false
        for error in errors { try standardError("buildx-doctor: error: \(error)") }
        for candidate in candidates {
            let file: SourceFile
            do {
                file = try checker.load(candidate.path)
            } catch {
                try standardError("buildx-doctor: error: \(error)")
                failed = true
                continue
            }
            let result = fixer.fix(file)
            if result.changed {
                let bom: [UInt8] = file.hasByteOrderMark ? [0xEF, 0xBB, 0xBF] : []
                if write {
                    do {
                        try FileWriter.replace(file.path, expected: bom + file.bytes, with: bom + result.fixed)
                        try standardOutput("fixed \(file.path): \(result.applied.map(\.summary).joined(separator: "; "))\n")
                    } catch let failure as OutputSink.Failure {
                        throw failure
                    } catch {
                        try standardError("buildx-doctor: error: \(error)")
                        failed = true
                    }
                } else {
                    // With the byte order mark, so the diff applies to the file as it is on disk.
                    try standardOutput(UnifiedDiff.between(bom + file.bytes, bom + result.fixed, path: file.path))
                }
            }
            for diagnostic in result.remaining where diagnostic.severity >= .warning && (rules.isEmpty || rules.contains(diagnostic.rule)) {
                unfixable = true
                let span = diagnostic.span
                try standardError("\(span.path):\(span.start.line):\(span.start.column): \(diagnostic.severity.rawValue): \(diagnostic.reportedMessage) [\(diagnostic.rule)] (no safe fix: \(diagnostic.fix == nil ? "the intent is not clear from the file" : "it clashes with another fix"))")
            }
        }
        if failed { throw ExitCode(2) }
        if unfixable { throw ExitCode(1) }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Read a failed CI log and say what failed, why, and how to fix it.",
        discussion: """
            Reads GitHub Actions raw logs, GitLab job logs and BuildKit plain progress, from files or standard \
            input (no file, or -). With --workflow or --repo each explanation names the line `check` blames. \
            Exit status: 0 a failure (or the reason for a cold cache) was recognised, 1 nothing recognised \
            (error lines are listed), 2 usage error or a log that could not be read.
            """)

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "Log files; none or - reads standard input.")
    var logs: [String] = []

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("A workflow to connect the failure to.", valueName: "file"))
    var workflow: String?

    @Option(help: ArgumentHelp("A repository whose workflows to connect the failure to.", valueName: "folder"))
    var repo: String?

    @Flag(help: "Print the catalog of recognised errors.")
    var list = false

    /// For Benchmarks/explain.sh, which gives grep the same fragments.
    @Flag(help: .hidden)
    var printFragments = false

    func run() throws {
        if list {
            try standardOutput(ExplanationReporter.catalog(SignatureCatalog.all))
            return
        }
        if printFragments {
            try standardOutput(SignatureCatalog.all.flatMap(\.fragments).map { $0 + "\n" }.joined())
            return
        }
        let scanner = LogScanner.standard
        var merged: [LogReport] = []
        for log in logs.isEmpty ? ["-"] : logs {
            let descriptor = log == "-" ? STDIN_FILENO : open(log, O_RDONLY)
            guard descriptor >= 0 else {
                try standardError("buildx-doctor: error: \(log): cannot be read: \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
            defer { if descriptor != STDIN_FILENO { close(descriptor) } }
            var status = stat()
            if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                try standardError("buildx-doctor: error: \(log): is a folder, not a log")
                throw ExitCode(2)
            }
            let scanned = scanner.scan(fileDescriptor: descriptor)
            if let binaryLine = scanned.binaryLine {
                try standardError("buildx-doctor: error: \(log):\(binaryLine): not a text log (NUL byte)")
                throw ExitCode(2)
            }
            merged.append(scanned)
        }
        var report = LogReport(merging: merged)
        let configuration = [workflow, repo].compactMap { $0 }
        if !configuration.isEmpty { report = report.correlated(with: Checker().check(paths: configuration)) }
        let output = format == .json ? ExplanationReporter.json(report) : ExplanationReporter.text(report)
        try standardOutput(output)
        if !report.recognizesSomething { throw ExitCode(1) }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List the rules, or explain one.")

    @Argument(help: "A rule id to explain.")
    var id: String?

    @Option(help: ArgumentHelp("Write one Markdown page per rule into this folder.", valueName: "folder"))
    var writeDocs: String?

    func run() throws {
        let descriptions = RuleRegistry.descriptions
        if let folder = writeDocs {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for rule in descriptions {
                let path = (folder as NSString).appendingPathComponent(RuleDocumentation.fileName(for: rule))
                try RuleDocumentation.markdown(for: rule).write(toFile: path, atomically: true, encoding: .utf8)
            }
            return
        }
        guard let id else {
            let width = descriptions.map(\.id.count).max() ?? 0
            try standardOutput(descriptions.map { rule in
                let padded = rule.id.padding(toLength: width, withPad: " ", startingAt: 0)
                let severity = rule.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                return "\(padded)  \(severity)  \(rule.summary)\n"
            }.joined())
            return
        }
        guard let rule = descriptions.first(where: { $0.id == id }) else {
            throw ValidationError("no rule named '\(id)'; `buildx-doctor rules` lists them")
        }
        try standardOutput("\(rule.id) (\(rule.severity.rawValue))\n\n\(rule.summary)\n\n\(rule.explanation)\n\nMore: \(rule.helpURI)\n")
    }
}

private func standardOutput(_ text: String) throws(OutputSink.Failure) {
    try OutputSink.standardOutput.write(text)
}

private func standardError(_ line: String) throws(OutputSink.Failure) {
    try OutputSink.standardError.write(line + "\n")
}
