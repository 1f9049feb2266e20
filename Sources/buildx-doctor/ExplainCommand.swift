import ArgumentParser
import BuildxDoctor
import Foundation

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

    @OptionGroup var configurationOptions: ConfigurationOptions

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
        var report = LogReport(merging: try scanLogs(logs, with: LogScanner.standard))
        if let check = configurationOptions.check() { report = report.correlated(with: check) }
        let output = format == .json ? ExplanationReporter.json(report) : ExplanationReporter.text(report)
        try standardOutput(output)
        if !report.recognizesSomething { throw ExitCode(1) }
    }
}
