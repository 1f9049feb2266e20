@testable import BuildxDoctor
import Foundation
import Testing

/// Runs a bash script with `$BXD` set to the built executable, in the package root.
func shell(_ script: String, standardOutput: FileHandle? = nil) throws -> CommandResult {
    try spawn(
        URL(fileURLWithPath: "/bin/bash"), ["-c", script], environment: ["BXD": executable.path], standardOutput: standardOutput)
}

private let failingWorkflow = "Examples/failing/.github/workflows/build.yml"

/// Output that cannot be written: every command ends with 2 and says so on standard error.
@Suite("Input and output: writing")
struct OutputFailureTests {
    static let commands = [
        "check Examples/failing", "fix Examples/failing", "rules", "rules cache-type-unknown", "explain --list",
        "explain --print-fragments", "--help", "--version", "check --format json Examples/failing",
    ]

    @Test(arguments: commands)
    func aFullDiskEndsTheRunWithTwo(_ command: String) throws {
        let result = try shell("\"$BXD\" \(command) > /dev/full")
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: cannot write to standard output: No space left on device\n")
    }

    @Test func aClosedStandardOutputEndsTheRunWithTwo() throws {
        let result = try shell("\"$BXD\" check Examples/failing >&-")
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: cannot write to standard output: Bad file descriptor\n")
    }

    @Test func fixWritesWithStandardOutputClosedAndStillEndsWithTwo() throws {
        let repo = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: repo) }
        let workflows = repo.appendingPathComponent(".github/workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        let workflow = workflows.appendingPathComponent("build.yml")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(failingWorkflow), to: workflow)
        let before = try Data(contentsOf: workflow)
        let result = try shell("\"$BXD\" fix --write '\(repo.path)' >&-")
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: cannot write to standard output: Bad file descriptor\n")
        let after = try String(decoding: Data(contentsOf: workflow), as: UTF8.self)
        #expect(try Data(contentsOf: workflow) != before)
        #expect(!after.contains("fixed "))
    }

    @Test func aFullStandardErrorEndsTheRunWithTwo() throws {
        let result = try shell("\"$BXD\" check Examples/fixed no-such.yml 2>/dev/full")
        #expect(result.status == 2)
        #expect(result.stdout == "")
        // Without the failing write the same run would pass.
        #expect(try shell("\"$BXD\" check Examples/fixed 2>/dev/full").status == 0)
    }

    @Test func aBrokenPipeWithSIGPIPEIgnoredEndsTheRunWithTwo() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let result = try shell("trap '' PIPE; exec \"$BXD\" rules", standardOutput: pipe.fileHandleForWriting)
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: cannot write to standard output: Broken pipe\n")
    }

    @Test func theSinkWritesEverythingAndNamesTheFailure() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let text = String(repeating: "line\n", count: 40_000)
        // 200 kB is more than a pipe holds: the reader drains it while the sink is still writing.
        let readEnd = descriptors[0]
        let total = ReadTotal()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var count = 0
            while case let got = read(readEnd, &buffer, buffer.count), got > 0 { count += got }
            total.set(count)
            done.signal()
        }
        let written = Result { () throws(OutputSink.Failure) in
            try OutputSink(descriptor: descriptors[1], name: "the pipe").write(text)
        }
        close(descriptors[1])
        done.wait()
        try written.get()
        #expect(total.value == 200_000)

        let full = open("/dev/full", O_WRONLY)
        defer { close(full) }
        #expect(throws: OutputSink.Failure(output: "the disk", code: ENOSPC)) {
            try OutputSink(descriptor: full, name: "the disk").write("x")
        }
        #expect(OutputSink.Failure(output: "the disk", code: ENOSPC).description == "cannot write to the disk: No space left on device")
    }
}

/// Written once by the reader of the sink test.
private final class ReadTotal: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Int?
    var value: Int? { lock.withLock { total } }
    func set(_ value: Int) { lock.withLock { total = value } }
}

