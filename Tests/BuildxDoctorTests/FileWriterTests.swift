@testable import BuildxDoctor
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

private func bytes(at path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

private func write(_ bytes: [UInt8], to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

private func status(_ path: String) -> stat {
    var result = stat()
    lstat(path, &result)
    return result
}

/// The names in `folder`, sorted: what a replacement left behind.
private func entries(_ folder: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }

/// Runs a program found on PATH in `folder`, with `input` on its standard input, through python3's
/// subprocess module: its exit status and everything it printed (standard output and error together).
private func runTool(_ arguments: [String], input: String = "", in folder: URL) throws -> CommandResult {
    let script = """
        import subprocess, sys
        r = subprocess.run(sys.argv[2:], cwd=sys.argv[1], input=sys.stdin.buffer.read(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        sys.stdout.buffer.write(b"%d\\n" % r.returncode + r.stdout)
        """
    let output = try runPython(script, arguments: [folder.path] + arguments, input: input).stdout
    let status = output.prefix { $0 != "\n" }
    return CommandResult(status: Int32(status) ?? -1, stdout: String(output.dropFirst(status.count + 1)), stderr: "")
}

/// Applies `diff` with GNU patch as a user would (`patch -p1` in the repository's folder).
private func applyPatch(_ diff: String, in folder: URL) throws -> CommandResult {
    try runTool(["patch", "-p1", "--batch", "--no-backup-if-mismatch"], input: diff, in: folder)
}

/// What a background writer did, shared with the test that waits for it.
private final class WriterLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stop = false
    private var done = 0
    private var failures: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    var shouldStop: Bool { lock.withLock { stop } }
    var completed: Int { lock.withLock { done } }
    var errors: [String] { lock.withLock { failures } }
    func count() { lock.withLock { done += 1 } }
    func fail(_ message: String) { lock.withLock { failures.append(message) } }
    func finish() { finished.signal() }

    /// Stops the writer and waits until it has returned.
    func stopAndWait() {
        lock.withLock { stop = true }
        finished.wait()
    }
}

/// The outcome of many replacements racing a writer.
private struct RaceResult {
    /// The numbers of the replacements that were made.
    var written: [Int] = []
    /// The numbers of the refused ones, by reason.
    var refused: [String: [Int]] = [:]
    var refusals: Int { refused.values.map(\.count).reduce(0, +) }
    var summary: String { "\(written.count) written, refused: \(refused.mapValues(\.count))" }
}

/// Tries `tries` replacements of the file at `path`, each adding a line `fix N` to what was just read,
/// while a background writer runs `write(0)`, `write(1)`, … (each returning why it failed, or nil) in bursts
/// of `burst` with pauses, so that some replacements meet a write and some do not.
private func replaceRepeatedly(
    _ path: String, tries: Int, burst: Int, while write: @escaping @Sendable (Int) -> String?
) throws -> (RaceResult, WriterLog) {
    let log = WriterLog()
    Thread.detachNewThread {
        var number = 0
        while !log.shouldStop {
            if let failure = write(number) {
                log.fail(failure)
                break
            }
            log.count()
            number += 1
            usleep(number % burst == 0 ? 3000 : UInt32.random(in: 0...60))
        }
        log.finish()
    }
    var result = RaceResult()
    for index in 0..<tries {
        let read = try bytes(at: path)
        do {
            try FileWriter.replace(path, expected: read, with: read + Array("fix \(index)\n".utf8))
            result.written.append(index)
        } catch {
            // `written` errors are the reported, irrecoverable case; the test counts them as losses.
            if error.written { Issue.record("\(error)") }
            result.refused[error.reason, default: []].append(index)
        }
    }
    log.stopAndWait()
    return (result, log)
}

/// The numbers on the lines of `text` that start with `prefix`, in file order.
private func numbers(after prefix: String, in text: [UInt8]) -> [Int] {
    String(decoding: text, as: UTF8.self).split(separator: "\n").compactMap { line in
        line.hasPrefix(prefix) ? Int(line.dropFirst(prefix.count)) : nil
    }
}

/// How the new file takes the name: renameat2's exchange, or the plain rename of file systems without it.
enum SwapKind: String, CaseIterable, Sendable {
    case exchange
    case plainRename
    var exchanging: Bool { self == .exchange }
}

@Suite("Writing fixed files")
struct FileWriterTests {
    @Test(arguments: SwapKind.allCases)
    func replacesAtomicallyAndKeepsTheMode(_ kind: SwapKind) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        try "old\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o640)
        try FileWriter.replace(path, expected: Array("old\n".utf8), with: Array("new\n".utf8), exchanging: kind.exchanging)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(status(path).st_mode & 0o7777 == 0o640)
        #expect(try entries(folder) == ["ci.yml"])
    }

    @Test func refusesAFileThatChangedOnDisk() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        try "edited meanwhile\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FileWriter.WriteError.self) { try FileWriter.replace(path, expected: Array("old\n".utf8), with: [0x61]) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "edited meanwhile\n")
        #expect(try entries(folder) == ["ci.yml"])
    }

    @Test func refusesAReadOnlyFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        try "old\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o444)
        do {
            try FileWriter.replace(path, expected: Array("old\n".utf8), with: [0x61])
            Issue.record("a read-only file was written")
        } catch {
            #expect(error.description == "\(path): not written: the file is read-only")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }

    @Test(arguments: SwapKind.allCases)
    func writesThroughASymbolicLinkToItsTarget(_ kind: SwapKind) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shared = folder.appendingPathComponent("shared")
        let workflows = folder.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        let target = shared.appendingPathComponent("build.yml").path
        try write(Array("old\n".utf8), to: target)
        // A link to a link: both stay links, and the file at the end of the chain is fixed.
        let inner = shared.appendingPathComponent("current.yml").path
        let link = workflows.appendingPathComponent("ci.yml").path
        #expect(symlink("build.yml", inner) == 0)
        #expect(symlink("../shared/current.yml", link) == 0)
        let inode = status(target).st_ino

        try FileWriter.replace(link, expected: Array("old\n".utf8), with: Array("new\n".utf8), exchanging: kind.exchanging)

        #expect(status(link).st_mode & S_IFMT == S_IFLNK)
        #expect(status(inner).st_mode & S_IFMT == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "../shared/current.yml")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: inner) == "build.yml")
        #expect(try bytes(at: target) == Array("new\n".utf8))
        #expect(status(target).st_ino != inode)
        #expect(try entries(workflows) == ["ci.yml"])
        #expect(try entries(shared) == ["build.yml", "current.yml"])
    }

    @Test func refusesAFileWithHardLinksAndLeavesBothNames() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        let other = folder.appendingPathComponent("copy.yml").path
        try write(Array("old\n".utf8), to: path)
        #expect(link(path, other) == 0)
        do {
            try FileWriter.replace(path, expected: Array("old\n".utf8), with: Array("new\n".utf8))
            Issue.record("a file with two hard links was replaced")
        } catch {
            #expect(
                error.description
                    == "\(path): not written: the file has 2 hard links; replacing it would leave the other names with "
                    + "the old text, so apply the diff that `buildx-doctor fix` prints (without --write) by hand")
        }
        #expect(try bytes(at: path) == Array("old\n".utf8))
        #expect(status(path).st_ino == status(other).st_ino)
        #expect(status(path).st_nlink == 2)
        #expect(try entries(folder) == ["ci.yml", "copy.yml"])
    }

    @Test(.enabled(if: geteuid() == 0, "changing a file's owner needs root"), arguments: SwapKind.allCases)
    func keepsOwnerGroupAndSpecialModeBits(_ kind: SwapKind) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        try write(Array("old\n".utf8), to: path)
        #expect(chown(path, 4242, 4343) == 0)
        #expect(chmod(path, 0o6751) == 0)
        try FileWriter.replace(path, expected: Array("old\n".utf8), with: Array("new\n".utf8), exchanging: kind.exchanging)
        let after = status(path)
        #expect(try bytes(at: path) == Array("new\n".utf8))
        #expect(after.st_uid == 4242)
        #expect(after.st_gid == 4343)
        #expect(after.st_mode & 0o7777 == 0o6751)
    }

    /// A user who may write the file but could not give a new file its owner: the write is refused, with
    /// the file untouched (the command line's exit status 2), rather than handing the file to that user.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv"))
    func refusesWhenTheOwnerCannotBeKept() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        chmod(folder.path, 0o777)
        let path = folder.appendingPathComponent("ci.yml").path
        let workflow = fixCases[0].before
        try write(Array(workflow.utf8), to: path)
        chmod(path, 0o666)
        let result = try runTool(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", executable.path, "fix", "--write", "ci.yml"],
            in: folder)
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.contains("ci.yml: not written: cannot give the new file the original's owner and group 0:0: Operation not permitted"))
        #expect(try bytes(at: path) == Array(workflow.utf8))
        #expect(status(path).st_uid == 0)
        #expect(try entries(folder) == ["ci.yml"])
    }

    @Test(arguments: SwapKind.allCases)
    func keepsExtendedAttributes(_ kind: SwapKind) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        try write(Array("old\n".utf8), to: path)
        let calls = try #require(SystemCalls().attributes)
        let value: [UInt8] = Array("reviewed\u{0}by ops".utf8)
        let descriptor = open(path, O_RDONLY)
        let set = value.withUnsafeBytes { calls.set(descriptor, "user.buildx-doctor.test", $0.baseAddress, $0.count, 0) }
        let failure = errno
        let reason = String(cString: strerror(failure))
        close(descriptor)
        guard set == 0 else {
            // Only a file system without user extended attributes may skip this test.
            #expect(failure == ENOTSUP, "setxattr: \(reason)")
            print("keepsExtendedAttributes skipped: \(folder.path) does not support user extended attributes (\(reason))")
            return
        }

        try FileWriter.replace(path, expected: Array("old\n".utf8), with: Array("new\n".utf8), exchanging: kind.exchanging)

        let reopened = open(path, O_RDONLY)
        defer { close(reopened) }
        var copy = [UInt8](repeating: 0, count: 64)
        let count = copy.withUnsafeMutableBytes { calls.get(reopened, "user.buildx-doctor.test", $0.baseAddress, $0.count) }
        #expect(count == value.count)
        #expect(Array(copy.prefix(max(count, 0))) == value)
        #expect(try bytes(at: path) == Array("new\n".utf8))
    }

    /// A program appending to the file in a loop (as `echo … >> file` does) while fix writes it again and
    /// again: every append must survive, and every replacement reported as made must be in the file. With
    /// `holding`, the appender keeps the file open that many microseconds before it writes, as a slower
    /// program would: its descriptor still leads to the old file after the swap.
    @Test(arguments: [0, 700])
    func aConcurrentAppenderLosesNothing(holding: UInt32) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        try write(Array("base\n".utf8), to: path)

        let (result, log) = try replaceRepeatedly(path, tries: 200, burst: 8) { line in
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard descriptor >= 0 else { return "open: \(String(cString: strerror(errno)))" }
            if holding > 0 { usleep(UInt32.random(in: 0...holding)) }
            let text = Array("append \(line)\n".utf8)
            let count = text.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            return count == text.count ? nil : "write: \(count)"
        }

        let final = try bytes(at: path)
        print("concurrent appender holding \(holding) µs: \(log.completed) appends, \(result.summary)")
        #expect(log.errors.isEmpty, "\(log.errors)")
        #expect(result.written.count + result.refusals == 200)
        #expect(!result.written.isEmpty)
        #expect(log.completed > 0)
        #expect(numbers(after: "append ", in: final) == Array(0..<log.completed))
        #expect(numbers(after: "fix ", in: final) == result.written)
        #expect(final.starts(with: Array("base\n".utf8)))
        #expect(try entries(folder) == ["ci.yml"])
    }

    /// An editor saving the way most do (write a new file, rename it over the old one), each save adding
    /// a line to what is on disk: no save may be undone by fix.
    @Test func anEditorsAtomicSaveLosesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml").path
        let swap = folder.appendingPathComponent(".ci.yml.swp").path
        try write(Array("base\n".utf8), to: path)

        let (result, log) = try replaceRepeatedly(path, tries: 100, burst: 4) { save in
            do {
                try write(try bytes(at: path) + Array("edit \(save)\n".utf8), to: swap)
            } catch {
                return "\(error)"
            }
            return rename(swap, path) == 0 ? nil : "rename: \(String(cString: strerror(errno)))"
        }

        let final = try bytes(at: path)
        print("editor saves: \(log.completed) saves, \(result.summary)")
        #expect(log.errors.isEmpty, "\(log.errors)")
        #expect(result.written.count + result.refusals == 100)
        #expect(log.completed > 0)
        #expect(numbers(after: "edit ", in: final) == Array(0..<log.completed))
        // A save can drop a fix made between its read and its rename (the editor's doing). It can also keep
        // one whose new file it read and saved on, after which fix found its file replaced and said so.
        let replacedAfterTheSwap = result.refused["another program replaced the file while it was written; its version was kept"] ?? []
        #expect(Set(numbers(after: "fix ", in: final)).isSubset(of: Set(result.written + replacedAfterTheSwap)))
        #expect(try entries(folder) == ["ci.yml"])
    }
}

