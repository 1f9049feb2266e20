@testable import BuildxDoctor
import Foundation
import Testing

/// An error line as buildx, BuildKit, a registry or an action prints it, and a near miss, for one signature.
struct SignatureExample: CustomTestStringConvertible, Sendable {
    let signature: String
    let example: String
    let nearMiss: String
    var testDescription: String { "\(signature): \(example.prefix(60))" }
}

let signatureExamples: [SignatureExample] = {
    let text = (try? fixture("log-signatures.tsv")) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return SignatureExample(signature: fields[0], example: fields[1], nearMiss: fields[2])
    }
}()

private func scan(_ text: String) -> LogReport { LogScanner.standard.scan(Array(text.utf8)) }

@Suite("Log scanner")
struct LogScannerTests {
    @Test(arguments: signatureExamples)
    func verbatimExampleIsRecognised(_ example: SignatureExample) {
        #expect(scan(example.example).explanations.map(\.signature.id).contains(example.signature))
    }

    @Test(arguments: signatureExamples)
    func nearMissIsNot(_ example: SignatureExample) {
        #expect(!scan(example.nearMiss).explanations.map(\.signature.id).contains(example.signature))
    }

    @Test func everySignatureHasAnExample() {
        let covered = Set(signatureExamples.map(\.signature))
        let matchable = SignatureCatalog.all.filter { !$0.fragments.isEmpty }.map(\.id)
        #expect(matchable.filter { !covered.contains($0) }.isEmpty)
        #expect(Set(SignatureCatalog.all.map(\.id)).count == SignatureCatalog.all.count)
    }

    @Test func githubRawLogWithTimestampsColourAndCRLF() {
        let log = "2024-05-01T12:34:56.1234567Z ##[group]Run docker/build-push-action@v6\r\n"
            + "2024-05-01T12:35:01.0000000Z \u{1B}[31mERROR: failed to build: Cache export is not supported for the docker driver.\u{1B}[0m\r\n"
            + "2024-05-01T12:35:02.0000000Z ##[error]buildx failed with: Learn more at https://docs.docker.com/go/build-cache-backends/\r\n"
        let report = scan(log)
        #expect(report.explanations.count == 1)
        #expect(report.explanations.first?.logLine == 2)
        #expect(report.explanations.first?.excerpt == "ERROR: failed to build: Cache export is not supported for the docker driver.")
    }

    @Test func gitlabSectionsAndBuildKitProgress() {
        let log = "section_start:1700000000:step_script\r\u{1B}[0KExecuting \"step_script\"\n"
            + "#8 importing cache manifest from registry.gitlab.com/acme/app:cache\n"
            + "#8 ERROR: failed to authorize: 401 Unauthorized\n"
            + "#12 0.123 npm install\n"
            + "------\n > [build 3/4] RUN make:\n------\nDockerfile:12\n"
            + "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n"
            + "section_end:1700000001:step_script\r\u{1B}[0K\n"
        let report = scan(log)
        #expect(report.explanations.map(\.signature.id) == ["cache-import-failed"])
        #expect(report.explanations.first?.signature.kind == .coldCache)
        #expect(report.unrecognized.map(\.line) == [9])
    }

    @Test func severalErrorsEachOnceFailureFirst() {
        let log = "WARNING: local cache import at /tmp/c not found due to err: could not read /tmp/c/index.json\n"
            + "#5 ERROR: unknown cache importer: gha\n"
            + "ERROR: failed to build: Cache export is not supported for the docker driver.\n"
            + "ERROR: failed to build: Cache export is not supported for the docker driver.\n"
        let report = scan(log)
        #expect(report.explanations.map(\.signature.id) == ["cache-export-docker-driver", "local-cache-not-found", "unknown-cache-importer"])
        #expect(report.explanations.map(\.logLine) == [3, 1, 2])
    }

    @Test func matchesAcrossChunkBoundaries() {
        let filler = String(repeating: "x", count: (1 << 20) - 10) + "\n"
        let report = scan(filler + "ERROR: failed to build: Cache export is not supported for the docker driver.\n")
        #expect(report.explanations.first?.logLine == 2)
        #expect(report.explanations.first?.excerpt.hasPrefix("ERROR: failed to build") == true)
    }

    @Test func mappedFilesMatchAcrossWindows() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("big.log").path
        let filler = String(repeating: String(repeating: "y", count: 99) + "\n", count: 50_000)  // 5 MB, 50,000 lines
        try (filler + "#3 ERROR: unknown cache importer: gha\n" + filler + "ERROR: failed to build: duplicate cache exports [registry]\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let report = LogScanner.standard.scan(fileDescriptor: descriptor)
        #expect(report.explanations.map(\.signature.id) == ["duplicate-cache-exports", "unknown-cache-importer"])
        #expect(report.explanations.map(\.logLine) == [100_002, 50_001])
    }

    @Test func emptyAndBinaryLogs() {
        #expect(scan("").explanations.isEmpty && scan("").unrecognized.isEmpty)
        #expect(LogScanner.standard.scan([0x61, 0x0A, 0x00, 0x62]).binaryLine == 2)
    }

    @Test func correlationNamesTheWorkflowLine() throws {
        let check = Checker().check(paths: [packageRoot.appendingPathComponent("Examples/failing").path])
        let report = scan("ERROR: failed to build: Cache export is not supported for the docker driver.\n").correlated(with: check)
        #expect(report.explanations.first?.location?.span.start.line == 50)
        #expect(ExplanationReporter.text(report).contains("caused by "))
        #expect(ExplanationReporter.json(report).contains(#""location":{"path":"#))
    }
}