/// Files that are pipes or devices, and the size limit.
@Suite("Input and output: reading")
struct InputReadingTests {
    @Test func aProcessSubstitutionIsChecked() throws {
        let result = try shell("\"$BXD\" check <(cat \(failingWorkflow))")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains(":50:13: error: this `type=registry` cache export will fail"))
        #expect(result.stdout.hasSuffix("2 errors, 0 warnings, 0 info in 1 file\n"))
        #expect(result.stderr == "")
    }

    @Test(arguments: ["\"$BXD\" check /dev/stdin < \(failingWorkflow)", "cat \(failingWorkflow) | \"$BXD\" check /dev/stdin"])
    func standardInputIsChecked(_ script: String) throws {
        let result = try shell(script)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("/dev/stdin:50:13: error:"))
        #expect(result.stdout.hasSuffix("2 errors, 0 warnings, 0 info in 1 file\n"))
    }

    @Test func aNamedFIFOIsCheckedAndOneFoundInAFolderIsPassedOver() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let workflows = folder.appendingPathComponent(".github/workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        let fifo = workflows.appendingPathComponent("fifo.yml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let named = try shell("cat \(failingWorkflow) > '\(fifo)' & \"$BXD\" check '\(fifo)'")
        #expect(named.status == 1, "\(named.stderr)")
        #expect(named.stdout.hasSuffix("2 errors, 0 warnings, 0 info in 1 file\n"))
        // Searching the folder must not open the FIFO, which has no writer now and would block.
        let searched = try shell("timeout 60 \"$BXD\" check '\(folder.path)'")
        // Nothing else is there to check, which is an error rather than an all-clear.
        #expect(searched.status == 2)
        #expect(searched.stderr.hasPrefix("buildx-doctor: error: nothing to check:"))
    }

    @Test func aStreamOverTheLimitIsRefused() throws {
        let result = try shell("head -c 9000000 /dev/zero | tr '\\0' a | \"$BXD\" check /dev/stdin")
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: /dev/stdin: too large to check (more than the limit of 8388608 bytes)\n")
        let device = try shell("\"$BXD\" check /dev/zero")
        #expect(device.status == 2)
        #expect(device.stderr == "buildx-doctor: error: /dev/zero: too large to check (more than the limit of 8388608 bytes)\n")
    }

    @Test func aPipeIsReadNoFurtherThanOneBytePastTheLimit() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let written = [UInt8](repeating: 0x61, count: 100)
        #expect(write(descriptors[1], written, written.count) == 100)
        close(descriptors[1])
        // /dev/fd/N opens the same pipe, as `<(…)` hands it over.
        #expect(throws: RawFile.Failure.tooLarge(bytes: nil)) { try RawFile.read("/dev/fd/\(descriptors[0])", limit: 10) }
        var rest = [UInt8](repeating: 0, count: 200)
        #expect(read(descriptors[0], &rest, rest.count) == 89)
    }

    @Test func aPipeAtTheLimitIsRead() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        #expect(write(descriptors[1], "0123456789", 10) == 10)
        close(descriptors[1])
        #expect(try RawFile.read("/dev/fd/\(descriptors[0])", limit: 10) == Array("0123456789".utf8))
    }

    @Test func aLargeFileIsRefusedBeforeReading() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("action.yml").path
        // Sparse: 2 GiB that take no disk; reading it whole would take 2 GiB of memory.
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 1 << 31) == 0)
        #expect(throws: RawFile.Failure.tooLarge(bytes: 1 << 31)) { try RawFile.read(path, limit: 8 << 20) }
        #expect(throws: InputError(path: path, reason: .tooLarge(bytes: 1 << 31, limit: 8 << 20))) {
            try Checker().load(path)
        }
    }

    @Test func localActionsAreReadUnderTheCheckersLimit() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let workflows = root.appendingPathComponent(".github/workflows")
        let action = root.appendingPathComponent(".github/actions/setup")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: action, withIntermediateDirectories: true)
        let workflow = SourceFile(
            path: workflows.appendingPathComponent("ci.yml").path,
            text: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/setup\n"
                + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n")
        // An action that does not set up buildx, in 2,070 bytes: under the default limit, over 1,000.
        // Read, it shows the build runs on the docker driver; unread, the frontend cannot tell.
        let padding = String(repeating: "# padding\n", count: 200)
        try ("runs:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n" + padding)
            .write(to: action.appendingPathComponent("action.yml"), atomically: true, encoding: .utf8)
        func rules(_ checker: Checker) -> [String] {
            guard case .checked(_, _, let diagnostics) = checker.check(workflow) else { return ["not checked"] }
            return diagnostics.map(\.rule)
        }
        #expect(rules(Checker()) == ["cache-export-unsupported-by-driver"])
        #expect(rules(Checker(maximumFileSize: 1_000)) == [])

        // A FIFO where the action should be is passed over at once, not waited on.
        try FileManager.default.removeItem(at: action.appendingPathComponent("action.yml"))
        #expect(mkfifo(action.appendingPathComponent("action.yml").path, 0o600) == 0)
        #expect(throws: RawFile.Failure.system("not a regular file")) {
            try RawFile.read(action.appendingPathComponent("action.yml").path, kinds: .regularFilesOnly)
        }
        #expect(rules(Checker()) == [])
    }
}

