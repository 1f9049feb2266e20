import ArgumentParser
import BuildxDoctor
import Foundation

/// `buildx-doctor cache`: did the cache work? A subcommand of its own rather than `explain --cache`,
/// because it answers another question about another kind of log: a successful build is its usual input
/// (where `explain` exits 1, nothing having failed), and it has its own formats (Markdown for a job
/// summary). It reads logs exactly as `explain` does, in one pass of the same scanner.
struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Read build logs and say whether the cache worked, step by step.",
        discussion: """
            Reads GitHub Actions raw logs, GitLab job logs and BuildKit plain progress (--progress=plain), \
            from files or standard input (no file, or -). For each build: the steps BuildKit took from the \
            cache, the time spent on the others, cache imports and exports, and a verdict (warm, cold, \
            invalidated at a step, no cache). With --workflow or --repo the imports and exports are \
            connected to the cache entries of the configuration, and a cold cache gets a fix. \
            --format markdown writes a job summary: `>> "$GITHUB_STEP_SUMMARY"`. Exit status: 0 a report \
            was written, 1 no build found in the logs, 2 usage error or a log that could not be read.
            """)

    enum Format: String, ExpressibleByArgument { case text, json, markdown }

    @Argument(help: "Log files; none or - reads standard input.")
    var logs: [String] = []

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    @OptionGroup var configurationOptions: ConfigurationOptions

    func run() throws {
        let scanned = LogReport(merging: try scanLogs(logs, with: LogScanner.withCacheReport))
        var report = scanned.cache ?? CacheReport()
        report = report.advised(using: configurationOptions.check())
        let output: String
        switch format {
        case .text: output = CacheReporter.text(report)
        case .json: output = CacheReporter.json(report)
        case .markdown: output = CacheReporter.markdown(report)
        }
        try standardOutput(output)
        if report.builds.isEmpty { throw ExitCode(1) }
    }
}
