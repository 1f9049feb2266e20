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

func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL = packageRoot, input: String? = nil) throws
    -> CommandResult
{
    try spawn(executable, arguments, environment: environment, in: directory, input: input)
}

/// Runs a program and collects what it writes; `standardOutput`, when given, takes its output instead;
/// `input`, when given, is its standard input.
func spawn(
    _ program: URL, _ arguments: [String], environment: [String: String] = [:], in directory: URL = packageRoot,
    standardOutput: FileHandle? = nil, input: String? = nil
) throws -> CommandResult {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = standardOutput ?? stdout
    process.standardError = stderr
    if input != nil { process.standardInput = stdin }
    try process.run()
    if let input {
        // Small inputs fit in the pipe's buffer, so writing all before reading cannot block.
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
    }
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
        let script = folder.appendingPathComponent("notes.txt")
        try "docker buildx build --cache-to type=gha .\n".write(to: script, atomically: true, encoding: .utf8)

        let result = try run(["check", binary.path, "missing.yml", broken.path, script.path, "Examples/failing", "--format", "json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(binary.path):1: not a text file"))
        #expect(result.stderr.contains("missing.yml: no such file or directory"))
        #expect(result.stderr.contains("skipped \(script.path): not a file buildx-doctor reads"))
        #expect(result.stdout.contains(#""rule":"yaml-syntax""#))
        #expect(result.stdout.contains(#""rule":"cache-export-unsupported-by-driver""#))
    }

    @Test func skippedFilesDoNotChangeTheExitStatus() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let compose = folder.appendingPathComponent("compose.yml")
        try "services:\n  app:\n    image: nginx\n".write(to: compose, atomically: true, encoding: .utf8)
        let result = try run(["check", compose.path, "Examples/fixed"])
        #expect(result.status == 0)
        #expect(result.stderr == "buildx-doctor: skipped \(compose.path): not a file buildx-doctor reads (a GitHub Actions workflow, composite action or snippet, GitLab CI, CircleCI, a shell script, a Makefile, a bake file or a Compose file)\n")
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

    @Test func theHeadlineIsTheSameInEveryProcess() throws {
        // Each process hashes with its own seed: a choice that followed a Set's order would flip here.
        let file = try log("#21 ERROR: failed to push ghcr.io/acme/app:1: unexpected status: 403 Forbidden: denied: permission_denied: write_package\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        for _ in 0..<6 {
            let result = try run(["explain", file.path])
            #expect(result.stdout.hasPrefix("failed: ghcr.io: write_package denied (log line 1)\n"))
        }
    }

    @Test func listPrintsTheCatalog() throws {
        let result = try run(["explain", "--list"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == SignatureCatalog.all.count)
    }
}

