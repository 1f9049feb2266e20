@testable import BuildxDoctor
import Foundation
import Testing

/// How much fuzzing a run does. The defaults keep `swift test --filter Fuzz` under a minute in a debug build
/// on two cores; for a longer hunt, `BUILDX_DOCTOR_FUZZ_SCALE=20` makes twenty times as many mutants and
/// `BUILDX_DOCTOR_FUZZ_SEED=n` draws other ones. `BUILDX_DOCTOR_FUZZ_TRACE=folder` writes each input there
/// before it is checked (one file per test), so the input that crashed the process can be found.
private enum FuzzBudget {
    static let environment = ProcessInfo.processInfo.environment
    static let scale = max(1, Int(environment["BUILDX_DOCTOR_FUZZ_SCALE"] ?? "") ?? 1)
    static let seed = UInt64(environment["BUILDX_DOCTOR_FUZZ_SEED"] ?? "") ?? 0x5EED
    static let trace = environment["BUILDX_DOCTOR_FUZZ_TRACE"].map { URL(fileURLWithPath: $0) }
}

/// Whether the workspace's real-world corpus is there to be mutated too.
private let fuzzCorpusAvailable = outsideInput(
    for: "Fuzz: mutations of the real-world corpus", isAvailable: FileManager.default.fileExists(atPath: corpusFolder.path),
    otherwise: corpusAbsence)

/// The inputs the repository itself holds: the examples, the test fixtures, every rule example and every
/// fix case, before and after.
private let bundledSeeds: [FuzzInput] = {
    var seeds: [FuzzInput] = []
    for folder in ["Examples/failing/.github/workflows", "Examples/fixed/.github/workflows"] {
        let url = packageRoot.appendingPathComponent(folder)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.sorted() ?? [] {
            if let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) {
                seeds.append(FuzzInput(name: "\(folder)/\(name)", bytes: Array(data)))
            }
        }
    }
    for name in ["seed-failing.yml", "starter-docker-publish.yml"] {
        if let text = try? fixture(name) { seeds.append(FuzzInput(name: "Fixtures/\(name)", text: text)) }
    }
    for rule in RuleRegistry.all {
        let examples = rule.description.triggeringExamples + rule.description.nonTriggeringExamples
        for (number, example) in examples.enumerated() {
            let path = example.kind == .githubCompositeAction ? "action.yml" : ".github/workflows/example.yml"
            seeds.append(FuzzInput(name: "\(rule.description.id) example \(number + 1)", text: removingMarkers(example.source).text, path: path))
        }
    }
    for buildCase in commandBuildCases {
        seeds.append(FuzzInput(name: "command build '\(buildCase.name)'", text: removingMarkers(buildCase.source).text, path: buildCase.path))
    }
    for fixCase in fixCases {
        seeds.append(FuzzInput(name: "fix case '\(fixCase.name)' before", text: fixCase.before))
        seeds.append(FuzzInput(name: "fix case '\(fixCase.name)' after", text: fixCase.after))
    }
    return seeds
}()

/// The path a corpus file is checked under: one that makes the checker read it as what it is. Corpus files
/// are renamed OWNER__REPO__PATH with `_` for `/`, which no frontend would claim.
private func corpusPath(_ name: String, _ index: Int) -> String {
    let original = String(name.split(separator: "/").last ?? "")
    if original.hasSuffix("action.yml") || original.hasSuffix("action.yaml") { return "action.yml" }
    if original.hasSuffix(".gitlab-ci.yml") || original.contains("gitlab-ci") { return ".gitlab-ci.yml" }
    if original.contains(".circleci_") { return ".circleci/config.yml" }
    if original.hasSuffix(".sh") { return "scripts/\(index).sh" }
    if original.hasSuffix("Makefile") { return "Makefile" }
    if original.hasSuffix(".hcl") { return "docker-bake.hcl" }
    return ".github/workflows/\(index).yml"
}

