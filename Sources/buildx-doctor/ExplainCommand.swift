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

    @Option(help: ArgumentHelp("A workflow to connect the failure to.", valueName: "file"))
    var workflow: String?

    @Option(help: ArgumentHelp("A repository whose workflows to connect the failure to.", valueName: "folder"))
    var repo: String?

    @Flag(help: "Print the catalog of recognised errors.")
    var list = false

    /// For Benchmarks/explain.sh, which gives grep the same fragments.
    @Flag(help: .hidden)
    var printFragments = false

    func validate() throws {
        for (option, path, wantsFolder) in [("--workflow", workflow, false), ("--repo", repo, true)] {
            guard let path else { continue }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ValidationError("\(option) \(path): no such \(wantsFolder ? "folder" : "file")")
            }
            if isFolder.boolValue != wantsFolder {
                throw ValidationError("\(option) \(path): \(wantsFolder ? "not a folder" : "a folder, not a workflow file; use --repo for a folder")")
            }
        }
    }

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
        if !configuration.isEmpty { report = report.correlated(with: Checker(relativePaths: true).check(paths: configuration)) }
        let output = format == .json ? ExplanationReporter.json(report) : ExplanationReporter.text(report)
        try standardOutput(output)
        if !report.recognizesSomething { throw ExitCode(1) }
    }
}