/// Which files a run reads: folders it cannot read, and files named more than once.
@Suite("Input and output: discovery")
struct DiscoveryTests {
    /// Root reads every folder whatever its mode; without the two capabilities that let it, it cannot.
    static var canMakeUnreadableFolders: Bool {
        geteuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
    }

    @Test(.enabled(if: canMakeUnreadableFolders)) func anUnreadableFolderIsAnInputError() throws {
        let folder = try temporaryFolder()
        defer {
            chmod(folder.appendingPathComponent("b").path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        let workflows = folder.appendingPathComponent("a/.github/workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent(failingWorkflow), to: workflows.appendingPathComponent("build.yml"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("b/.github"), withIntermediateDirectories: true)
        chmod(folder.appendingPathComponent("b").path, 0)
        let prefix = geteuid() == 0 ? "setpriv --bounding-set -dac_override,-dac_read_search " : ""
        let result = try shell("\(prefix)\"$BXD\" check '\(folder.path)'")
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: \(folder.path)/b: cannot be read: Permission denied\n")
        #expect(result.stdout.hasSuffix("2 errors, 0 warnings, 0 info in 1 file\n"))
        // A file inside it exists but cannot be looked at: not "no such file".
        let inside = try shell("\(prefix)\"$BXD\" check '\(folder.path)/b/.github'")
        #expect(inside.status == 2)
        #expect(inside.stderr == "buildx-doctor: error: \(folder.path)/b/.github: cannot be read: Permission denied\n")
    }

    @Test func searchSkipsDependenciesAndLinksAndKeepsASortedOrder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manager = FileManager.default
        for path in ["z/action.yml", "a/action.yaml", ".github/workflows/b.yml", ".github/workflows/a.yaml",
            ".github/workflows/nested/c.yml", "node_modules/x/action.yml", ".git/action.yml", "m/.github/workflows/d.yml"]
        {
            let url = folder.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "x".write(to: url, atomically: true, encoding: .utf8)
        }
        // A link back to the root would loop; a linked file is not in the Git tree GitHub reads.
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: ".")
        try manager.createDirectory(at: folder.appendingPathComponent("linked"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(
            atPath: folder.appendingPathComponent("linked/action.yml").path, withDestinationPath: "../z/action.yml")
        let (candidates, errors) = FileDiscovery.candidates(in: [folder.path])
        #expect(errors.isEmpty)
        #expect(candidates.map { String($0.path.dropFirst(folder.path.count + 1)) } == [
            ".github/workflows/a.yaml", ".github/workflows/b.yml", "a/action.yaml", "m/.github/workflows/d.yml",
            "z/action.yml",
        ])
        #expect(candidates.allSatisfy { !$0.isExplicit })
    }

    @Test func aFileNamedSeveralTimesIsCheckedOnceUnderItsFirstSpelling() throws {
        let result = try run(["check", "--format", "json", "build.yml", "build.yml", "./build.yml", "../workflows/build.yml", "../.."],
            in: packageRoot.appendingPathComponent("Examples/failing/.github/workflows"))
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["files"] as? [[String: String]]) == [["path": "build.yml", "kind": "github-workflow"]])
        #expect((object["diagnostics"] as? [Any])?.count == 2)

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.yml").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(link(file, folder.appendingPathComponent("b.yml").path) == 0)
        let (candidates, errors) = FileDiscovery.candidates(in: [folder.path + "/b.yml", file, folder.path + "//a.yml"])
        #expect(errors.isEmpty)
        #expect(candidates == [FileDiscovery.Candidate(path: folder.path + "/b.yml", isExplicit: true)])
    }
}

