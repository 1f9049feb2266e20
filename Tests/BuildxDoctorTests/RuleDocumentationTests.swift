import BuildxDoctor
import Foundation
import Testing

@Suite("docs/rules")
struct RuleDocumentationTests {
    @Test(arguments: RuleRegistry.descriptions.map(\.id))
    func pageIsUpToDate(_ id: String) throws {
        let rule = try #require(RuleRegistry.descriptions.first { $0.id == id })
        let page = packageRoot.appendingPathComponent("docs/rules").appendingPathComponent(RuleDocumentation.fileName(for: rule))
        let written = try? String(contentsOf: page, encoding: .utf8)
        #expect(
            written == RuleDocumentation.markdown(for: rule),
            "docs/rules/\(id).md is stale: run `swift run buildx-doctor rules --write-docs docs/rules`")
    }

    @Test func noPageForARuleThatIsGone() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs/rules").path)
        let expected = Set(RuleRegistry.descriptions.map(RuleDocumentation.fileName(for:)))
        #expect(Set(pages.filter { $0.hasSuffix(".md") }) == expected)
    }
}
