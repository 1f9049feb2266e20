@testable import BuildxDoctor
import Foundation
import Testing

/// The result of running the built `buildx-doctor`.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The executable next to the test bundle (SwiftPM builds it because the test target depends on it).
let executable: URL = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("buildx-doctor")
    if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
    return packageRoot.appendingPathComponent(".build/debug/buildx-doctor")
}()

func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL = packageRoot) throws -> CommandResult {
    try spawn(executable, arguments, environment: environment, in: directory)
}

/// Runs a program and collects what it writes; `standardOutput`, when given, takes its output instead.
func spawn(
    _ program: URL, _ arguments: [String], environment: [String: String] = [:], in directory: URL = packageRoot,
    standardOutput: FileHandle? = nil
) throws -> CommandResult {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = standardOutput ?? stdout
    process.standardError = stderr
    try process.run()
    let out = standardOutput == nil ? stdout.fileHandleForReading.readDataToEndOfFile() : Data()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
        stderr: String(decoding: err, as: UTF8.self))
}

/// A scratch folder removed after the test.
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bxd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Suite("Command line")
struct CommandLineTests {
    @Test func examplesFailAndTheFixedOnePasses() throws {
        let failing = try run(["check", "Examples/failing"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("Examples/failing/.github/workflows/build.yml:50:13: error:"))
        let fixed = try run(["check", "Examples/fixed"])
        #expect(fixed.status == 0, "\(fixed.stdout)")
        #expect(fixed.stdout == "0 errors, 0 warnings, 0 info in 1 file\n")
    }

    @Test func checkIsTheDefaultCommandAndDotTheDefaultPath() throws {
        let result = try run([], in: packageRoot.appendingPathComponent("Examples/fixed"))
        #expect(result.status == 0)
        #expect(result.stdout.contains("in 1 file"))
    }

    @Test(arguments: [("error", Int32(1)), ("warning", 1), ("info", 1), ("never", 0)])
    func failOnDecidesTheExitStatus(_ level: String, _ expected: Int32) throws {
        #expect(try run(["check", "--fail-on", level, "Examples/failing"]).status == expected)
    }

    @Test func warningsAloneDoNotFailWithFailOnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ci.yml")
        try "on: push\njobs:\n  b:\n    runs-on: self-hosted\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try run(["check", "--fail-on", "error", file.path]).status == 0)
        #expect(try run(["check", file.path]).status == 1)
    }

    @Test func badInputIsNamedAndTheRestIsStillChecked() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("binary.yml")
        try Data([0x6F, 0x6E, 0x3A, 0x00, 0x01]).write(to: binary)
        let broken = folder.appendingPathComponent("broken.yml")
        try "on: push\njobs:\n  b: [\n".write(to: broken, atomically: true, encoding: .utf8)
        let script = folder.appendingPathComponent("build.sh")
        try "docker buildx build --cache-to type=gha .\n".write(to: script, atomically: true, encoding: .utf8)

        let result = try run(["check", binary.path, "missing.yml", broken.path, script.path, "Examples/failing", "--format", "json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(binary.path):1: not a text file"))
        #expect(result.stderr.contains("missing.yml: no such file or directory"))
        #expect(result.stderr.contains("skipped \(script.path): not a GitHub Actions workflow"))
        #expect(result.stdout.contains(#""rule":"yaml-syntax""#))
        #expect(result.stdout.contains(#""rule":"cache-export-unsupported-by-driver""#))
    }

    @Test func skippedFilesDoNotChangeTheExitStatus() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let compose = folder.appendingPathComponent("compose.yml")
        try "services:\n  app:\n    build: .\n".write(to: compose, atomically: true, encoding: .utf8)
        let result = try run(["check", compose.path, "Examples/fixed"])
        #expect(result.status == 0)
        #expect(result.stderr == "buildx-doctor: skipped \(compose.path): not a GitHub Actions workflow, composite action or snippet of one\n")
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try run(["check", "--format", "xml"]).status == 2)
        #expect(try run(["check", "--no-such-flag"]).status == 2)
        #expect(try run(["rules", "no-such-rule"]).status == 2)
    }

    @Test func rulesListsAndExplains() throws {
        let list = try run(["rules"])
        #expect(list.status == 0)
        for id in ["cache-export-unsupported-by-driver", "multi-platform-unsupported-by-driver", "cache-spec-invalid",
            "cache-type-unknown", "cache-attribute-missing", "local-cache-unbounded-growth", "yaml-syntax"]
        {
            #expect(list.stdout.contains(id))
        }
        let explanation = try run(["rules", "cache-export-unsupported-by-driver"])
        #expect(explanation.stdout.contains("Cache export is not supported for the docker driver."))
    }

    @Test func versionAndHelp() throws {
        #expect(try run(["--version"]).stdout == "0.1.0\n")
        #expect(try run(["--help"]).status == 0)
    }

    @Test func noColorWhenNotATerminal() throws {
        #expect(!(try run(["check", "Examples/failing"]).stdout.contains("\u{1B}[")))
    }

    @Test(arguments: ["json", "sarif", "github"])
    func everyFormatRenders(_ format: String) throws {
        let result = try run(["check", "--format", format, "Examples/failing"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("cache-export-unsupported-by-driver"))
    }
}