/// A scratch repository: files given as relative path → text.
private func repository(_ files: [String: String]) throws -> URL {
    let folder = try temporaryFolder()
    for (path, text) in files {
        let file = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
    return folder
}

/// A workflow whose only finding is a `cache-export-unsupported-by-driver` error on line 8 (a warning on
/// a self-hosted `runsOn`).
private func exportingWorkflow(runsOn: String = "ubuntu-latest", cacheTo: String = "type=gha") -> String {
    RuleExample.steps("- uses: docker/build-push-action@v6\n  with:\n    cache-to: \(cacheTo)\n", runsOn: runsOn).source
}

@Suite("Command line: configuration, inputs and output")
struct ConfigurationCommandLineTests {
    @Test func configurationErrorsExitWithTwoAndNameTheLine() throws {
        let repo = try repository([
            ".buildx-doctor.yml": "rules:\n  cache-typ-unknown: off\n",
            ".github/workflows/build.yml": exportingWorkflow(),
            "other.yml": "runners:\n  - labels: x\n    image-store: overlay\n",
        ])
        defer { try? FileManager.default.removeItem(at: repo) }
        let discovered = try run(["check"], in: repo)
        #expect(discovered.status == 2)
        #expect(discovered.stdout.isEmpty)
        #expect(
            discovered.stderr
                == "buildx-doctor: error: .buildx-doctor.yml:2:3: unknown rule `cache-typ-unknown` in `rules`; did you mean `cache-type-unknown`? (`buildx-doctor rules` lists them)\n"
        )
        let given = try run(["check", "--config", "other.yml", ".github/workflows/build.yml"], in: repo)
        #expect(given.status == 2)
        #expect(given.stderr == "buildx-doctor: error: other.yml:3:18: `image-store` must be `containerd` or `classic`, not `overlay`\n")
        #expect(try run(["fix", "--config", "other.yml"], in: repo).status == 2)
        #expect(try run(["config"], in: repo).status == 2)
        let missing = try run(["check", "--config", "absent.yml"], in: repo)
        #expect(missing.status == 2 && missing.stderr.hasPrefix("buildx-doctor: error: absent.yml:1:1: cannot be used:"))
    }

    @Test func configInitWritesAStarterFileThatChecksUse() throws {
        let repo = try repository([".github/workflows/build.yml": exportingWorkflow()])
        defer { try? FileManager.default.removeItem(at: repo) }
        let written = try run(["config", "--init"], in: repo)
        #expect(written.status == 0 && written.stdout == "wrote .buildx-doctor.yml\n")
        #expect(try String(contentsOf: repo.appendingPathComponent(".buildx-doctor.yml"), encoding: .utf8) == StarterConfiguration.text)
        let again = try run(["config", "--init"], in: repo)
        #expect(again.status == 2)
        #expect(again.stderr == "buildx-doctor: error: .buildx-doctor.yml: not written: the file exists (--force replaces it)\n")
        #expect(try run(["config", "--init", "--force"], in: repo).status == 0)
        let shown = try run(["config", ".github/workflows/build.yml"], in: repo)
        #expect(
            shown.stdout
                == ".buildx-doctor.yml: valid\n  rules: all at their own severities\n  exclude: nothing\n  overrides: 0\n  runners: 0\n")
        #expect(try run(["check"], in: repo).status == 1)
    }

    @Test func theNearestConfigurationAppliesAndExcludesOnlySearchedFiles() throws {
        let repo = try repository([
            ".buildx-doctor.yml": "exclude: [\"experimental-*.yml\"]\nrules:\n  cache-export-unsupported-by-driver: info\n",
            ".github/workflows/build.yml": exportingWorkflow(),
            ".github/workflows/experimental-arm.yml": exportingWorkflow(cacheTo: "type=GHA"),
            "tools/.buildx-doctor.yml": "rules:\n  cache-export-unsupported-by-driver: off\n",
            "tools/.github/workflows/tool.yml": exportingWorkflow(),
        ])
        defer { try? FileManager.default.removeItem(at: repo) }
        let result = try run(["check", "--format", "json"], in: repo)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["files"] as? [[String: String]])?.map { $0["path"] } == [".github/workflows/build.yml", "tools/.github/workflows/tool.yml"])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { "\($0["path"]!) \($0["rule"]!) \($0["severity"]!)" } == [
            ".github/workflows/build.yml cache-export-unsupported-by-driver info"
        ])
        // Named on the command line, an excluded file is checked.
        let named = try run(["check", ".github/workflows/experimental-arm.yml"], in: repo)
        #expect(named.status == 1)
        #expect(named.stdout.contains(".github/workflows/experimental-arm.yml:8:21: error: `GHA` is not a cache type"))
        // With --config, patterns are relative to that file's folder too.
        let searched = try run(["check", ".github/workflows", "--config", ".buildx-doctor.yml"], in: repo)
        #expect(searched.status == 0)
        #expect(searched.stdout.hasSuffix("0 errors, 0 warnings, 1 info in 1 file\n"))
        // Everything excluded: nothing to check.
        let excludedFolder = try repository([
            ".buildx-doctor.yml": "exclude: [\".github\"]\n", ".github/workflows/build.yml": exportingWorkflow(),
        ])
        defer { try? FileManager.default.removeItem(at: excludedFolder) }
        let nothing = try run(["check"], in: excludedFolder)
        #expect(nothing.status == 2)
        #expect(
            nothing.stderr
                == "buildx-doctor: error: nothing to check: no CI file buildx-doctor reads (GitHub Actions, GitLab CI, CircleCI, shell script, Makefile, bake or Compose file) in .\n  excluded .github/workflows/build.yml (by `exclude` in the configuration)\n"
        )
    }

    @Test func runnerFactsReachTheSimulation() throws {
        let repo = try repository([
            ".github/workflows/build.yml": exportingWorkflow(runsOn: "[self-hosted, buildfarm]"),
            "containerd.yml": "runners:\n  - labels: buildfarm\n    image-store: containerd\n",
            "classic.yml": "runners:\n  - labels: buildfarm\n    image-store: classic\n",
        ])
        defer { try? FileManager.default.removeItem(at: repo) }
        let unknown = try run(["check"], in: repo)
        #expect(unknown.status == 1 && unknown.stdout.contains(":8:21: warning: this `type=gha` cache export may fail"))
        #expect(try run(["check", "--config", "containerd.yml"], in: repo).stdout == "0 errors, 0 warnings, 0 info in 1 file\n")
        #expect(try run(["check", "--config", "classic.yml"], in: repo).stdout.contains(":8:21: error: this `type=gha` cache export will fail"))
    }

    @Test func standardInputAndItsName() throws {
        let repo = try repository([".buildx-doctor.yml": "rules:\n  cache-export-unsupported-by-driver: warning\n"])
        defer { try? FileManager.default.removeItem(at: repo) }
        let plain = try run(["check", "-"], in: repo, input: exportingWorkflow())
        #expect(plain.status == 1)
        #expect(plain.stdout.hasPrefix("<stdin>:8:21: warning: this `type=gha` cache export will fail"))
        let named = try run(["check", "--stdin-filename", "./.github/workflows/ci.yml", "--format", "json"], in: repo, input: exportingWorkflow())
        #expect(named.status == 1)
        #expect(named.stdout.contains(#""files":[{"path":".github/workflows/ci.yml","kind":"github-workflow"}]"#))
        let action = try run(
            ["check", "-", "--stdin-filename", "action.yml", "--format", "json"], in: repo,
            input: "runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n")
        #expect(action.status == 0 && action.stdout.contains(#"{"path":"action.yml","kind":"github-composite-action"}"#))
        let invalid = try run(["check", "-"], in: repo, input: "on: [push\n")
        #expect(invalid.status == 1 && invalid.stdout.hasPrefix("<stdin>:2:1: error: invalid YAML"))
        #expect(try run(["check", "-", "-"], in: repo, input: "").status == 2)
        #expect(try run(["check", "--stdin-filename", "a.yml", "Examples"], in: repo).status == 2)
    }

    @Test(arguments: [
        // A list of steps.
        ("- uses: actions/checkout@v4\n- uses: docker/build-push-action@v6\n  with:\n    cache-to: type=gha\n", "<stdin>:4:15:"),
        // One step.
        ("uses: docker/build-push-action@v6\nwith:\n  cache-to: type=gha\n", "<stdin>:3:13:"),
        // A jobs map, one job without runs-on.
        ("build:\n  steps:\n    - uses: docker/build-push-action@v6\n      with:\n        cache-to: type=gha\n", "<stdin>:5:19:"),
        // A workflow without `on:` whose job has no runs-on.
        ("jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n", "<stdin>:6:21:"),
    ])
    func snippetsAreCheckedAsIfOnUbuntuLatest(_ snippet: String, _ position: String) throws {
        let result = try run(["check", "-"], input: snippet)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("\(position) error: this `type=gha` cache export will fail: the build runs on the default `docker` driver"))
    }

    @Test func aForcedKindThatDoesNotFitIsNothingToCheck() throws {
        let result = try run(["check", "-", "--kind", "steps"], input: "uses: docker/build-push-action@v6\n")
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "buildx-doctor: error: nothing to check: no CI file buildx-doctor reads (GitHub Actions, GitLab CI, CircleCI, shell script, Makefile, bake or Compose file) in standard input\n  skipped <stdin>: the document is not a list of steps, so it cannot be read as --kind steps\n"
        )
        let forced = try run(["check", "-", "--kind", "step"], input: "uses: docker/build-push-action@v6\nwith:\n  cache-to: type=gha\n")
        #expect(forced.status == 1)
        #expect(try run(["check", "-", "--kind", "pipeline"], input: "").status == 2)
    }

    @Test func pathsAreRelativeWithoutALeadingDotSlash() throws {
        let repo = try repository([".github/workflows/build.yml": exportingWorkflow()])
        defer { try? FileManager.default.removeItem(at: repo) }
        for arguments in [["check"], ["check", "."], ["check", "./.github/"], ["check", repo.path], ["check", "./.github/workflows/../workflows/build.yml"]] {
            let result = try run(arguments, in: repo)
            #expect(result.stdout.hasPrefix(".github/workflows/build.yml:8:21: error:"), "\(arguments): \(result.stdout)")
        }
    }

    @Test func nothingCheckableIsAnError() throws {
        let empty = try repository(["README.md": "hello\n", "compose.yml": "services: {}\n"])
        defer { try? FileManager.default.removeItem(at: empty) }
        let folder = try run(["check"], in: empty)
        #expect(folder.status == 2 && folder.stdout.isEmpty)
        #expect(folder.stderr == "buildx-doctor: error: nothing to check: no CI file buildx-doctor reads (GitHub Actions, GitLab CI, CircleCI, shell script, Makefile, bake or Compose file) in .\n")
        let named = try run(["check", "compose.yml", "README.md"], in: empty)
        #expect(named.status == 2)
        #expect(
            named.stderr
                == """
                buildx-doctor: error: nothing to check: no CI file buildx-doctor reads (GitHub Actions, GitLab CI, CircleCI, shell script, Makefile, bake or Compose file) in compose.yml, README.md
                  skipped compose.yml: not a file buildx-doctor reads (a GitHub Actions workflow, composite action or snippet, GitLab CI, CircleCI, a shell script, a Makefile, a bake file or a Compose file)
                  skipped README.md: not a file buildx-doctor reads (a GitHub Actions workflow, composite action or snippet, GitLab CI, CircleCI, a shell script, a Makefile, a bake file or a Compose file)

                """)
        let fix = try run(["fix"], in: empty)
        #expect(fix.status == 2 && fix.stderr.hasPrefix("buildx-doctor: error: nothing to check"))
    }

    @Test func typosGetSuggestions() throws {
        let subcommand = try run(["chek", "Examples"])
        #expect(subcommand.status == 2)
        #expect(subcommand.stderr == "buildx-doctor: error: unknown command 'chek'; did you mean 'check'? (`buildx-doctor --help` lists the commands)\n")
        // An existing path is a path, not a typo.
        #expect(try run(["Examples"]).status == 1)
        let rule = try run(["rules", "cache-typ-unknown"])
        #expect(rule.status == 2 && rule.stderr.contains("no rule named 'cache-typ-unknown'; did you mean `cache-type-unknown`?"))
        let fixRule = try run(["fix", "--rule", "inline-cache-mode-mx", "Examples"])
        #expect(fixRule.status == 2 && fixRule.stderr.contains("did you mean `inline-cache-mode-max`?"))
        let repo = try run(["explain", "--list", "--repo", "no-such-folder"])
        #expect(repo.status == 2 && repo.stderr.contains("--repo no-such-folder: no such folder"))
        let workflow = try run(["explain", "--list", "--workflow", "Examples"])
        #expect(workflow.status == 2 && workflow.stderr.contains("--workflow Examples: a folder, not a workflow file; use --repo for a folder"))
    }

    @Test func outputGoesToAFileAndQuietLeavesOutTheSummary() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.sarif")
        let plain = try run(["check", "Examples/failing", "--format", "sarif"])
        let written = try run(["check", "Examples/failing", "--format", "sarif", "--output", report.path])
        #expect(written.status == 1 && written.stdout.isEmpty)
        #expect(try String(contentsOf: report, encoding: .utf8) == plain.stdout)
        let leftover = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(leftover == ["report.sarif"])
        let unwritable = try run(["check", "Examples/failing", "--output", folder.appendingPathComponent("no/such/folder.txt").path])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("not written: cannot create a temporary file"))

        let quiet = try run(["check", "Examples/failing", "--quiet"])
        #expect(quiet.status == 1)
        #expect(quiet.stdout.hasPrefix("Examples/failing/.github/workflows/build.yml:50:13: error:"))
        #expect(!quiet.stdout.contains(" in 1 file"))
        #expect(try run(["check", "Examples/fixed", "-q"]).stdout.isEmpty)
    }

    @Test func theGitHubFormatCarriesTheHelpAndASummary() throws {
        let result = try run(["check", "Examples/failing", "--format", "github"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("::error file=Examples/failing/.github/workflows/build.yml,line=50,col=13,"))
        #expect(lines[0].hasSuffix("%0A%0Ahelp: add a `docker/setup-buildx-action` step before this build in job `build`: it creates a `docker-container` builder and makes it current"))
        #expect(lines[2] == "buildx-doctor: 2 errors, 0 warnings, 0 info in 1 file")
    }

    @Test func explainNamesTheCauseWithoutALeadingDotSlash() throws {
        let repo = try repository([".github/workflows/build.yml": exportingWorkflow()])
        defer { try? FileManager.default.removeItem(at: repo) }
        let log = "ERROR: failed to build: Cache export is not supported for the docker driver.\n"
        let result = try run(["explain", "-", "--repo", "."], in: repo, input: log)
        #expect(result.stdout.contains("caused by .github/workflows/build.yml:"), "\(result.stdout)")
    }

    @Test func aBaselineReportsOnlyNewFindingsFromAnyFolder() throws {
        let repo = try repository([".github/workflows/build.yml": exportingWorkflow()])
        defer { try? FileManager.default.removeItem(at: repo) }
        let write = try run(["check", "--write-baseline", "baseline.json"], in: repo)
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.stderr == "buildx-doctor: recorded 1 finding in baseline.json\n")
        #expect(write.stdout == "0 errors, 0 warnings, 0 info in 1 file (1 in the baseline)\n")
        #expect(try run(["check", "--baseline", "baseline.json"], in: repo).status == 0)

        // Lines above move the finding; a new export is the only new finding.
        let moved = "# a comment\n# another\n" + exportingWorkflow().replacingOccurrences(
            of: "          cache-to: type=gha\n", with: "          cache-to: type=gha\n          cache-from: type=registery\n")
        try moved.write(to: repo.appendingPathComponent(".github/workflows/build.yml"), atomically: true, encoding: .utf8)
        let after = try run(["check", "--baseline", "baseline.json"], in: repo)
        #expect(after.status == 1)
        #expect(after.stdout.hasPrefix(".github/workflows/build.yml:11:23: warning: `registery` is not a cache type"))
        #expect(after.stdout.hasSuffix("0 errors, 1 warning, 0 info in 1 file (1 in the baseline)\n"))
        #expect(!after.stdout.contains("cache-export-unsupported-by-driver"))
        // From another working folder the paths differ, but the baseline's are relative to its own folder.
        let elsewhere = try run(
            ["check", repo.path, "--baseline", repo.appendingPathComponent("baseline.json").path, "--format", "json"],
            in: repo.deletingLastPathComponent())
        #expect(elsewhere.stdout.contains(#""summary":{"error":0,"warning":1,"info":0,"suppressed":1}"#))

        #expect(try run(["check", "--baseline", "b.json", "--write-baseline", "b.json"], in: repo).status == 2)
        let missing = try run(["check", "--baseline", "absent.json"], in: repo)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("buildx-doctor: error: baseline absent.json: cannot be read: No such file or directory (create it with --write-baseline)"))
    }

    @Test func fixPrintsEachChangeOnceAndFollowsFailOn() throws {
        let twoJobs = exportingWorkflow() + """
              other:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      cache-to: type=gha,scope=b
                      cache-from: type=registery

            """
        let repo = try repository([".github/workflows/build.yml": twoJobs])
        defer { try? FileManager.default.removeItem(at: repo) }
        let diff = try run(["fix", "--fail-on", "never"], in: repo)
        #expect(diff.status == 0)
        #expect(diff.stdout.components(separatedBy: "+      - uses: docker/setup-buildx-action@v4").count == 3)
        #expect(
            diff.stderr
                == ".github/workflows/build.yml:17:23: warning: `registery` is not a cache type: BuildKit skips the import (`unknown cache importer: registery`) and the build gets no cache from it [cache-type-unknown] (no safe fix: no cache backend's name is close enough to the written type to be sure which was meant)\n"
        )
        #expect(try run(["fix", "--fail-on", "error", "--quiet"], in: repo).stderr.isEmpty)
        let write = try run(["fix", "--write"], in: repo)
        #expect(write.status == 1)
        #expect(write.stdout == "fixed .github/workflows/build.yml: add `docker/setup-buildx-action` before the build (2 times)\n")
        // Standard input gets its diff; it cannot be written.
        let piped = try run(["fix", "-"], input: exportingWorkflow())
        #expect(piped.status == 0 && piped.stdout.hasPrefix("--- a/<stdin>\n+++ b/<stdin>\n"))
        #expect(try run(["fix", "--write", "-"], input: exportingWorkflow()).status == 2)
    }

    /// A suppression comment in a Makefile a CI job runs hides the finding the job's check places there; a
    /// comment on the same line number of the CI file does not.
    @Test func suppressionsInAFollowedMakefileApply() throws {
        let config = "version: 2.1\njobs:\n  build:\n    machine: true # buildx-doctor: ignore[cache-attribute-unknown] not here\n"
            + "    steps:\n      - run: make image\n"
        let makefile = "image:\n\t# buildx-doctor: ignore[cache-attribute-unknown] on purpose\n"
            + "\tdocker buildx build --cache-to type=registry,ref=ghcr.io/a/b:c,ignore-errors=true .\n"
            + "other:\n\tdocker buildx build --cache-to type=registry,ref=ghcr.io/a/b:c,ignore-errors=true .\n"
        let repo = try repository([".circleci/config.yml": config, "Makefile": makefile.replacingOccurrences(of: "other:\n", with: "")])
        defer { try? FileManager.default.removeItem(at: repo) }
        let result = try run(["check", "--format", "json", "--fail-on", "never"], in: repo)
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        func places(_ key: String) -> [String] {
            (report[key] as? [[String: Any]] ?? []).map { "\($0["rule"]!) \($0["path"]!):\($0["line"]!):\($0["column"]!)" }
        }
        #expect(
            places("diagnostics") == [
                "suppression-unused .circleci/config.yml:4:43", "cache-export-unsupported-by-driver Makefile:3:33",
                "cache-export-unsupported-by-driver Makefile:4:33", "cache-attribute-unknown Makefile:4:65",
            ])
        #expect(places("suppressed") == ["cache-attribute-unknown Makefile:3:65"])
    }

    /// A finding that a CI file's check places in the Makefile it runs carries an edit of the Makefile: it is
    /// applied to the Makefile (once, in the job's context), never to the CI file's bytes.
    @Test func aFixOfAFollowedMakefileIsMadeInTheMakefile() throws {
        let config = "version: 2.1\njobs:\n  build:\n    machine: true\n    steps:\n      - checkout\n      - run: make image\n"
        let makefile = "image:\n\tdocker buildx build --cache-to type=registry,ref=ghcr.io/a/b:c,ignore-errors=true .\n"
        let repo = try repository([".circleci/config.yml": config, "Makefile": makefile])
        defer { try? FileManager.default.removeItem(at: repo) }
        let alone = try run(["fix", "--fail-on", "never", ".circleci/config.yml"], in: repo)
        #expect(alone.stdout == "", "the CI file itself has nothing to fix")
        #expect(alone.stderr.contains("[cache-attribute-unknown] (no safe fix: its edit is in Makefile, which was not among the files to fix)"))
        let write = try run(["fix", "--write", "--fail-on", "never"], in: repo)
        #expect(write.stdout == "fixed Makefile: rename `ignore-errors` to `ignore-error`\n")
        #expect(try String(contentsOf: repo.appendingPathComponent(".circleci/config.yml"), encoding: .utf8) == config)
        #expect(
            try String(contentsOf: repo.appendingPathComponent("Makefile"), encoding: .utf8)
                == makefile.replacingOccurrences(of: "ignore-errors", with: "ignore-error"))
    }
}