/// `explain` decides "binary" on the same bytes however the log arrives.
@Suite("Input and output: binary logs")
struct BinaryLogTests {
    /// 69,999 bytes of 100-byte lines, then a NUL at byte 70,000 (offset 69,999) on line 700.
    static let log: [UInt8] = {
        var bytes = Array((String(repeating: "x", count: 99) + "\n").utf8)
        bytes = Array(repeating: bytes, count: 700).flatMap { $0 }
        bytes[69_999] = 0
        return bytes
    }()

    @Test func aNULPastTheFirstPipeReadIsFoundInAFileAndInAPipe() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("job.log")
        try Data(Self.log).write(to: file)
        let fromFile = try shell("\"$BXD\" explain '\(file.path)'")
        #expect(fromFile.status == 2)
        #expect(fromFile.stderr == "buildx-doctor: error: \(file.path):700: not a text log (NUL byte)\n")
        let fromPipe = try shell("cat '\(file.path)' | \"$BXD\" explain")
        #expect(fromPipe.status == 2)
        #expect(fromPipe.stderr == "buildx-doctor: error: -:700: not a text log (NUL byte)\n")
    }

    @Test func smallReadsFindTheSameLineAndTheProbeEndsAtOneMegabyte() {
        func scan(_ bytes: [UInt8], readSize: Int) -> Int? {
            var offset = 0
            return LogScanner.standard.scan { buffer in
                let count = min(buffer.count, readSize, bytes.count - offset)
                bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
                offset += count
                return count
            }.binaryLine
        }
        #expect(scan(Self.log, readSize: 1 << 16) == 700)
        #expect(scan(Self.log, readSize: 1_000) == 700)
        #expect(scan(Self.log, readSize: 77) == 700)
        var late = [UInt8](repeating: 0x0A, count: LogScanner.binaryProbe + 10)
        late[LogScanner.binaryProbe - 1] = 0
        #expect(scan(late, readSize: 1 << 16) == LogScanner.binaryProbe)
        late[LogScanner.binaryProbe - 1] = 0x0A
        late[LogScanner.binaryProbe] = 0
        #expect(scan(late, readSize: 1 << 16) == nil)
    }

    @Test func aMappedFileProbesTheSameMegabyte() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("job.log").path
        func scanFile(_ bytes: [UInt8]) throws -> Int? {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let descriptor = open(path, O_RDONLY)
            defer { close(descriptor) }
            return LogScanner.standard.scan(fileDescriptor: descriptor).binaryLine
        }
        var late = [UInt8](repeating: 0x0A, count: LogScanner.binaryProbe + 10)
        late[LogScanner.binaryProbe - 1] = 0
        #expect(try scanFile(late) == LogScanner.binaryProbe)
        late[LogScanner.binaryProbe - 1] = 0x0A
        late[LogScanner.binaryProbe] = 0
        #expect(try scanFile(late) == nil)
    }
}

/// The text reporter's caret line and the length of what reports quote.
@Suite("Input and output: reported text")
struct ReportedTextTests {
    private func report(line: String, column: Int, endColumn: Int, message: String = "m") -> CheckReport {
        let file = SourceFile(path: "ci.yml", text: "on: push\n" + line + "\n")
        let span = Span(
            path: "ci.yml", start: file.location(line: 2, column: column), end: file.location(line: 2, column: endColumn))
        let diagnostic = Diagnostic(rule: "r", severity: .error, message: message, span: span, help: nil)
        return CheckReport(results: [.checked(file, kind: .githubWorkflow, diagnostics: [diagnostic])])
    }

