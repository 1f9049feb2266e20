@testable import BuildxDoctor
import Foundation
import Testing

private let known = RuleRegistry.descriptions.map(\.id)

/// The directives of `text` read with `syntax`, as `line→target rules "reason"`.
private func directives(_ text: String, _ syntax: CommentSyntax) -> [String] {
    Suppressions.directives(in: SourceFile(path: "file", text: text), syntax: syntax, knownRules: known).directives.map { directive in
        "\(directive.line)→\(directive.target) \(directive.entries.map(\.rule).joined(separator: ",")) \(directive.reason.map { "\"\($0)\"" } ?? "-")"
    }
}

/// The problems of `text` read as YAML, as `line:column message`.
private func problems(_ text: String) -> [String] {
    Suppressions.directives(in: SourceFile(path: "file", text: text), syntax: .yaml, knownRules: known).problems.map {
        "\($0.span.start.line):\($0.span.start.column) \($0.message)"
    }
}

/// Checks a workflow and returns the reported findings and the suppressed ones, in position order.
private func check(_ yaml: String, configuration: Configuration? = nil, path: String = ".github/workflows/ci.yml")
    -> (reported: [Diagnostic], suppressed: [SuppressedDiagnostic])
{
    let checker = Checker(configuration: configuration.map { .given($0) } ?? .none)
    let outcome = checker.outcome(SourceFile(path: path, text: yaml), isExplicit: true, configuration: configuration)
    guard case .checked(_, _, let diagnostics) = outcome.result else { return ([], []) }
    return (diagnostics.sorted { $0.span.start.offset < $1.span.start.offset }, outcome.suppressed)
}

private let cacheExport = "cache-export-unsupported-by-driver"

/// A workflow whose one build step, on the runner's default builder, has `lines` (indented by 12, as the
/// file has them) under its `with:`.
func buildStepWorkflow(with lines: String) -> String {
    let relative = lines.split(separator: "\n", omittingEmptySubsequences: false).map { $0.dropFirst(min(6, $0.count)) }
    return RuleExample.steps("- uses: docker/build-push-action@v6\n  with:\n" + relative.joined(separator: "\n")).source
}

private func workflow(_ build: String) -> String { buildStepWorkflow(with: build) }

