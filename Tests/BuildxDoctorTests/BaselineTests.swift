@testable import BuildxDoctor
import Foundation
import Testing

/// A report for files given as path → text, with what suppression comments hide.
private func report(_ files: [(String, String)]) -> CheckReport {
    CheckReport(outcomes: files.map { Checker().outcome(SourceFile(path: $0.0, text: $0.1), isExplicit: true, configuration: nil) }, inputErrors: [])
}

/// A workflow with one job whose build exports the given cache entries on the runner's default builder
/// (every entry is a `cache-export-unsupported-by-driver` finding), after `before` extra lines.
private func workflow(cacheTo entries: [String], linesBefore before: Int = 0, indent: String = "") -> String {
    String(repeating: "# filler\n", count: before)
        + buildStepWorkflow(with: "            cache-to: |\n" + entries.map { "              \(indent)\($0)" }.joined(separator: "\n")) + "\n"
}

@Suite("Baseline and fingerprints")
struct BaselineTests {
    @Test func fingerprintsSurviveLineShiftsAndReindenting() {
        let path = ".github/workflows/ci.yml"
        let entries = ["type=gha,scope=a", "type=registry,ref=ghcr.io/acme/app:cache"]
        let original = report([(path, workflow(cacheTo: entries))])
        let shifted = report([(path, workflow(cacheTo: entries, linesBefore: 7))])
        #expect(original.fingerprints.count == 2)
        #expect(shifted.diagnostics.map(\.span.start.line) == original.diagnostics.map { $0.span.start.line + 7 })
        #expect(shifted.fingerprints == original.fingerprints)
        // White space inside the line does not count either.
        let spaced = report([(path, workflow(cacheTo: ["type=gha,scope=a ", "type=registry,ref=ghcr.io/acme/app:cache"], indent: "  "))])
        #expect(spaced.fingerprints == original.fingerprints)
        // A changed line is a new finding.
        let changed = report([(path, workflow(cacheTo: ["type=gha,scope=b", "type=registry,ref=ghcr.io/acme/app:cache"]))])
        #expect(changed.fingerprints[0] != original.fingerprints[0])
        #expect(changed.fingerprints[1] == original.fingerprints[1])
    }

    @Test func identicalLinesAreCountedInOrder() {
        let entries = ["type=gha", "type=gha"]
        let all = report([("a.yml", workflow(cacheTo: entries)), ("b.yml", workflow(cacheTo: entries))])
        // Two identical exports are also a `cache-export-duplicate` finding; only the driver's count here.
        let fingerprints = zip(all.diagnostics, all.fingerprints).filter { $0.0.rule == "cache-export-unsupported-by-driver" }.map(\.1)
        #expect(fingerprints.count == 4)
        let hash = fingerprints[0].split(separator: ":")[0]
        #expect(fingerprints == ["\(hash):1", "\(hash):2", "\(hash):1", "\(hash):2"])
        #expect(hash.count == 16 && hash.allSatisfy(\.isHexDigit))
    }

