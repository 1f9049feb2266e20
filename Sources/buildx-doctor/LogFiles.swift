import ArgumentParser
import BuildxDoctor
import Foundation

/// Reads the logs `explain` and `cache` are given (files, or standard input for none or `-`), each in one
/// streaming pass of `scanner`. A log that cannot be read, a folder or a binary file is a usage error
/// (exit status 2), named on standard error.
func scanLogs(_ logs: [String], with scanner: LogScanner) throws -> [LogReport] {
    var reports: [LogReport] = []
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
        reports.append(scanned)
    }
    return reports
}

/// `--workflow FILE` and `--repo FOLDER`: the configuration a log is connected to.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A workflow to connect the log to.", valueName: "file"))
    var workflow: String?

    @Option(help: ArgumentHelp("A repository whose workflows to connect the log to.", valueName: "folder"))
    var repo: String?

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

    /// `check` over the given configuration, or nil when none was given.
    func check() -> CheckReport? {
        let paths = [workflow, repo].compactMap { $0 }
        return paths.isEmpty ? nil : Checker(relativePaths: true).check(paths: paths)
    }
}