/// One diff case: a file before and after a fix, as bytes.
struct DiffCase: CustomTestStringConvertible, Sendable {
    let name: String
    let old: [UInt8]
    let new: [UInt8]
    var testDescription: String { name }

    init(_ name: String, _ old: String, _ new: String, byteOrderMark: Bool = false) {
        self.name = name
        let mark: [UInt8] = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        self.old = mark + Array(old.utf8)
        self.new = mark + Array(new.utf8)
    }
}

let diffCases: [DiffCase] = [
    DiffCase("LF", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nB\nc\nd\ne\nf\ng\nH\ni\n"),
    DiffCase("CRLF", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\nd\r\n"),
    DiffCase("mixed line endings", "a\r\nb\nc\r\nd\n", "a\r\nb\nC\r\nd\n"),
    DiffCase("a line ending changed only", "a\r\nb\r\nc\r\n", "a\r\nb\nc\r\n"),
    DiffCase("no final newline, last line changed", "a\nb\nc", "a\nb\nC"),
    DiffCase("no final newline, lines added before it", "a\nb\nc", "a\nx\nb\nc"),
    DiffCase("a final newline added", "a\nb", "a\nb\n"),
    DiffCase("CRLF without a final newline", "a\r\nb\r\nc", "a\r\nB\r\nc\r\nd"),
    DiffCase("a lone CR at the end", "a\nb\r", "a\nB\r"),
    DiffCase("a byte order mark, first line changed", "on: push\r\njobs: {}\r\n", "on: [push]\r\njobs: {}\r\n", byteOrderMark: true),
    DiffCase("a byte order mark, a line inserted after it", "a\nb\n", "a\nx\nb\n", byteOrderMark: true),
    DiffCase("canonically equivalent but different bytes", "caf\u{E9}\n", "cafe\u{301}\n"),
    DiffCase("all lines removed", "a\nb\n", ""),
]

@Suite("Diffs apply with patch")
struct FileWriterDiffTests {
    /// The printed diff, applied with `patch -p1`, gives exactly the bytes `FileWriter` writes.
    @Test(arguments: diffCases)
    func patchGivesTheWrittenBytes(_ testCase: DiffCase) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let patched = folder.appendingPathComponent("ci.yml").path
        let written = folder.appendingPathComponent("written.yml").path
        try write(testCase.old, to: patched)
        try write(testCase.old, to: written)
        let diff = UnifiedDiff.between(testCase.old, testCase.new, path: "ci.yml")
        #expect(!diff.isEmpty)
        let result = try applyPatch(diff, in: folder)
        #expect(result.status == 0, "\(result.stdout)\n\(diff)")
        try FileWriter.replace(written, expected: testCase.old, with: testCase.new)
        #expect(try bytes(at: written) == testCase.new)
        #expect(try bytes(at: patched) == testCase.new, "\(diff)")
    }

    @Test func namesWithSpacesQuotesAndTabsReachTheRightFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["my ci.yml", "say \"hi\".yml", "tab\there.yml", "back\\slash.yml", "caf\u{E9} build.yml"] {
            let path = folder.appendingPathComponent(name).path
            try write(Array("a\nb\n".utf8), to: path)
            let diff = UnifiedDiff.between(Array("a\nb\n".utf8), Array("a\nc\n".utf8), path: "./" + name)
            let result = try applyPatch(diff, in: folder)
            #expect(result.status == 0, "\(name): \(result.stdout)\n\(diff)")
            #expect(try bytes(at: path) == Array("a\nc\n".utf8), "\(name)")
        }
        #expect(
            UnifiedDiff.between(Array("a\n".utf8), Array("b\n".utf8), path: "x\u{1}\"y")
                == "--- \"a/x\\001\\\"y\"\n+++ \"b/x\\001\\\"y\"\n@@ -1,1 +1,1 @@\n-a\n+b\n")
        #expect(
            UnifiedDiff.between(Array("a\n".utf8), Array("b\n".utf8), path: "my ci.yml")
                == "--- a/my ci.yml\t\n+++ b/my ci.yml\t\n@@ -1,1 +1,1 @@\n-a\n+b\n")
    }

    @Test func aCRLFLineIsPrintedWithItsCarriageReturnAndNoMarker() {
        let diff = UnifiedDiff.between(Array("a\r\nb\r\n".utf8), Array("a\r\nc\r\n".utf8), path: "x.yml")
        #expect(diff == "--- a/x.yml\n+++ b/x.yml\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n")
    }

    /// End to end: `buildx-doctor fix` prints a diff that `patch -p1` applies to give the bytes
    /// `buildx-doctor fix --write` writes, for a CRLF workflow with a byte order mark and for one without
    /// a final newline.
    @Test(arguments: [
        DiffCase("CRLF with a byte order mark", fixCases[0].before.replacingOccurrences(of: "\n", with: "\r\n"), "", byteOrderMark: true),
        DiffCase("LF without a final newline", String(fixCases[0].before.dropLast()), ""),
    ])
    func theCommandsDiffGivesWhatWriteWrites(_ testCase: DiffCase) throws {
        let original = testCase.old
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let patchedFolder = folder.appendingPathComponent("patched")
        let writtenFolder = folder.appendingPathComponent("written")
        for repository in [patchedFolder, writtenFolder] {
            try FileManager.default.createDirectory(at: repository.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
            try write(original, to: repository.appendingPathComponent(".github/workflows/ci.yml").path)
        }
        let diff = try run(["fix", ".github/workflows/ci.yml"], in: patchedFolder)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.hasPrefix("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n"))
        let patch = try applyPatch(diff.stdout, in: patchedFolder)
        #expect(patch.status == 0, "\(patch.stdout)\n\(diff.stdout)")
        let write = try run(["fix", "--write", ".github/workflows/ci.yml"], in: writtenFolder)
        #expect(write.status == 0, "\(write.stderr)")
        let written = try bytes(at: writtenFolder.appendingPathComponent(".github/workflows/ci.yml").path)
        #expect(written != original)
        #expect(written.starts(with: original.prefix(3)))
        #expect(try bytes(at: patchedFolder.appendingPathComponent(".github/workflows/ci.yml").path) == written)
    }
}
