import BuildxDoctor
import Foundation
import Testing

/// The real-world corpus: no crash, no unreadable input, and exactly the reviewed findings.
@Suite("Real-world corpus", .enabled(if: corpusSuiteCanRun))
struct CorpusTests {
    /// One reviewed finding: where, which rule, how severe.
    struct Finding: Hashable, CustomStringConvertible {
        let file: String
        let line: Int
        let rule: String
        let severity: String
        var description: String { "\(file):\(line) \(rule) (\(severity))" }
    }

    @Test func everyFindingIsReviewedAndNoneVanished() throws {
        let report = Checker().check(paths: corpusFiles().map(\.path))
        #expect(report.inputErrors.isEmpty, "\(report.inputErrors)")
        let found = Set(
            report.diagnostics.filter { $0.severity >= .warning }.map { diagnostic in
                Finding(
                    file: String(diagnostic.span.path.dropFirst(corpusFolder.path.count + 1)), line: diagnostic.span.start.line,
                    rule: diagnostic.rule, severity: diagnostic.severity.rawValue)
            })
        let expected = try expectations()
        let new = found.subtracting(expected).sorted { $0.description < $1.description }
        let vanished = expected.subtracting(found).sorted { $0.description < $1.description }
        #expect(new.isEmpty, "unreviewed findings: \(new)")
        #expect(vanished.isEmpty, "reviewed findings no longer reported: \(vanished)")
    }

    @Test func theCommandLineExitsWithZeroOrOneOnEveryFile() throws {
        let result = try run(["check", "--format", "json"] + corpusFiles().map(\.path))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("error:"))
    }

    @Test func everyWorkflowAndCompositeActionIsRead() throws {
        let report = Checker().check(paths: corpusFiles().map(\.path))
        let read = Set(report.files.map(\.path))
        for file in corpusFiles() where ["github-workflows", "wild-workflows"].contains(file.deletingLastPathComponent().lastPathComponent) {
            guard file.pathExtension == "yml" || file.pathExtension == "yaml" else { continue }
            #expect(read.contains(file.path), "\(file.lastPathComponent) was not read as a workflow")
        }
    }

    private func corpusFiles() -> [URL] {
        let enumerator = FileManager.default.enumerator(at: corpusFolder, includingPropertiesForKeys: [.isRegularFileKey])
        return (enumerator?.allObjects as? [URL] ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .map { URL(fileURLWithPath: $0.path) }
            .sorted { $0.path < $1.path }
    }

    private func expectations() throws -> Set<Finding> {
        let text = try fixture("corpus-expectations.tsv")
        return Set(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return Finding(file: fields[0], line: Int(fields[1]) ?? 0, rule: fields[2], severity: fields[3])
            })
    }
}

let corpusFolder = sharedFolder.appendingPathComponent("corpus").standardizedFileURL

private let corpusSuiteCanRun = outsideInput(
    for: "Real-world corpus", isAvailable: FileManager.default.fileExists(atPath: corpusFolder.path), otherwise: corpusAbsence)