@Suite("Inline suppressions")
struct SuppressionTests {
    @Test func yamlCommentsAfterCodeOrAloneAbove() {
        let text = """
            key: value # buildx-doctor: ignore[yaml-syntax] broken on purpose
            # buildx-doctor: ignore[cache-type-unknown, cache-spec-invalid]   two rules, no trailing space   
            # an ordinary comment in between
            cache-to: type=GHA
            quoted: "# buildx-doctor: ignore[yaml-syntax]"
            url: http://example.com/#buildx-doctor:ignore[yaml-syntax]
            """
        #expect(
            directives(text, .yaml) == [
                "1→1 yaml-syntax \"broken on purpose\"",
                "2→4 cache-type-unknown,cache-spec-invalid \"two rules, no trailing space\"",
            ])
    }

    @Test func shellCommentsStartAWord() {
        let text = """
            docker buildx build --cache-to type=gha . # buildx-doctor: ignore[cache-export-unsupported-by-driver] containerd host
            echo a#buildx-doctor: ignore[yaml-syntax]
            \t# buildx-doctor: ignore[cache-type-unknown]
            docker buildx build --cache-to type=GHA .
            """
        #expect(
            directives(text, .shell) == [
                "1→1 cache-export-unsupported-by-driver \"containerd host\"",
                "3→4 cache-type-unknown -",
            ])
    }

    @Test func makefileCommentsStartAnywhereButAfterABackslash() {
        let text = """
            build:# buildx-doctor: ignore[cache-type-unknown] the target's own line
            \tdocker buildx build --cache-to type=GHA . \\# buildx-doctor: ignore[yaml-syntax]
            # buildx-doctor: ignore[cache-spec-invalid]
            \tdocker buildx build --cache-to 'type=registry,ref' .
            """
        #expect(
            directives(text, .makefile) == [
                "1→1 cache-type-unknown \"the target's own line\"",
                "3→4 cache-spec-invalid -",
            ])
    }

    @Test func hclTakesHashAndDoubleSlash() {
        let text = """
            target "app" {
              // buildx-doctor: ignore[cache-type-unknown] legacy name kept for the old runners
              cache-to = ["type=GHA"]
              cache-from = ["type=gha"] # buildx-doctor: ignore[cache-import-unsupported-by-driver]
              tags = ["ghcr.io/acme/app"] //buildx-doctor:ignore[registry-ref-uppercase]
              output = ["https://example.com//buildx-doctor: ignore[yaml-syntax]"]
            }
            """
        #expect(
            directives(text, .hcl) == [
                "2→3 cache-type-unknown \"legacy name kept for the old runners\"",
                "4→4 cache-import-unsupported-by-driver -",
                "5→5 registry-ref-uppercase -",
            ])
        #expect(directives(text, .yaml) == ["4→4 cache-import-unsupported-by-driver -"])
    }

    @Test func theSyntaxFollowsTheFileName() {
        #expect(CommentSyntax.of(path: ".github/workflows/ci.yml") == .yaml)
        #expect(CommentSyntax.of(path: "docker-bake.hcl") == .hcl)
        #expect(CommentSyntax.of(path: "build/Makefile") == .makefile)
        #expect(CommentSyntax.of(path: "rules.mk") == .makefile)
        #expect(CommentSyntax.of(path: "scripts/build.sh") == .shell)
    }

    @Test func malformedSuppressionsAreReportedWhereTheyGoWrong() {
        let text = """
            a: 1 # buildx-doctor: ignroe[yaml-syntax]
            b: 2 # buildx-doctor: ignore yaml-syntax
            c: 3 # buildx-doctor: ignore[]
            d: 4 # buildx-doctor: ignore[yaml-syntax, cache-typ-unknown]
            e: 5 # buildx-doctor: ignore[yaml-syntax
            f: 6 # buildx-doctor:
            g: 7 # buildx-doctor: ignore[yaml-syntax,]
            """
        #expect(
            problems(text) == [
                "1:23 unknown directive `ignroe`; did you mean `ignore`?",
                "2:23 `ignore` must be followed by a list of rule ids in brackets: `ignore[rule-id]`",
                "3:29 empty rule id in the list",
                "4:43 unknown rule `cache-typ-unknown`; did you mean `cache-type-unknown`?",
                "5:29 the list of rule ids is not closed with `]`",
                "6:22 a `buildx-doctor:` comment needs `ignore[rule-id, …]`",
            ])
        #expect(directives(text, .yaml) == ["7→7 yaml-syntax -"])
    }

    @Test func aCommentOnTheFindingsLineSuppressesIt() throws {
        let result = check(workflow("            cache-to: type=gha # buildx-doctor: ignore[\(cacheExport)] the runner has the containerd store"))
        #expect(result.reported.isEmpty)
        let suppressed = try #require(result.suppressed.first)
        #expect(result.suppressed.count == 1)
        #expect(suppressed.diagnostic.rule == cacheExport && suppressed.diagnostic.span.start.line == 8)
        #expect(suppressed.kind == .inSource)
        #expect(suppressed.justification == "the runner has the containerd store")
    }

    @Test func aCommentAloneSuppressesTheNextLine() {
        let result = check(workflow("            # buildx-doctor: ignore[\(cacheExport)]\n            cache-to: type=gha"))
        #expect(result.reported.isEmpty)
        #expect(result.suppressed.map(\.diagnostic.span.start.line) == [9])
        #expect(result.suppressed.first?.justification == nil)
    }

    /// Inside a block scalar a comment is part of the value, so a comment above the key covers the block.
    @Test func aCommentAboveABlockScalarCoversItsLines() {
        let result = check(
            workflow(
                """
                            # buildx-doctor: ignore[\(cacheExport)] both exports go to a containerd-store runner
                            cache-to: |
                              type=gha,scope=a

                              type=local,dest=/tmp/cache
                            push: true
                """))
        #expect(result.reported.isEmpty)
        #expect(result.suppressed.map(\.diagnostic.span.start.line) == [10, 12])
        #expect(directives("# buildx-doctor: ignore[yaml-syntax]\n- run: |-\n    a\n  b: c\n", .yaml) == ["1→2 yaml-syntax -"])
        let unused = check(workflow("            # buildx-doctor: ignore[yaml-syntax]\n            cache-from: >\n              type=gha\n            push: true"))
        #expect(unused.reported.first { $0.rule == "suppression-unused" }?.message == "this suppression of `yaml-syntax` suppresses nothing: no `yaml-syntax` finding starts on lines 9–10")
    }

    @Test func onlyTheNamedRulesAreSuppressed() {
        let result = check(
            workflow("            platforms: linux/amd64,linux/arm64\n            cache-to: type=gha # buildx-doctor: ignore[multi-platform-unsupported-by-driver]"))
        #expect(result.reported.map(\.rule) == ["multi-platform-unsupported-by-driver", cacheExport, "suppression-unused"])
        #expect(result.suppressed.isEmpty)
        let unused = result.reported[2]
        #expect(unused.severity == .info)
        #expect(
            unused.message
                == "this suppression of `multi-platform-unsupported-by-driver` suppresses nothing: no `multi-platform-unsupported-by-driver` finding starts on this line")
        #expect(unused.span.start.line == 9 && unused.span.start.column == 56)
    }

    @Test func anUnusedSuppressionIsReportedAtItsRuleID() {
        let text = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  # buildx-doctor: ignore[\(cacheExport), yaml-syntax] kept from an old build
                  - uses: docker/setup-buildx-action@v3
            """
        let result = check(text)
        #expect(result.reported.map { "\($0.rule) \($0.span.start.line):\($0.span.start.column)" } == [
            "suppression-unused 6:31", "suppression-unused 6:67",
        ])
        #expect(result.reported.first?.message.hasSuffix("no `\(cacheExport)` finding starts on line 7") == true)
        // Both ids are unused, so the fix removes the whole comment line.
        #expect(result.reported.first?.fix == result.reported.last?.fix)
        let fixed = Fixer(checker: Checker()).fix(SourceFile(path: "ci.yml", text: text))
        #expect(String(decoding: fixed.fixed, as: UTF8.self) == text.replacingOccurrences(of: "      # buildx-doctor: ignore[\(cacheExport), yaml-syntax] kept from an old build\n", with: ""))
    }

    @Test func theFixRemovesOnlyTheUnusedIDs() {
        let text = workflow("            cache-to: type=gha # buildx-doctor: ignore[yaml-syntax, \(cacheExport), cache-type-unknown] why")
        let result = check(text)
        #expect(result.reported.map(\.rule) == ["suppression-unused", "suppression-unused"])
        let fixed = Fixer(checker: Checker(), rules: ["suppression-unused"]).fix(SourceFile(path: "ci.yml", text: text))
        #expect(String(decoding: fixed.fixed, as: UTF8.self) == workflow("            cache-to: type=gha # buildx-doctor: ignore[\(cacheExport)] why"))
    }

    @Test func suppressionsOfRulesTheConfigurationTurnsOffAreNotUnused() throws {
        let text = workflow("            cache-to: type=inline # buildx-doctor: ignore[inline-cache-mode-max, \(cacheExport)]")
        #expect(check(text).reported.map(\.rule) == ["suppression-unused", "suppression-unused"])
        let configuration = try ConfigurationParser.parse(
            SourceFile(path: ".buildx-doctor.yml", text: "rules:\n  inline-cache-mode-max: off\n  suppression-unused: warning\n"),
            root: PathText.currentDirectory())
        let configured = check(text, configuration: configuration).reported
        #expect(configured.map { "\($0.rule) \($0.severity)" } == ["suppression-unused warning"])
        #expect(configured.first?.message.contains("`\(cacheExport)`") == true)
    }

    @Test func aSyntaxErrorCanBeSuppressed() {
        let result = check("on: push\njobs: [\n# buildx-doctor: ignore[yaml-syntax] generated file\n")
        #expect(result.reported.isEmpty)
        #expect(result.suppressed.map(\.diagnostic.rule) == ["yaml-syntax"])
    }

    @Test func reportsCountAndListSuppressedFindings() throws {
        let file = SourceFile(
            path: ".github/workflows/ci.yml",
            text: workflow("            platforms: linux/amd64,linux/arm64\n            cache-to: type=gha # buildx-doctor: ignore[\(cacheExport)] containerd store"))
        let report = CheckReport(outcomes: [Checker().outcome(file, isExplicit: true, configuration: nil)], inputErrors: [])
        #expect(report.diagnostics.map(\.rule) == ["multi-platform-unsupported-by-driver"])
        #expect(report.suppressedCount(.inSource) == 1)
        #expect(TextReporter(colored: false).render(report).hasSuffix("1 error, 0 warnings, 0 info in 1 file (1 suppressed)\n"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReporter().render(report).utf8)) as? [String: Any])
        let suppressed = try #require(json["suppressed"] as? [[String: Any]])
        #expect(suppressed.count == 1)
        #expect(suppressed.first?["rule"] as? String == cacheExport)
        #expect(suppressed.first?["line"] as? Int == 9)
        #expect(suppressed.first?["suppression"] as? [String: String] == ["kind": "inSource", "justification": "containerd store"])
        #expect((json["summary"] as? [String: Int])?["suppressed"] == 1)

        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(SARIFReporter().render(report).utf8)) as? [String: Any])
        let results = try #require(((sarif["runs"] as? [[String: Any]])?.first)?["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["multi-platform-unsupported-by-driver", cacheExport])
        #expect(results[0]["suppressions"] == nil)
        #expect(results[1]["suppressions"] as? [[String: String]] == [["kind": "inSource", "justification": "containerd store"]])
        #expect(codeScanningProblems(in: sarif) == [])
    }

    /// The rule pages' examples hold: a finding at each marker of a triggering example, none otherwise.
    @Test(arguments: Suppressions.descriptions.map(\.id))
    func examplesOfTheSuppressionRules(_ id: String) throws {
        let description = try #require(Suppressions.descriptions.first { $0.id == id })
        for example in description.triggeringExamples {
            let (text, markers) = removingMarkers(example.source)
            let found = check(text).reported.filter { $0.rule == id }.map(\.position)
            #expect(found == markers, "\(text)")
        }
        for example in description.nonTriggeringExamples {
            #expect(check(example.source).reported.filter { $0.rule == id }.isEmpty, "\(example.source)")
        }
    }
}