/// Runs the oracle on `input` and records each problem with the input, as a literal when it is short; a
/// problem that is an instance of a known issue is recorded as that known issue.
@discardableResult
func expectNoProblems(
    _ input: FuzzInput, fixing: Bool = true, readingAsLog: Bool = true, rendering: Bool = true, slowBecause knownSlowness: String? = nil,
    traceName: String = "input"
) -> FuzzOracle.Verdict {
    if let folder = FuzzBudget.trace {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Data(input.bytes).write(to: folder.appendingPathComponent(traceName))
    }
    let verdict = FuzzOracle.examine(input, fixing: fixing, readingAsLog: readingAsLog, rendering: rendering)
    for problem in verdict.problems {
        let shown = input.bytes.count <= 2_000 ? swiftLiteral(input.bytes) : "\(input.bytes.count) bytes, regenerate from the name"
        let comment = Comment(rawValue: "\(input.name) [\(input.path)]: \(problem.text)\ninput: \(shown)")
        if let known = problem.knownIssue ?? (problem.isSlowness ? knownSlowness : nil) {
            withKnownIssue(Comment(rawValue: known)) { Issue.record(comment) }
        } else {
            Issue.record(comment)
        }
    }
    return verdict
}

/// What one fuzz test has run through the oracle so far, for its own expectations and the CI log.
private struct FuzzTally {
    let test: String
    let start = ContinuousClock.now
    var inputs = 0
    var findings = 0
    var fixes = 0

    init(_ test: String) { self.test = test }

    mutating func examine(_ input: FuzzInput) {
        let verdict = expectNoProblems(input, traceName: test)
        inputs += 1
        findings += verdict.diagnostics.count
        fixes += verdict.fixesApplied
    }

    /// One line on standard output with what the test did.
    func summarize() {
        print("Fuzz \(test): \(inputs) inputs, \(findings) findings, \(fixes) fixes applied, \(ContinuousClock.now - start)")
    }
}

@Suite("Fuzz")
struct FuzzTests {
    @Test func bundledInputsAndTheirMutants() {
        var tally = FuzzTally("bundled")
        for (index, seed) in bundledSeeds.enumerated() {
            tally.examine(seed)
            for mutant in mutants(of: seed, count: 6 * FuzzBudget.scale, rngSeed: FuzzBudget.seed &+ UInt64(index)) {
                tally.examine(mutant)
            }
        }
        tally.summarize()
        #expect(bundledSeeds.count > 100, "the examples, fixtures and rule examples were not all found")
        #expect(tally.inputs == bundledSeeds.count * (1 + 6 * FuzzBudget.scale))
    }

    @Test(.enabled(if: fuzzCorpusAvailable)) func corpusFilesAndTheirMutants() {
        var tally = FuzzTally("corpus")
        let names = (FileManager.default.enumerator(atPath: corpusFolder.path)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix("SOURCES.tsv") && !$0.hasSuffix("README.md") }.sorted()
        for (index, name) in names.enumerated() {
            guard let data = FileManager.default.contents(atPath: corpusFolder.appendingPathComponent(name).path), !data.isEmpty else {
                continue
            }
            let seed = FuzzInput(name: "corpus \(name)", bytes: Array(data), path: corpusPath(name, index))
            tally.examine(seed)
            for mutant in mutants(of: seed, count: FuzzBudget.scale, rngSeed: FuzzBudget.seed &+ 0x10_0000 &+ UInt64(index)) {
                tally.examine(mutant)
            }
        }
        tally.summarize()
        #expect(names.count > 400, "the corpus has fewer files than expected")
    }

