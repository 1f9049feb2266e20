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
        #expect((object["summary"] as? [String: Int]) == ["error": 2, "warning": 0, "info": 0, "suppressed": 0])
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

    @Test func sarifHasEveryPropertyCodeScanningRequires() throws {
        let sarif = SARIFReporter().render(report)
        let log = try JSONSerialization.jsonObject(with: Data(sarif.utf8))
        #expect(codeScanningProblems(in: log) == [])
        let run = try #require(((log as? [String: Any])?["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == RuleRegistry.descriptions.map(\.id))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["ruleId"] as? String } == Array(repeating: "cache-export-unsupported-by-driver", count: 2))
        #expect(results.allSatisfy { ($0["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"] != nil })
    }

    @Test func theCodeScanningCheckNamesEveryMissingProperty() throws {
        let broken = """
            {"version": "2.0.0", "runs": [{"tool": {"driver": {"name": "t", "rules": [
              {"id": "r", "shortDescription": {"text": ""}, "fullDescription": {"text": "f"}, "help": {"text": "h"},
               "defaultConfiguration": {"level": "fatal"}}]}},
              "results": [
                {"ruleId": "other", "level": "error", "message": {"text": "m"}, "partialFingerprints": {"primaryLocationLineHash": 7},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.yml"},
                                                     "region": {"startLine": 0, "startColumn": 1, "endLine": 1, "endColumn": 2}}}]},
                {"ruleId": "r", "message": {}, "locations": []}]}]}
            """
        let log = try JSONSerialization.jsonObject(with: Data(broken.utf8))
        #expect(
            codeScanningProblems(in: log) == [
                "$schema: missing or empty",
                "version: \"2.0.0\", not \"2.1.0\"",
                "runs[0].tool.driver.rules[0].shortDescription.text: missing or empty",
                "runs[0].tool.driver.rules[0].defaultConfiguration.level: \"fatal\" is not note, warning or error",
                "runs[0].results[0].ruleId: \"other\" is no rule of tool.driver.rules",
                "runs[0].results[0].locations[0].physicalLocation.region.startLine: not a whole number >= 1",
                "runs[0].results[0].partialFingerprints.primaryLocationLineHash: not a string",
                "runs[0].results[1].level: missing",
                "runs[0].results[1].message.text: missing or empty",
                "runs[0].results[1].locations: 0 locations, not 1 to 10",
            ])
    }

    @Test(.enabled(if: sarifSchemaValidationCanRun))
    func sarifValidatesAgainstTheOfficialSchema() throws {
        let sarif = SARIFReporter().render(report)
        let output = try runPython(
            """
            import json, sys
            from jsonschema import Draft4Validator
            schema = json.load(open(sys.argv[1]))
            log = json.load(sys.stdin)
            for e in sorted(Draft4Validator(schema).iter_errors(log), key=str): print(list(e.absolute_path), e.message)
            print("results", len(log["runs"][0]["results"]))
            """, arguments: [sarifSchema.path], input: sarif)
        #expect(output.stdout == "results 2\n")
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

/// The official SARIF 2.1.0 schema, when the development workspace has a copy. It is not committed: the
/// repository checks the properties GitHub requires itself (`codeScanningProblems`), and validates against the
/// full schema only where a copy and python3's jsonschema are at hand (CI installs jsonschema).
let sarifSchema = sharedFolder.appendingPathComponent("reference/sarif-schema-2.1.0.json")

private let sarifSchemaValidationCanRun: Bool = {
    let hasSchema = FileManager.default.fileExists(atPath: sarifSchema.path)
    let hasValidator = hasSchema && (try? runPython("import jsonschema", input: ""))?.status == 0
    return outsideInput(
        for: "Reporters: SARIF schema validation", isAvailable: hasSchema && hasValidator,
        otherwise: hasSchema
            ? "python3 cannot import jsonschema (`python3 -m pip install jsonschema`); the required properties were still checked"
            : "no copy of the SARIF schema at \(sarifSchema.path) (not part of the repository); the required properties were still checked")
}()

/// What GitHub code scanning requires of an uploaded SARIF log: the properties its reference "SARIF support
/// for code scanning" marks as required (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning),
/// where an empty string does not count. Also the checks that reference implies: `version` is `2.1.0`,
/// 1 to 10 locations, lines and columns from 1, a region that does not end before it starts, levels from
/// SARIF's list, a `ruleId` that names a rule of the run, and `partialFingerprints` whose values are strings.
/// Returns one line per problem, naming its JSON path.
func codeScanningProblems(in log: Any) -> [String] {
    var problems: [String] = []
    func object(_ value: Any?, _ path: String) -> [String: Any] {
        if let object = value as? [String: Any] { return object }
        problems.append("\(path): missing or not an object")
        return [:]
    }
    func text(_ value: Any?, _ path: String) {
        if let text = value as? String, !text.isEmpty { return }
        problems.append("\(path): missing or empty")
    }
    func count(_ value: Any?, _ path: String) -> Int? {
        if let number = value as? Int, number >= 1 { return number }
        problems.append("\(path): not a whole number >= 1")
        return nil
    }
    func level(_ value: Any?, _ path: String, allowed: [String]) {
        guard let value else { return problems.append("\(path): missing") }
        guard let level = value as? String, allowed.contains(level) else {
            return problems.append("\(path): \"\(value)\" is not \(allowed.dropLast().joined(separator: ", ")) or \(allowed.last!)")
        }
    }

    let root = object(log, "log")
    text(root["$schema"], "$schema")
    if let version = root["version"] as? String, version != "2.1.0" {
        problems.append("version: \"\(version)\", not \"2.1.0\"")
    } else {
        text(root["version"], "version")
    }
    guard let runs = root["runs"] as? [Any], !runs.isEmpty else { return problems + ["runs: missing or empty"] }
    for (runIndex, runValue) in runs.enumerated() {
        let run = object(runValue, "runs[\(runIndex)]")
        let driverPath = "runs[\(runIndex)].tool.driver"
        let driver = object(object(run["tool"], "runs[\(runIndex)].tool")["driver"], driverPath)
        text(driver["name"], "\(driverPath).name")
        var ruleIDs: Set<String> = []
        if let rules = driver["rules"] as? [Any] {
            for (ruleIndex, ruleValue) in rules.enumerated() {
                let path = "\(driverPath).rules[\(ruleIndex)]"
                let rule = object(ruleValue, path)
                text(rule["id"], "\(path).id")
                if let id = rule["id"] as? String { ruleIDs.insert(id) }
                for key in ["shortDescription", "fullDescription", "help"] {
                    text(object(rule[key], "\(path).\(key)")["text"], "\(path).\(key).text")
                }
                if let configuration = rule["defaultConfiguration"] {
                    let levelPath = "\(path).defaultConfiguration.level"
                    level(object(configuration, "\(path).defaultConfiguration")["level"], levelPath, allowed: ["note", "warning", "error"])
                }
            }
        } else {
            problems.append("\(driverPath).rules: missing or not an array")
        }
        guard let results = run["results"] as? [Any] else {
            problems.append("runs[\(runIndex)].results: missing or not an array")
            continue
        }
        for (resultIndex, resultValue) in results.enumerated() {
            let path = "runs[\(runIndex)].results[\(resultIndex)]"
            let result = object(resultValue, path)
            text(result["ruleId"], "\(path).ruleId")
            if let ruleID = result["ruleId"] as? String, !ruleID.isEmpty, !ruleIDs.contains(ruleID) {
                problems.append("\(path).ruleId: \"\(ruleID)\" is no rule of tool.driver.rules")
            }
            level(result["level"], "\(path).level", allowed: ["none", "note", "warning", "error"])
            text(object(result["message"], "\(path).message")["text"], "\(path).message.text")
            let locations = result["locations"] as? [Any] ?? []
            if !(1...10).contains(locations.count) {
                problems.append("\(path).locations: \(locations.count) locations, not 1 to 10")
            }
            for (locationIndex, locationValue) in locations.enumerated() {
                let physicalPath = "\(path).locations[\(locationIndex)].physicalLocation"
                let physical = object(object(locationValue, "\(path).locations[\(locationIndex)]")["physicalLocation"], physicalPath)
                text(object(physical["artifactLocation"], "\(physicalPath).artifactLocation")["uri"], "\(physicalPath).artifactLocation.uri")
                let region = object(physical["region"], "\(physicalPath).region")
                let start = (count(region["startLine"], "\(physicalPath).region.startLine"), count(region["startColumn"], "\(physicalPath).region.startColumn"))
                let end = (count(region["endLine"], "\(physicalPath).region.endLine"), count(region["endColumn"], "\(physicalPath).region.endColumn"))
                if let startLine = start.0, let startColumn = start.1, let endLine = end.0, let endColumn = end.1,
                    (endLine, endColumn) < (startLine, startColumn)
                {
                    problems.append("\(physicalPath).region: ends at \(endLine):\(endColumn), before its start \(startLine):\(startColumn)")
                }
            }
            if let fingerprints = result["partialFingerprints"] {
                for (key, value) in object(fingerprints, "\(path).partialFingerprints").sorted(by: { $0.key < $1.key }) where !(value is String) {
                    problems.append("\(path).partialFingerprints.\(key): not a string")
                }
            }
        }
    }
    return problems
}

/// Runs a python3 script and returns its exit status and what it printed.
func runPython(_ script: String, arguments: [String] = [], input: String) throws -> (status: Int32, stdout: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
