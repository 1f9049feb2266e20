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

    @Test func mostSpecificSignatureWinsWhateverTheCatalogOrder() {
        let general = ErrorSignature(id: "general", title: "g", rootCause: "", fix: [], documentation: "", fragments: ["not supported"])
        let specific = ErrorSignature(
            id: "specific", title: "s", rootCause: "", fix: [], documentation: "", fragments: ["cache export is not supported"])
        let twin = ErrorSignature(id: "twin", title: "t", rootCause: "", fix: [], documentation: "", fragments: ["export is not supported"])
        let other = ErrorSignature(id: "other", title: "o", rootCause: "", fix: [], documentation: "", fragments: ["cache export is not sup"])
        let line = Array("ERROR: cache export is not supported\n".utf8)
        #expect(LogScanner(signatures: [general, specific]).scan(line).explanations.map(\.signature.id) == ["specific"])
        #expect(LogScanner(signatures: [specific, general]).scan(line).explanations.map(\.signature.id) == ["specific"])
        // Equally long fragments: the earlier signature in the catalog.
        #expect(LogScanner(signatures: [twin, other]).scan(line).explanations.map(\.signature.id) == ["twin"])
        #expect(LogScanner(signatures: [other, twin]).scan(line).explanations.map(\.signature.id) == ["other"])
    }

    @Test func headlineIsTheSameOnEveryScanAndEveryChunking() {
        // Both the 403 and ghcr.io's own refusal are on the line; the longer fragment is the more specific.
        let log = "#21 exporting to image\n"
            + "#21 ERROR: failed to push ghcr.io/acme/app:1: unexpected status: 403 Forbidden: denied: permission_denied: write_package\n"
            + "WARNING: local cache import at /tmp/c not found due to err: could not read /tmp/c/index.json\n"
        let bytes = Array(log.utf8)
        for piece in [1, 2, 3, 7, 64, 1 << 20] {
            for _ in 0..<20 {
                var offset = 0
                let report = LogScanner.standard.scan { buffer in
                    let count = min(piece, buffer.count, bytes.count - offset)
                    bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
                    offset += count
                    return count
                }
                #expect(report.explanations.map(\.signature.id) == ["ghcr-write-denied", "local-cache-not-found"], "\(piece)")
                #expect(report.explanations.map(\.logLine) == [2, 3])
            }
        }
    }

    @Test func uppercaseRefOnACacheImportIsTheUppercaseProblemAndCostsOnlyTheCache() {
        let importing = "#8 importing cache manifest from ghcr.io/Acme/app:cache\n"
            + "#8 ERROR: failed to configure registry cache importer: invalid reference format: repository name (Acme/app) must be lowercase\n"
        let report = scan(importing)
        #expect(report.explanations.map(\.signature.id) == ["registry-ref-uppercase"])
        #expect(report.explanations.map(\.kind) == [.coldCache])
        #expect(report.explanations.first?.evidence == LogEvidence(cacheType: "registry", cacheRef: "ghcr.io/Acme/app:cache"))
        // The export with the same ref then fails the build: that is the headline.
        let both = scan(importing + "ERROR: failed to solve: failed to configure registry cache exporter: invalid reference format: repository name (Acme/app) must be lowercase\n")
        #expect(both.explanations.map(\.kind) == [.failure, .coldCache])
        #expect(both.explanations.map(\.logLine) == [3, 2])
        #expect(both.explanations.first?.evidence == LogEvidence(cacheType: "registry", cacheRef: "Acme/app"))
    }

    @Test func githubCacheOutageIsAnOutageNotTheConfiguration() throws {
        let log = "2025-07-15T10:00:00.0000000Z ##[group]Run docker/build-push-action@v6\n"
            + "#14 exporting to GitHub Actions Cache\n"
            + "#14 ERROR: failed to parse error response 400: <h2>Our services aren't available right now</h2><p>We're working to restore all services as soon as possible. Please check back soon.</p>\n"
        let check = Checker().check(paths: [packageRoot.appendingPathComponent("Examples/failing").path])
        let report = scan(log).correlated(with: check)
        let explanation = try #require(report.explanations.first)
        #expect(report.explanations.count == 1)
        #expect(explanation.signature.id == "gha-service-unavailable")
        #expect(explanation.evidence == LogEvidence(step: "docker/build-push-action@v6", cacheType: "gha"))
        #expect(explanation.location == nil && explanation.candidates.isEmpty)
        #expect(explanation.signature.rootCause.hasPrefix("GitHub's cache service was unavailable"))
        #expect(explanation.signature.fix.contains { $0.contains("`ignore-error=true` on the gha cache-to") })
    }
}

