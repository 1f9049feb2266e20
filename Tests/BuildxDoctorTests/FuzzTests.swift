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
    for fixCase in fixCases {
        seeds.append(FuzzInput(name: "fix case '\(fixCase.name)' before", text: fixCase.before))
        seeds.append(FuzzInput(name: "fix case '\(fixCase.name)' after", text: fixCase.after))
    }
    return seeds
}()

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
            let path = name.hasSuffix("action.yml") || name.hasSuffix("action.yaml") ? "action.yml" : ".github/workflows/\(index).yml"
            let seed = FuzzInput(name: "corpus \(name)", bytes: Array(data), path: path)
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
            let isAction = index % 7 == 6
            let seed = FuzzInput(
                name: "generated #\(index) (seed \(FuzzBudget.seed))", text: isAction ? generator.compositeAction() : generator.workflow(),
                path: isAction ? "action.yml" : ".github/workflows/generated.yml")
            tally.examine(seed)
            for mutant in mutants(of: seed, count: 2, rngSeed: FuzzBudget.seed &+ 0x30_0000 &+ UInt64(index)) {
                tally.examine(mutant)
            }
        }
        tally.summarize()
        // The generator is worth its time only if it makes the rules speak and the fixer work.
        #expect(tally.findings > 1_000 * FuzzBudget.scale)
        #expect(tally.fixes > 100 * FuzzBudget.scale)
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
            + Array(repeating: "{name: 日本語🙂, uses: docker/build-push-action@v6, with: {cache-to: type=gha}}", count: count)
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
            findings: 500, first: "cache-attribute-unknown 9:30", fixing: false, rendering: false,
            knownSlowness: KnownFuzzIssue.fieldSpansQuadratic),
        EdgeCase(
            input: FuzzInput(
                name: "1,500 expressions in one value",
                text: workflowHead + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope="
                    + String(repeating: "${{ a }}", count: 1_500) + "\n"),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21", knownSlowness: KnownFuzzIssue.maskedRangesQuadratic),
        EdgeCase(
            input: FuzzInput(
                name: "an unterminated expression before 1 MB",
                text: workflowHead + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=${{ "
                    + String(repeating: "b", count: 1 << 20) + "\n"),
            findings: 1, first: "cache-export-unsupported-by-driver 8:21"),
        EdgeCase(
            input: FuzzInput(name: "1,000 builds on one line in flow style, after wide characters", text: oneLineBuilds(1_000)),
            findings: 1_000, first: "cache-export-unsupported-by-driver 2:109", fixing: false, rendering: false),
        EdgeCase(
            input: FuzzInput(name: "150 builds on one line, reported", text: oneLineBuilds(150)),
            findings: 150, first: "cache-export-unsupported-by-driver 2:109", fixing: false, knownSlowness: KnownFuzzIssue.reportsWalkWholeLines),
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