    @Test func generatedWorkflowsAndTheirMutants() {
        var tally = FuzzTally("generated")
        var generator = WorkflowGenerator(seed: FuzzBudget.seed &+ 0x20_0000)
        for index in 0..<(150 * FuzzBudget.scale) {
            let (text, path) = generator.document()
            let seed = FuzzInput(name: "generated #\(index) (seed \(FuzzBudget.seed))", text: text, path: path)
            tally.examine(seed)
            for mutant in mutants(of: seed, count: 2, rngSeed: FuzzBudget.seed &+ 0x30_0000 &+ UInt64(index)) {
                tally.examine(mutant)
            }
        }
        tally.summarize()
        // The generator is worth its time only if it makes the rules speak and the fixer work.
        #expect(tally.findings > 300 * FuzzBudget.scale)
        #expect(tally.fixes > 10 * FuzzBudget.scale)
    }

    /// Inputs at the limits: nesting, aliases, sizes, line breaks. Each must pass the oracle and say exactly
    /// what it says today.
    @Test(arguments: EdgeCase.all)
    func edgeCase(_ edge: EdgeCase) {
        let verdict = expectNoProblems(
            edge.input, fixing: edge.fixing, readingAsLog: edge.readingAsLog, rendering: edge.rendering, slowBecause: edge.knownSlowness,
            traceName: "edge")
        let found = verdict.diagnostics.map { "\($0.rule) \($0.span.start.line):\($0.span.start.column)" }
        #expect(verdict.diagnostics.count == edge.findings, "\(found.prefix(5))")
        if let first = edge.first {
            #expect(found.contains(first), "\(found.prefix(5))")
        }
        if let message = edge.messageContains {
            #expect(verdict.diagnostics.first?.message.contains(message) == true, "\(verdict.diagnostics.first?.message ?? "none")")
        }
    }
}

/// An input at some limit and what checking it must give: how many findings, one finding's rule and
/// position, and a part of the first one's message.
struct EdgeCase: Sendable, CustomTestStringConvertible {
    let input: FuzzInput
    let findings: Int
    var first: String?
    var messageContains: String?
    var fixing = true
    var readingAsLog = true
    var rendering = true
    /// The known issue that makes this input slower than the oracle's bound, if any.
    var knownSlowness: String?
    var testDescription: String { input.name }

    static let workflowHead = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

    /// A build on the runner's default `docker` driver exporting `type=gha` cache: one finding each.
    static func failingBuild(_ index: Int) -> String {
        "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=s\(index)\n"
    }