    private func excerpt(_ report: CheckReport) -> [String] {
        Array(TextReporter(colored: false).render(report).split(separator: "\n").map(String.init)[1...2])
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.columns(of: "abc") == 3)
        #expect(DisplayWidth.columns(of: "日本語") == 6)
        #expect(DisplayWidth.columns(of: "ｶﾀｶﾅ") == 4)  // halfwidth katakana: one column each
        #expect(DisplayWidth.columns(of: "ＡＢ") == 4)  // fullwidth Latin
        #expect(DisplayWidth.columns(of: "e\u{301}") == 1)
        #expect(DisplayWidth.columns(of: "\u{301}") == 0)
        #expect(DisplayWidth.columns(of: "🐳") == 2)
        #expect(DisplayWidth.columns(of: "👨‍👩‍👧") == 2)
        #expect(DisplayWidth.columns(of: "🇯🇵") == 2)
        #expect(DisplayWidth.columns(of: "❤") == 1)
        #expect(DisplayWidth.columns(of: "❤️") == 2)
        #expect(DisplayWidth.columns(of: "\u{1100}\u{1161}\u{11A8}") == 2)  // a Hangul syllable from jamo
        #expect(DisplayWidth.columns(of: "한국") == 4)
        #expect(DisplayWidth.columns(of: "\u{200B}") == 0)
    }

    @Test func theCaretLinesUpUnderWideCharacters() {
        // Columns count scalars: `x` is column 14, after 2 + 6 + 1 + 2 + 2 = 13 scalars taking
        // 2 + 12 + 2 + 1 + 2 = 19 terminal columns.
        let line = "  日本語のタグ🐳\u{E9}\u{301}: x"
        #expect(excerpt(report(line: line, column: 14, endColumn: 15)) == ["  " + line, "  " + String(repeating: " ", count: 19) + "^"])
        let underlined = excerpt(report(line: "  tag: 日本🐳", column: 8, endColumn: 11))
        #expect(underlined[1] == "         ^~~~~~")
        let tabbed = excerpt(report(line: "\t日\tx", column: 4, endColumn: 5))
        #expect(tabbed[1] == "  \t  \t^")
    }

    @Test func longLinesAreCutToAWindowAroundTheSpan() {
        let line = "k: " + String(repeating: "a", count: 100_000) + "BAD" + String(repeating: "b", count: 100_000)
        let lines = excerpt(report(line: line, column: 100_004, endColumn: 100_007))
        #expect(lines[0] == "  …" + String(repeating: "a", count: 40) + "BAD" + String(repeating: "b", count: 117) + "…")
        #expect(lines[1] == "  " + String(repeating: " ", count: 41) + "^~~")
        let end = excerpt(report(line: line, column: 200_007, endColumn: 200_007))
        #expect(end[0] == "  …" + String(repeating: "b", count: 160))
        #expect(end[1] == "  " + String(repeating: " ", count: 161) + "^")
    }

    @Test func longMessagesAreCutAndControlCharactersAreNotPrinted() throws {
        let message = "`" + String(repeating: "x", count: 2_000_000) + "` is not a cache type"
        let longReport = report(line: "k: v", column: 4, endColumn: 5, message: message)
        let first = TextReporter(colored: false).render(longReport).split(separator: "\n")[0]
        #expect(first == "ci.yml:2:4: error: `" + String(repeating: "x", count: 999) + "… [r]")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(JSONReporter().render(longReport).utf8)) as? [String: Any])
        let reported = try #require((json["diagnostics"] as? [[String: Any]])?.first?["message"] as? String)
        #expect(reported == "`" + String(repeating: "x", count: 999) + "…")
        #expect(GitHubReporter().render(longReport).count < 1_200)
        #expect(!SARIFReporter().render(longReport).contains(String(repeating: "x", count: 1_000)))

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let workflow = folder.appendingPathComponent("ci.yml")
        try ("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=" + String(repeating: "q", count: 50_000) + "\n")
            .write(to: workflow, atomically: true, encoding: .utf8)
        let fix = try run(["fix", workflow.path])
        #expect(fix.status == 1)
        #expect(fix.stderr.contains("q…` [cache-type-unknown] (no safe fix"))
        #expect(fix.stderr.count < 1_200)

        let escaped = TextReporter(colored: false).render(report(line: "k: \u{1B}[2Jv", column: 4, endColumn: 5, message: "a\u{1B}]0;x\u{7}\nb"))
        #expect(!escaped.contains("\u{1B}") && !escaped.contains("\u{7}"))
        #expect(escaped.hasPrefix("ci.yml:2:4: error: a\u{FFFD}]0;x\u{FFFD}\u{FFFD}b [r]\n  k: \u{FFFD}[2Jv\n     ^\n"))
    }
}