@Suite("Command line: fix")
struct FixCommandLineTests {
    private func copyOfFailingExample() throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent("Examples/failing"), to: folder.appendingPathComponent("repo"))
        return folder.appendingPathComponent("repo")
    }

    @Test func printsTheDiffWithoutWriting() throws {
        let repo = try copyOfFailingExample()
        defer { try? FileManager.default.removeItem(at: repo.deletingLastPathComponent()) }
        let workflow = repo.appendingPathComponent(".github/workflows/build.yml")
        let before = try Data(contentsOf: workflow)
        let result = try run(["fix", repo.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("+      - name: Set up Docker Buildx\n+        uses: docker/setup-buildx-action@v4\n       - name: Build and push\n"))
        #expect(try Data(contentsOf: workflow) == before)
    }

    @Test func writeFixesAndASecondRunHasNothingToDo() throws {
        let repo = try copyOfFailingExample()
        defer { try? FileManager.default.removeItem(at: repo.deletingLastPathComponent()) }
        let write = try run(["fix", "--write", repo.path])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.stdout.contains("fixed "))
        #expect(try run(["check", repo.path]).status == 0)
        let again = try run(["fix", repo.path])
        #expect(again.status == 0 && again.stdout.isEmpty)
    }

    @Test func ruleFilterLimitsTheFixes() throws {
        let repo = try copyOfFailingExample()
        defer { try? FileManager.default.removeItem(at: repo.deletingLastPathComponent()) }
        let result = try run(["fix", "--rule", "cache-type-unknown", repo.path])
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(try run(["fix", "--rule", "no-such-rule", repo.path]).status == 2)
    }

    @Test func findingsWithoutAFixExitWithOne() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ci.yml")
        try "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=registery\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try run(["fix", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("[cache-type-unknown] (no safe fix"))
    }

    @Test func aReadOnlyFileIsNamedAndTheOthersAreStillFixed() throws {
        let first = try copyOfFailingExample()
        let second = try copyOfFailingExample()
        defer {
            try? FileManager.default.removeItem(at: first.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: second.deletingLastPathComponent())
        }
        let locked = first.appendingPathComponent(".github/workflows/build.yml")
        chmod(locked.path, 0o444)
        let result = try run(["fix", "--write", first.path, second.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(locked.path): not written: the file is read-only"))
        #expect(try run(["check", second.path]).status == 0)
    }
}

private let corpusFixSuiteCanRun = outsideInput(
    for: "Fixing the real-world corpus", isAvailable: FileManager.default.fileExists(atPath: corpusFolder.path),
    otherwise: corpusAbsence)

@Suite("Fixing the real-world corpus", .enabled(if: corpusFixSuiteCanRun))
struct CorpusFixTests {
    @Test func everyFixedFileParsesAndStaysFixed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("corpus")
        try FileManager.default.copyItem(at: corpusFolder, to: copy)
        let files = try FileManager.default.subpathsOfDirectory(atPath: copy.path)
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.map { copy.appendingPathComponent($0).path }
        for path in files { chmod(path, 0o644) }
        let before = Checker().check(paths: files)
        let write = try run(["fix", "--write"] + files)
        #expect(write.status != 2, "\(write.stderr)")
        let after = Checker().check(paths: files)
        #expect(after.inputErrors.isEmpty)
        #expect(!after.diagnostics.contains { $0.rule == "yaml-syntax" } || before.diagnostics.contains { $0.rule == "yaml-syntax" })
        #expect(after.diagnostics.filter { $0.fix != nil }.isEmpty, "\(after.diagnostics.filter { $0.fix != nil }.map(\.message))")
        #expect(try run(["fix"] + files).stdout.isEmpty)
        // Outside the changed lines, every fixed file parses to the same tree as the original.
        for path in files {
            let relative = String(path.dropFirst(copy.path.count))
            let original = try SourceFile(path: path, data: [UInt8](Data(contentsOf: URL(fileURLWithPath: corpusFolder.path + relative))))
            let fixed = try SourceFile(path: path, data: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
            guard original.bytes != fixed.bytes else { continue }
            let (removed, added) = UnifiedDiff.changedLines(original.bytes, fixed.bytes)
            #expect(
                canonicalTree(try YAMLDocument.parse(original), skipping: removed)
                    == canonicalTree(try YAMLDocument.parse(fixed), skipping: added), "\(relative)")
        }
    }
}

@Suite("Command line: explain")
struct ExplainCommandLineTests {
    private func log(_ text: String) throws -> URL {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("job.log")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func explainsTheSeedFailureAndPointsAtTheWorkflow() throws {
        let file = try log("##[error]buildx failed with: Learn more at https://docs.docker.com/go/build-cache-backends/\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try run(["explain", file.path, "--repo", "Examples/failing", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let first = try #require((object["explanations"] as? [[String: Any]])?.first)
        #expect(first["signature"] as? String == "cache-export-docker-driver")
        #expect(first["rule"] as? String == "cache-export-unsupported-by-driver")
        #expect(first["logLine"] as? Int == 1)
        #expect((first["location"] as? [String: Any])?["line"] as? Int == 50)
    }

    @Test func unrecognisedErrorsExitWithOneAndAreListed() throws {
        let file = try log("ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try run(["explain", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("line 1: ERROR: failed to solve: process"))
    }

    @Test func readsStandardInputAndRefusesBinaryOrMissingLogs() throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["explain"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("ERROR: Attestation is not supported for the docker driver.\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("Attestations on the docker driver"))

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("x.log")
        try Data([0x61, 0x00]).write(to: binary)
        let refused = try run(["explain", binary.path])
        #expect(refused.status == 2 && refused.stderr.contains("not a text log"))
        #expect(try run(["explain", folder.appendingPathComponent("missing.log").path]).status == 2)
    }

    @Test func listPrintsTheCatalog() throws {
        let result = try run(["explain", "--list"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == SignatureCatalog.all.count)
    }
}
