@testable import BuildxDoctor
import Foundation
import Testing

/// The four output formats, on a report with one finding of each severity the first rules produce.
@Suite("Reporters")
struct ReporterTests {
    let report: CheckReport = {
        let file = SourceFile(path: ".github/workflows/ci.yml", text: (try? fixture("seed-failing.yml")) ?? "")
        return CheckReport(results: [Checker().check(file)])
    }()

    @Test func jsonFollowsTheContract() throws {
        let json = JSONReporter().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        #expect((object["tool"] as? [String: Any])?["name"] as? String == "buildx-doctor")
        #expect((object["files"] as? [[String: String]]) == [["path": ".github/workflows/ci.yml", "kind": "github-workflow"]])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        let first = diagnostics[0]
        #expect(first["rule"] as? String == "cache-export-unsupported-by-driver")
        #expect(first["severity"] as? String == "error")
        #expect(first["line"] as? Int == 50 && first["column"] as? Int == 13)
        #expect(first["endLine"] as? Int == 50 && first["endColumn"] as? Int == 65)
        #expect(first["help"] is String && first["message"] is String && first["path"] is String)
        #expect((object["summary"] as? [String: Int]) == ["error": 2, "warning": 0, "info": 0])
        #expect(json.hasPrefix(#"{"version":1,"tool":{"name":"buildx-doctor","version":""#))
    }

    @Test func textIsCompilerStyleWithACaretUnderline() {
        let text = TextReporter(colored: false).render(report)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix(".github/workflows/ci.yml:50:13: error: this `type=registry` cache export will fail"))
        #expect(lines[0].hasSuffix("[cache-export-unsupported-by-driver]"))
        #expect(lines[1] == "              type=registry,ref=ghcr.io/acme/widget:cache,mode=max")
        #expect(lines[2] == "              ^" + String(repeating: "~", count: 51))
        #expect(lines[3].hasPrefix("  help: add a `docker/setup-buildx-action` step"))
        #expect(text.hasSuffix("2 errors, 0 warnings, 0 info in 1 file\n"))
        #expect(!text.contains("\u{1B}["))
        #expect(TextReporter(colored: true).render(report).contains("\u{1B}[31merror\u{1B}[0m"))
    }

    @Test func githubCommandsAreEscaped() {
        let output = GitHubReporter().render(report)
        let first = output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("::error file=.github/workflows/ci.yml,line=50,col=13,endLine=50,endColumn=65,title=cache-export-unsupported-by-driver::this `type=registry`"))
        #expect(GitHubReporter.escapeProperty("a,b:c%\n") == "a%2Cb%3Ac%25%0A")
    }

    @Test func sarifValidatesAgainstTheOfficialSchema() throws {
        let schema = sharedFolder.appendingPathComponent("reference/sarif-schema-2.1.0.json")
        try #require(FileManager.default.fileExists(atPath: schema.path), "needs ../shared/reference")
        let sarif = SARIFReporter().render(report)
        let output = try runPython(
            """
            import json, sys
            from jsonschema import Draft4Validator
            schema = json.load(open(sys.argv[1]))
            log = json.load(sys.stdin)
            errors = sorted(Draft4Validator(schema).iter_errors(log), key=str)
            for e in errors: print(list(e.absolute_path), e.message)
            run = log["runs"][0]
            for rule in run["tool"]["driver"]["rules"]:
                for key in ["id", "shortDescription", "fullDescription", "help", "defaultConfiguration", "helpUri"]:
                    if key not in rule: print("rule", rule.get("id"), "lacks", key)
            for result in run["results"]:
                if "primaryLocationLineHash" not in result.get("partialFingerprints", {}): print("result lacks fingerprint")
            print("results", len(run["results"]))
            """, arguments: [schema.path], input: sarif)
        #expect(output == "results 2\n")
    }

    @Test func sarifFingerprintsDifferForDifferentLines() throws {
        let sarif = SARIFReporter().render(report)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let hashes = (run["results"] as? [[String: Any]])?.compactMap {
            ($0["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"]
        }
        #expect(hashes?.count == 2 && Set(hashes ?? []).count == 2)
    }
}

/// Runs a python3 script and returns what it printed.
func runPython(_ script: String, arguments: [String] = [], input: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