/// A workflow with two builds whose cache refs have uppercase letters: the import of `App` and the export of `Tools`.
private let twoUppercaseRefs = """
    name: build
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: docker/setup-buildx-action@v3
          - name: App
            uses: docker/build-push-action@v6
            with:
              push: true
              tags: ghcr.io/acme/app:latest
              cache-from: type=registry,ref=ghcr.io/Acme/app:cache
          - name: Tools
            run: docker buildx build --push --platform linux/amd64,linux/arm64 --cache-to type=registry,ref=ghcr.io/Acme/tools:cache -t ghcr.io/acme/tools .

    """

@Suite("Explain correlation")
struct ExplainCorrelationTests {
    private func explain(_ log: String, _ workflow: String) throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("build.yml").path
        try workflow.write(toFile: path, atomically: true, encoding: .utf8)
        let report = LogScanner.standard.scan(Array(log.utf8)).correlated(with: Checker().check(paths: [path]))
        return ExplanationReporter.text(report).replacingOccurrences(of: path, with: "build.yml")
    }

    private let uppercaseHeader = "  root cause: An image or cache reference has uppercase letters in its repository, usually from `${{ github.repository }}` or `${{ github.repository_owner }}`.\n"
    private let uppercaseFooter = "  fix:\n    1. lowercase the reference (docker/metadata-action outputs are lowercase; `${GITHUB_REPOSITORY,,}` in a shell step)\n"
        + "  more: https://docs.docker.com/build/cache/backends/registry/\n\n"
    private let appFinding = "build.yml:13: the cache ref `ghcr.io/Acme/app:cache` has uppercase letters in its repository: the cache import fails, so the build gets no cache from it, with `invalid reference format: repository name must be lowercase` [registry-ref-uppercase]"
    private let toolsFinding = "build.yml:15: the cache ref `ghcr.io/Acme/tools:cache` has uppercase letters in its repository: the build fails with `invalid reference format: repository name must be lowercase` [registry-ref-uppercase]"

    @Test func aUniqueMatchIsTheCause() throws {
        let onlyApp = twoUppercaseRefs.components(separatedBy: "      - name: Tools")[0]
        let text = try explain("ERROR: failed to solve: invalid reference format: repository name must be lowercase\n", onlyApp)
        #expect(
            text == "failed: Uppercase letters in an image reference (log line 1)\n"
                + "  ERROR: failed to solve: invalid reference format: repository name must be lowercase\n"
                + uppercaseHeader + "  caused by \(appFinding)\n" + uppercaseFooter)
    }

    @Test func theEvidenceChoosesBetweenTwoEntries() throws {
        let log = "2024-05-01T12:00:00.0000000Z ##[group]Run docker/build-push-action@v6\n"
            + "#8 importing cache manifest from ghcr.io/Acme/app:cache\n"
            + "#8 ERROR: failed to configure registry cache importer: invalid reference format: repository name (Acme/app) must be lowercase\n"
        let text = try explain(log, twoUppercaseRefs)
        #expect(
            text == "cold cache: Uppercase letters in an image reference (log line 3)\n"
                + "  #8 ERROR: failed to configure registry cache importer: invalid reference format: repository name (Acme/app) must be lowercase\n"
                + uppercaseHeader + "  caused by \(appFinding)\n" + uppercaseFooter)
        // The step and the platforms alone decide as well: only `Tools` is a `run:` step building two platforms.
        let tools = try explain(
            "##[group]Run docker buildx build --push --platform linux/amd64,linux/arm64 --cache-to type=registry,ref=ghcr.io/Acme/tools:cache -t ghcr.io/acme/tools .\n"
                + "ERROR: failed to solve: invalid reference format: repository name must be lowercase\n", twoUppercaseRefs)
        #expect(tools.contains("  caused by \(toolsFinding)\n"))
    }

    @Test func undecidedEvidenceGivesCandidatesAndSaysItIsAGuess() throws {
        let text = try explain("ERROR: failed to solve: invalid reference format: repository name must be lowercase\n", twoUppercaseRefs)
        #expect(
            text == "failed: Uppercase letters in an image reference (log line 1)\n"
                + "  ERROR: failed to solve: invalid reference format: repository name must be lowercase\n"
                + uppercaseHeader + "  candidates (the log does not say which; the link is a guess):\n"
                + "    \(appFinding)\n    \(toolsFinding)\n" + uppercaseFooter)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("build.yml").path
        try twoUppercaseRefs.write(toFile: path, atomically: true, encoding: .utf8)
        let report = LogScanner.standard.scan(Array("ERROR: repository name must be lowercase\n".utf8)).correlated(with: Checker().check(paths: [path]))
        #expect(ExplanationReporter.json(report).contains(#""location":null,"candidates":[{"path":"\#(path)","line":13,"#))
    }
}
