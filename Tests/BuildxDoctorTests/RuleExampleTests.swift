import Foundation
import BuildxDoctor
import Testing

/// One example of one rule, named for the test report.
struct RuleExampleCase: CustomTestStringConvertible, Sendable {
    let rule: any Rule
    let example: RuleExample
    let number: Int
    let triggers: Bool
    var testDescription: String { "\(rule.description.id) \(triggers ? "triggering" : "non-triggering") #\(number)" }
}

let triggeringCases = RuleRegistry.all.flatMap { rule in
    rule.description.triggeringExamples.enumerated().map { RuleExampleCase(rule: rule, example: $1, number: $0 + 1, triggers: true) }
}
let nonTriggeringCases = RuleRegistry.all.flatMap { rule in
    rule.description.nonTriggeringExamples.enumerated().map { RuleExampleCase(rule: rule, example: $1, number: $0 + 1, triggers: false) }
}

/// Every rule's own examples are its tests: a finding at every `↓` (exact line and column) and nowhere
/// else, and no finding on the non-triggering ones.
@Suite("Rule examples")
struct RuleExampleTests {
    @Test(arguments: triggeringCases)
    func triggeringExampleFindsEveryMarkerExactly(_ testCase: RuleExampleCase) throws {
        let (text, expected) = removingMarkers(testCase.example.source)
        #expect(!expected.isEmpty, "a triggering example needs at least one ↓")
        let found = try findings(text, of: testCase)
        #expect(found.map(\.rule).allSatisfy { $0 == testCase.rule.description.id })
        #expect(found.map(\.position).sorted(by: order) == expected.sorted(by: order))
        #expect(found.allSatisfy { $0.help != nil && !$0.message.isEmpty })
    }

    @Test(arguments: nonTriggeringCases)
    func nonTriggeringExampleIsSilent(_ testCase: RuleExampleCase) throws {
        let found = try findings(testCase.example.source, of: testCase)
        #expect(found.isEmpty, "\(found.map(\.message))")
    }

    @Test(arguments: triggeringCases + nonTriggeringCases)
    func exampleIsValidYAMLOfItsKind(_ testCase: RuleExampleCase) {
        let (text, _) = removingMarkers(testCase.example.source)
        let file = SourceFile(path: path(for: testCase.example), text: text)
        guard case .checked(_, let kind, let found) = Checker(rules: []).check(file) else {
            Issue.record("the example is not read as a \(testCase.example.kind.rawValue)")
            return
        }
        #expect(kind == testCase.example.kind)
        #expect(found.isEmpty, "\(found.map(\.message))")
    }

    @Test func everyRuleHasBothKindsOfExamples() {
        for rule in RuleRegistry.all {
            #expect(!rule.description.triggeringExamples.isEmpty, "\(rule.description.id)")
            #expect(!rule.description.nonTriggeringExamples.isEmpty, "\(rule.description.id)")
        }
    }

    @Test func ruleIDsAreUniqueKebabCase() {
        let ids = RuleRegistry.descriptions.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "-" } })
    }

    /// The example's findings; an example with repository files is checked in a repository made of them.
    private func findings(_ text: String, of testCase: RuleExampleCase) throws -> [Diagnostic] {
        let path = path(for: testCase.example)
        guard !testCase.example.files.isEmpty else { return diagnostics(text, rules: [testCase.rule], path: path) }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".git"), withIntermediateDirectories: true)
        for (relative, content) in testCase.example.files.merging([path: text], uniquingKeysWith: { $1 }) {
            let url = folder.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return Checker(rules: [testCase.rule]).check(paths: [folder.appendingPathComponent(path).path]).diagnostics
    }

    private func path(for example: RuleExample) -> String {
        example.kind == .githubCompositeAction ? "action.yml" : ".github/workflows/example.yml"
    }

    private func order(_ a: Position, _ b: Position) -> Bool { (a.line, a.column) < (b.line, b.column) }
}
