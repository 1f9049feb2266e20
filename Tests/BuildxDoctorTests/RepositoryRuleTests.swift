import Foundation
import Testing

@testable import BuildxDoctor

/// Repository rules see every plan of a check at once; their findings go through configuration and
/// suppressions like any other.
@Suite("Repository rules")
struct RepositoryRuleTests {
    private let exporter = """
        on: push
        jobs:
          warm:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-buildx-action@v3
              - uses: docker/build-push-action@v6
                with:
                  cache-to: type=registry,ref=ghcr.io/acme/app:cache,mode=max

        """
    private let importer = """
        on: pull_request
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-buildx-action@v3
              - uses: docker/build-push-action@v6
                with:
                  cache-from: type=registry,ref=ghcr.io/acme/app:cache

        """

    /// An import whose name drifted apart from the export's.
    private var drifted: String { importer.replacingOccurrences(of: "app:cache", with: "app:buildcache") }

    private func repository(_ files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    private func findings(_ folder: URL, configuration: ConfigurationChoice = .none) -> [Diagnostic] {
        Checker(rules: [CacheExportNeverImported()], configuration: configuration).check(paths: [folder.path]).diagnostics
    }

    @Test func anImportInAnotherWorkflowReadsTheExport() throws {
        let folder = try repository([".github/workflows/warm.yml": exporter, ".github/workflows/test.yml": importer])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(findings(folder).isEmpty)
    }

    @Test func anExportWhoseNameDriftedApartIsReported() throws {
        let folder = try repository([".github/workflows/warm.yml": exporter, ".github/workflows/test.yml": drifted])
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = findings(folder)
        #expect(found.map(\.rule) == ["cache-export-never-imported"])
        #expect(found.map(\.position) == [Position(line: 9, column: 21)])
        #expect(found.first?.span.path.hasSuffix(".github/workflows/warm.yml") == true)
    }

    @Test func suppressionAndConfigurationApply() throws {
        let suppressed = exporter.replacingOccurrences(
            of: "mode=max\n", with: "mode=max # buildx-doctor: ignore[cache-export-never-imported] another repository reads it\n")
        let folder = try repository([".github/workflows/warm.yml": suppressed, ".github/workflows/test.yml": drifted])
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = Checker(rules: [CacheExportNeverImported()]).check(paths: [folder.path])
        #expect(report.diagnostics.isEmpty)
        #expect(report.suppressed.map(\.diagnostic.rule) == ["cache-export-never-imported"])

        let plain = try repository([".github/workflows/warm.yml": exporter, ".github/workflows/test.yml": drifted, ".buildx-doctor.yml": "rules:\n  cache-export-never-imported: info\n"])
        defer { try? FileManager.default.removeItem(at: plain) }
        #expect(findings(plain, configuration: .nearest).map(\.severity) == [.info])
    }

    /// Files of different repositories are separate: an import in one does not read another's export.
    @Test func repositoriesAreSeparate() throws {
        let one = try repository([".git/HEAD": "ref: refs/heads/main\n", ".github/workflows/warm.yml": exporter, ".github/workflows/test.yml": drifted])
        let two = try repository([".git/HEAD": "ref: refs/heads/main\n", ".github/workflows/test.yml": importer])
        defer {
            try? FileManager.default.removeItem(at: one)
            try? FileManager.default.removeItem(at: two)
        }
        let found = Checker(rules: [CacheExportNeverImported()]).check(paths: [one.path, two.path]).diagnostics
        #expect(found.count == 1)
        // Only an export, and no import of its kind anywhere: it may be meant for readers elsewhere.
        let alone = try repository([".github/workflows/warm.yml": exporter])
        defer { try? FileManager.default.removeItem(at: alone) }
        #expect(findings(alone).isEmpty)
    }
}
