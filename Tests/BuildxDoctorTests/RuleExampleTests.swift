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
    func triggeringExampleFindsEveryMarkerExactly(_ testCase: RuleExampleCase) {
        let (text, expected) = removingMarkers(testCase.example.source)
        #expect(!expected.isEmpty, "a triggering example needs at least one ↓")
        let found = diagnostics(text, rules: [testCase.rule], path: path(for: testCase.example))
        #expect(found.map(\.rule).allSatisfy { $0 == testCase.rule.description.id })
        #expect(found.map(\.position).sorted(by: order) == expected.sorted(by: order))
        #expect(found.allSatisfy { $0.help != nil && !$0.message.isEmpty })
    }

    @Test(arguments: nonTriggeringCases)
    func nonTriggeringExampleIsSilent(_ testCase: RuleExampleCase) {
        let found = diagnostics(testCase.example.source, rules: [testCase.rule], path: path(for: testCase.example))
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

    private func path(for example: RuleExample) -> String {
        example.kind == .githubCompositeAction ? "action.yml" : ".github/workflows/example.yml"
    }

    private func order(_ a: Position, _ b: Position) -> Bool { (a.line, a.column) < (b.line, b.column) }
}