    @Test func aSuppressionCommentDoesNotChangeTheFingerprint() {
        #expect(Fingerprint.normalized("  cache-to: type=gha # buildx-doctor: ignore[x] why") == "cache-to:type=gha")
        #expect(Fingerprint.normalized("cache-to = [\"type=gha\"] // buildx-doctor: ignore[x]") == "cache-to=[\"type=gha\"]")
        #expect(Fingerprint.normalized("url: a#b  # other comment") == "url:a#b#othercomment")
        func twoBuilds(_ comment: String) -> String {
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha\(comment)
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha
                """
            ).source
        }
        let plain = report([("ci.yml", twoBuilds(""))])
        #expect(plain.fingerprints.count == 2 && plain.fingerprints[0].hasSuffix(":1") && plain.fingerprints[1].hasSuffix(":2"))
        let suppressed = report([("ci.yml", twoBuilds(" # buildx-doctor: ignore[cache-export-unsupported-by-driver]"))])
        // The suppressed finding keeps its fingerprint, and the next identical line is still the second.
        #expect(suppressed.suppressedFingerprints == [plain.fingerprints[0]])
        #expect(suppressed.fingerprints == [plain.fingerprints[1]])
    }

    @Test func sarifJSONAndTheBaselineCarryTheSameFingerprint() throws {
        let report = report([(".github/workflows/ci.yml", workflow(cacheTo: ["type=gha"]))])
        let fingerprint = try #require(report.fingerprints.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReporter().render(report).utf8)) as? [String: Any])
        #expect((json["diagnostics"] as? [[String: Any]])?.first?["fingerprint"] as? String == fingerprint)
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(SARIFReporter().render(report).utf8)) as? [String: Any])
        let result = try #require(((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        #expect((result["partialFingerprints"] as? [String: String]) == ["primaryLocationLineHash": fingerprint])
        let baseline = Baseline.render(report, forFileAt: "/repo/baseline.json", currentDirectory: "/repo")
        #expect(
            baseline == """
                {"version":1,"tool":"buildx-doctor","findings":[
                {"path":".github/workflows/ci.yml","rule":"cache-export-unsupported-by-driver","fingerprint":"\(fingerprint)","line":9,"message":"\(report.diagnostics[0].message)"}
                ]}

                """)
    }

    @Test func aBaselineHidesWhatItRecordsAndNothingNew() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let baselinePath = folder.appendingPathComponent("buildx-doctor-baseline.json").path
        let workflowPath = folder.appendingPathComponent(".github/workflows/ci.yml").path
        let before = report([(workflowPath, workflow(cacheTo: ["type=gha", "type=local,dest=/tmp/c"]))])
        try ReportFile.write(Baseline.render(before, forFileAt: baselinePath), to: baselinePath)
        let baseline = try Baseline.load(baselinePath)
        #expect(baseline.entries.map(\.path) == [".github/workflows/ci.yml", ".github/workflows/ci.yml"])
        #expect(before.applying(baseline).diagnostics.isEmpty)
        #expect(before.applying(baseline).suppressedCount(.baseline) == 2)

        // Lines added above, and one new export: only the new one is reported.
        let after = report([(workflowPath, workflow(cacheTo: ["type=gha", "type=s3,region=eu,bucket=b", "type=local,dest=/tmp/c"], linesBefore: 3))])
        let applied = after.applying(baseline)
        #expect(applied.diagnostics.map { "\($0.rule) \($0.span.start.line)" } == ["cache-export-unsupported-by-driver 13"])
        #expect(applied.suppressed.map(\.kind) == [.baseline, .baseline])
        #expect(applied.suppressed.first?.justification == "recorded in the baseline \(baselinePath)")
        #expect(applied.baselinePath == baselinePath)
        #expect(TextReporter(colored: false).render(applied).hasSuffix("1 error, 0 warnings, 0 info in 1 file (2 in the baseline)\n"))
        let sarif = SARIFReporter().render(applied)
        #expect(sarif.contains(#""suppressions":[{"kind":"external","justification":"recorded in the baseline "#))
    }

    @Test func unusableBaselinesAreNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.json").path
        #expect(throws: Baseline.LoadError.self) { try Baseline.load(missing) }
        do {
            _ = try Baseline.load(missing)
        } catch {
            #expect(error.description == "\(missing): cannot be read: No such file or directory (create it with --write-baseline)")
        }
        let wrong = folder.appendingPathComponent("wrong.json")
        try #"{"version": 2, "findings": []}"#.write(to: wrong, atomically: true, encoding: .utf8)
        do {
            _ = try Baseline.load(wrong.path)
            Issue.record("a version 2 baseline was read")
        } catch {
            #expect(error.reason == #"not a buildx-doctor baseline (a JSON object with "version": 1 and "findings")"#)
        }
        try #"{"version": 1, "findings": [{"path": "a.yml", "rule": "x"}]}"#.write(to: wrong, atomically: true, encoding: .utf8)
        do {
            _ = try Baseline.load(wrong.path)
            Issue.record("a finding without a fingerprint was read")
        } catch {
            #expect(error.reason == #"finding 1 lacks "path", "rule" or "fingerprint""#)
        }
    }
}