    /// `levels` anchored flow sequences, each holding `fanOut` aliases of the one before: fanOut^levels
    /// nodes once expanded (the "billion laughs" shape).
    static func aliasBomb(levels: Int, fanOut: Int) -> String {
        var text = "a0: &a0 [" + Array(repeating: "x", count: fanOut).joined(separator: ",") + "]\n"
        for level in 1..<levels {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: fanOut).joined(separator: ",") + "]\n"
        }
        return text
    }

    /// A workflow written on one line, as generators write them: `count` builds in flow style, each named
    /// with wide characters, each a finding far into the line.
    static func oneLineBuilds(_ count: Int) -> String {
        "on: push\njobs: {b: {runs-on: ubuntu-latest, steps: ["
            + (0..<count).map { "{name: 日本語🙂, uses: docker/build-push-action@v6, with: {cache-to: \"type=registry,ref=r.io/a:c\($0)\"}}" }
            .joined(separator: ", ") + "]}}\n"
    }

    static let depthMessage = "nested more than 256 levels deep"
    static let aliasMessage = "aliases in this document expand to more than"

    static let all: [EdgeCase] = [
        EdgeCase(
            input: FuzzInput(name: "256 levels of [ (the limit)", text: String(repeating: "[", count: 256) + String(repeating: "]", count: 256) + "\n"),
            findings: 0),
        EdgeCase(
            input: FuzzInput(name: "5,000 levels of [", text: String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"),
            findings: 1, first: "yaml-syntax 1:257", messageContains: depthMessage),
        EdgeCase(
            input: FuzzInput(name: "5,000 levels of { a:", text: String(repeating: "{a: ", count: 5_000) + "x" + String(repeating: "}", count: 5_000) + "\n"),
            findings: 1, first: "yaml-syntax 1:1025", messageContains: depthMessage),
        EdgeCase(
            input: FuzzInput(name: "5,000 levels of - ", text: String(repeating: "- ", count: 5_000) + "x\n"),
            findings: 1, first: "yaml-syntax 1:513", messageContains: depthMessage),
        EdgeCase(
            input: FuzzInput(
                name: "5,000 levels of block mappings (12.5 MB)", text: (0..<5_000).map { String(repeating: " ", count: $0) + "k:\n" }.joined()),
            findings: 1, first: "yaml-syntax 257:257", messageContains: depthMessage, fixing: false, readingAsLog: false),
        EdgeCase(
            input: FuzzInput(name: "alias bomb, 7 levels of 9 (304 bytes)", text: aliasBomb(levels: 7, fanOut: 9)),
            findings: 1, first: "yaml-syntax 6:14", messageContains: aliasMessage),
        EdgeCase(
            input: FuzzInput(name: "alias bomb, 8 levels of 9 (350 bytes)", text: aliasBomb(levels: 8, fanOut: 9)),
            findings: 1, first: "yaml-syntax 6:14", messageContains: aliasMessage),
        EdgeCase(
            input: FuzzInput(name: "alias bomb, 40 levels of 2", text: aliasBomb(levels: 40, fanOut: 2)),
            findings: 1, first: "yaml-syntax 15:21", messageContains: aliasMessage),
        EdgeCase(
            input: FuzzInput(
                name: "merge keys: a step that merges another, its own keys first",
                text: workflowHead + "      - &b {uses: docker/build-push-action@v6, with: {cache-to: type=gha}}\n      - {name: again, <<: *b}\n"),
            findings: 2, first: "cache-export-unsupported-by-driver 6:65"),
        EdgeCase(
            input: FuzzInput(
                name: "a 1 MB single-line cache-to",
                text: workflowHead + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=registry,ref=ghcr.io/acme/app:"
                    + String(repeating: "a", count: 1 << 20) + "\n"),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21"),
        EdgeCase(
            input: FuzzInput(
                name: "one cache-to entry of 500 unknown attributes",
                text: workflowHead + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha"
                    + (0..<500).map { ",x\($0)=1" }.joined() + "\n"),
            findings: 500, first: "cache-attribute-unknown 9:30", fixing: false),
        EdgeCase(
            input: FuzzInput(
                name: "1,500 expressions in one value",
                text: workflowHead + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope="
                    + String(repeating: "${{ a }}", count: 1_500) + "\n"),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21"),
        EdgeCase(
            input: FuzzInput(
                name: "an unterminated expression before 1 MB",
                text: workflowHead + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=${{ "
                    + String(repeating: "b", count: 1 << 20) + "\n"),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21"),
        EdgeCase(
            input: FuzzInput(name: "1,000 builds on one line in flow style, after wide characters", text: oneLineBuilds(1_000)),
            findings: 1_000, first: "cache-export-unsupported-by-driver 2:110", fixing: false, rendering: false),
        EdgeCase(
            input: FuzzInput(name: "150 builds on one line, reported", text: oneLineBuilds(150)),
            findings: 150, first: "cache-export-unsupported-by-driver 2:110", fixing: false),
        EdgeCase(
            input: FuzzInput(
                name: "10,000 duplicate cache-to keys",
                text: workflowHead + "      - uses: docker/build-push-action@v6\n        with:\n"
                    + String(repeating: "          cache-to: type=gha\n", count: 10_000)),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21"),
        EdgeCase(
            input: FuzzInput(name: "100,000 lone CRs", text: "on: push\rjobs: {}" + String(repeating: "\r", count: 100_000)),
            findings: 0),
        EdgeCase(
            input: FuzzInput(
                name: "every kind of line break, then a finding",
                text: "on: push\r\njobs:\r  build:\u{85}    runs-on: ubuntu-latest\u{2028}    steps:\u{2029}"
                    + "      - uses: docker/build-push-action@v6\n        with:\r\n          cache-to: type=gha\r"),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21"),
        EdgeCase(
            input: FuzzInput(
                name: "a byte order mark, tabs and wide characters before the finding",
                bytes: [0xEF, 0xBB, 0xBF]
                    + Array(
                        (workflowHead + "      - name: \"\t日本語 🙂 👩‍👩‍👧\"\n        uses: docker/build-push-action@v6\n        with:\n"
                            + "          cache-to: \"🙂=1,type=gha\"\n").utf8)),
            findings: 2, first: "cache-attribute-unknown 9:22"),
    ]
}

/// The file as the checker sees it, and its findings as `rule line:column`.
private func findings(_ text: String, path: String = ".github/workflows/ci.yml") -> (file: SourceFile, found: [String], diagnostics: [Diagnostic]) {
    let file = SourceFile(path: path, text: text)
    guard case .checked(_, _, let diagnostics) = Checker().check(file) else { return (file, [], []) }
    return (file, diagnostics.map { "\($0.rule) \($0.span.start.line):\($0.span.start.column)" }.sorted(), diagnostics)
}

/// The inputs of the robustness issue and what the fuzzer found, one test each: what they must give now,
/// and, for problems still open, what they must give once fixed (inside `withKnownIssue`, so that the
/// fix shows up as an unexpected pass and the wrapper can go).
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    private let head = EdgeCase.workflowHead

    @Test func loneCarriageReturnsEndLines() {
        let (file, found, _) = findings("jobs:\r  b:\r    runs-on: x\r")
        #expect(file.lineCount == 4)
        #expect(found.isEmpty)
        guard case .checked(_, let kind, _) = Checker().check(file) else {
            Issue.record("not read as a workflow")
            return
        }
        #expect(kind == .githubWorkflow)
        let withFinding = findings(head.replacingOccurrences(of: "\n", with: "\r") + "      - uses: docker/build-push-action@v6\r        with:\r          cache-to: type=gha\r")
        #expect(withFinding.found == ["cache-export-unsupported-by-driver 8:21"])
        #expect(withFinding.diagnostics.first?.span.start == withFinding.file.location(line: 8, column: 21))
        #expect(withFinding.file.text(ofLine: 8) == "          cache-to: type=gha")
        expectNoProblems(FuzzInput(name: "lone CRs", text: "jobs:\r  b:\r    runs-on: x\r"))
    }

    @Test func aLineSeparatorInAQuotedNameOfACRLFFile() {
        let text = "name: \"a\u{2028}b\"\r\n" + head.replacingOccurrences(of: "\n", with: "\r\n")
            + "      - uses: docker/build-push-action@v6\r\n        with:\r\n          cache-to: type=gha\r\n"
        let (file, found, diagnostics) = findings(text)
        #expect(found == ["cache-export-unsupported-by-driver 10:21"])
        #expect(diagnostics.first?.span.start == file.location(line: 10, column: 21))
        #expect(file.text(ofLine: 10) == "          cache-to: type=gha")
        expectNoProblems(FuzzInput(name: "U+2028 in a CRLF file", text: text))
    }

    @Test func twoThousandFailingBuildsCheckInLinearTime() {
        let text = head + (0..<2_000).map {
            "      - name: Build \($0)\n        uses: docker/build-push-action@v6\n        with:\n          cache-to: type=registry,ref=ghcr.io/acme/svc\($0):cache,mode=max\n"
        }.joined()
        var found: [String] = []
        // 0.6 s of processor time in a debug build today; Benchmarks/scaling.sh holds the release build to < 2 s.
        let time = FuzzOracle.processorTime { found = findings(text).found }
        #expect(found.count == 2_000)
        #expect(Set(found.map { $0.split(separator: " ")[0] }) == ["cache-export-unsupported-by-driver"])
        #expect(time < .seconds(5), "\(time)")
    }

    @Test func twentyThousandLinesInOneCacheToBlock() {
        let text = head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: |\n"
            + (0..<20_000).map { "            type=registry,ref=ghcr.io/acme/app:cache\($0),mode=max\n" }.joined()
        var found: [String] = []
        // 3.5 s of processor time in a debug build today.
        let time = FuzzOracle.processorTime { found = findings(text).found }
        #expect(found.count == 20_000)
        #expect(found.contains("cache-export-unsupported-by-driver 9:13"))
        #expect(found.contains("cache-export-unsupported-by-driver 20008:13"))
        #expect(time < .seconds(15), "\(time)")
    }

    /// YAML forbids a literal U+0001, but a double-quoted `\x01` puts one in the value; it used to stand for
    /// an expression and hide every finding of the entry.
    @Test func aControlCharacterInACacheToValueHidesNothing() {
        let (_, found, _) = findings(
            head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: \"type=registry,ref=ghcr.io/acme/app:c\\x01x,mode=maximum\"\n")
        #expect(found == ["cache-attribute-invalid-value 8:21", "cache-export-unsupported-by-driver 8:21"])
    }

    /// Removing `driver: docker` from a flow mapping must not take the other inputs or the comment along.
    @Test func aFlowStyleWithKeepsItsOtherInputsUnderFix() throws {
        let line = "        with: {driver: docker, version: v0.19.0, install: true} # pin"
        let text = head + "      - uses: docker/setup-buildx-action@v3\n" + line + "\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        let result = Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text))
        let fixed = String(decoding: result.fixed, as: UTF8.self)
        #expect(try YAMLDocument.parse(SourceFile(path: "ci.yml", text: fixed)) != nil)
        let kept = fixed.split(separator: "\n").first { $0.contains("with: {") }.map(String.init)
        #expect(kept == line || kept == "        with: {version: v0.19.0, install: true} # pin", "\(fixed)")
        expectNoProblems(FuzzInput(name: "flow-style with", text: text))
    }

    /// Moving the setup step that is the file's last line, without a line break, before the build.
    @Test func aMovedLastLineGetsALineBreak() {
        let text = head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=registry,ref=ghcr.io/acme/app:cache\n      - uses: docker/setup-buildx-action@v3"
        let result = Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text))
        #expect(
            String(decoding: result.fixed, as: UTF8.self)
                == head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=registry,ref=ghcr.io/acme/app:cache\n")
        #expect(result.remaining.isEmpty)
    }

    /// A column far into a long line is counted from a checkpoint: it must equal counting from the line's start.
    @Test func columnsFarIntoALongLineAreExact() {
        let line = (0..<3_000).map { $0 % 3 == 0 ? "日本" : $0 % 3 == 1 ? "🙂x" : "abc" }.joined()
        let file = SourceFile(path: "a.yml", text: "first\n" + line + "\nlast")
        let start = 6
        let bytes = Array(line.utf8)
        for offset in stride(from: 0, through: bytes.count, by: 997) where offset == bytes.count || bytes[offset] & 0xC0 != 0x80 {
            let scalars = String(decoding: bytes[..<offset], as: UTF8.self).unicodeScalars.count
            #expect(file.location(ofByte: start + offset) == Location(line: 2, column: scalars + 1, offset: start + offset))
        }
        #expect(file.location(ofByte: start + bytes.count + 1) == Location(line: 3, column: 1, offset: start + bytes.count + 1))
    }

    /// A diff of a long file changed at its first and last lines: two hunks, made without a table of every
    /// pair of lines (20,000 × 20,000 would be 3.2 GB).
    @Test func aLongFileChangedAtBothEndsDiffsInLinearSpace() {
        let lines = (0..<20_000).map { "line \($0 % 50)\n" }
        let old = Array(lines.joined().utf8)
        let new = Array((["first\n"] + lines.dropFirst().dropLast() + ["last\n"]).joined().utf8)
        let diff = UnifiedDiff.between(old, new, path: "a.yml")
        #expect(
            diff
                == "--- a/a.yml\n+++ b/a.yml\n@@ -1,4 +1,4 @@\n-line 0\n+first\n line 1\n line 2\n line 3\n"
                + "@@ -19997,4 +19997,4 @@\n line 46\n line 47\n line 48\n-line 49\n+last\n")
    }

    /// Scripts and Makefiles are not YAML: their fixes must not be refused for failing to parse as YAML.
    @Test func fixesOfAMakefileAndAScriptAreApplied() {
        let makefile = "IMAGE ?= ghcr.io/acme/app\nimage:\n\tdocker buildx build --cache-to type=GHA,mode=max -t $(IMAGE) .\n"
        let fixedMakefile = Fixer().fix(SourceFile(path: "Makefile", text: makefile))
        // The lowercased gha export then needs a BuildKit builder, which a recipe line before the build creates.
        #expect(
            String(decoding: fixedMakefile.fixed, as: UTF8.self)
                == makefile.replacingOccurrences(of: "type=GHA", with: "type=gha")
                .replacingOccurrences(of: "image:\n", with: "image:\n\tdocker buildx create --use --driver docker-container\n"))
        let script = "#!/bin/sh\ncase \"$1\" in\n  push) docker buildx build --cache-to type=GHA --push . ;;\nesac\n"
        let fixedScript = Fixer().fix(SourceFile(path: "scripts/build.sh", text: script))
        #expect(String(decoding: fixedScript.fixed, as: UTF8.self) == script.replacingOccurrences(of: "type=GHA", with: "type=gha"))
    }

    // MARK: Open problems (reported; each passes once fixed)

    /// A permission level written as an expression is unknown, not missing: granting `packages: write`
    /// must not overwrite it.
    @Test func grantingPackagesWriteKeepsAnExpression() {
        let text = "on: push\npermissions:\n  contents: read\n  packages: ${{ x }} write\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n"
            + "          password: ${{ secrets.GITHUB_TOKEN }}\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:1\n"
        let fixed = String(decoding: Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text)).fixed, as: UTF8.self)
        #expect(fixed.contains("${{ x }}"), "\(fixed)")
    }

    /// `driver: docker` written as a block scalar: removing the input removes its value's lines too.
    @Test func removingADriverWrittenAsABlockScalarKeepsTheFileValid() throws {
        let text = head + "      - uses: docker/setup-buildx-action@v3\n        with:\n          driver: |-\n            docker\n          version: latest\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        let file = SourceFile(path: ".github/workflows/ci.yml", text: text)
        guard case .checked(_, _, let diagnostics) = Checker().check(file), let fix = diagnostics.compactMap(\.fix).first else {
            Issue.record("no fix offered")
            return
        }
        #expect(fix.summary == "remove `driver: docker` from the setup step")
        let fixed = String(decoding: FixApplier.apply([fix], to: file.bytes).bytes, as: UTF8.self)
        #expect(fixed == text.replacingOccurrences(of: "          driver: |-\n            docker\n", with: ""), "\(fixed)")
    }

    /// An attribute misspelt in several places of one entry: one `fix` run renames every one.
    @Test func everyMisspeltDuplicateIsRenamedInOneRun() {
        let entry = "type=registry,ref=ghcr.io/acme/app:cache,ignore-errors=true"
        let text = head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: "
            + entry + Array(repeating: "," + entry.dropFirst("type=registry,".count), count: 5).joined() + "\n"
        let once = Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text))
        #expect(once.applied.map(\.summary) == ["rename `ignore-errors` to `ignore-error`"])
        #expect(!String(decoding: once.fixed, as: UTF8.self).contains("ignore-errors"))
        #expect(String(decoding: once.fixed, as: UTF8.self).components(separatedBy: "ignore-error=true").count == 7)
    }

    /// libyaml reports an error at the end of a file without a final line break on a line of its own.
    @Test func anErrorAtTheEndOfTheFileIsOnItsLastLine() {
        let (file, _, diagnostics) = findings("on: push\njo")
        #expect(diagnostics.map(\.rule) == ["yaml-syntax"])
        #expect(diagnostics.first?.span.start == file.location(ofByte: 11))
    }

    /// A cache entry that holds a U+2028 spans two lines: its fields cannot be placed by counting columns on
    /// its first line, so findings about them point at the entry, where the line table agrees.
    @Test func aFieldAfterALineSeparatorIsReportedAtItsEntry() {
        let (file, found, diagnostics) = findings(
            head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n"
                + "          cache-to: \"type=inline,ref=a\u{2028}b,src=/tmp/c\"\n")
        #expect(found == ["cache-attribute-unknown 9:22", "cache-attribute-unknown 9:22"])
        for diagnostic in diagnostics {
            #expect(diagnostic.span.start == file.location(ofByte: diagnostic.span.start.offset))
            #expect(diagnostic.span.end == file.location(ofByte: diagnostic.span.end.offset))
        }
    }

    /// Renaming a misspelt attribute must keep the expression in its value.
    @Test func renamingAnAttributeKeepsItsExpression() {
        let text = head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n"
            + "          cache-from: type=local,src=${{ runner.temp }}/.buildx-cache\n"
            + "          cache-to: type=local,test=${{ runner.temp }}/.buildx-cache-new,mode=max\n"
        let fixed = String(decoding: Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text)).fixed, as: UTF8.self)
        #expect(fixed.contains("cache-to: type=local,dest=${{ runner.temp }}/.buildx-cache-new,mode=max"), "\(fixed)")
        #expect(!fixed.contains("xxxx"), "\(fixed)")
    }

    /// `docker build` in a run: step: a fix that adds setup-buildx-action does not help it, and must not be
    /// applied again on every pass.
    @Test func fixingADockerBuildTwiceChangesNothing() {
        let text = head + "      - uses: docker/setup-buildx-action@v3\n      - run: docker build --cache-to type=local,dest=/tmp/c .\n"
        let once = Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text))
        #expect(once.applied.isEmpty, "\(once.applied.map(\.summary))")
        let twice = Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: String(decoding: once.fixed, as: UTF8.self)))
        #expect(!twice.changed)
    }

    // MARK: Through the command line

    /// A step that merges another with `<<` as its first key: the step's first key then comes from the anchor,
    /// before the step, and the span from the step's start to it is a range whose end precedes its start
    /// (GitHubActionsFrontend `step`, "Range requires lowerBound <= upperBound"). Run out of process: the
    /// crash would end the test process.
    @Test func aStepThatStartsWithAMergeKeyDoesNotCrash() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml")
        try (head + "      - &s {uses: docker/build-push-action@v6, with: {cache-to: type=gha}}\n      - <<: *s\n").write(to: path, atomically: true, encoding: .utf8)
        let result = try run(["check", "--format", "json", path.path])
        #expect(result.status == 1, "\(result.stderr.prefix(300))")
    }

    @Test func aWorkflowWithLoneCarriageReturnsInSARIF() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ci.yml")
        try (head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n")
            .replacingOccurrences(of: "\n", with: "\r").write(to: path, atomically: true, encoding: .utf8)
        let result = try run(["check", "--format", "sarif", path.path])
        #expect(result.status == 1)
        let log = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let runs = log?["runs"] as? [[String: Any]]
        let results = runs?.first?["results"] as? [[String: Any]]
        let location = (results?.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        let region = location?["region"] as? [String: Any]
        #expect(region?["startLine"] as? Int == 8)
        #expect(region?["startColumn"] as? Int == 21)
    }

    @Test func explainRefusesBinaryBytes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("build.log")
        try Data([0x61, 0x62, 0x63, 0x00, 0xFF, 0xFE, 0x0A] + Array("ERROR: failed to solve\n".utf8)).write(to: path)
        let result = try run(["explain", path.path])
        #expect(result.status == 2)
        #expect(result.stderr == "buildx-doctor: error: \(path.path):1: not a text log (NUL byte)\n")
    }
}
