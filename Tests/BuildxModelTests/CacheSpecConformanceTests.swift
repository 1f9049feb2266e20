import Testing

@testable import BuildxModel

/// A parse-level case: `T…` ids come from docker/buildx's own tests (`util/buildflags/cache_test.go`
/// `TestCacheOptions_RefOnlyFormat` and `TestCacheOptions_MissingTypeError`, `bake/bake_test.go`
/// `TestRefOnlyCacheOptions`, `bake/compose_test.go` `TestParseCompose`, `TestComposeExt`); `D…` ids are derived
/// from reading `util/buildflags/cache.go` `ParseCacheEntry` and are in no buildx test.
struct ParseCase: CustomTestStringConvertible, Sendable {
    enum Expected: Sendable {
        /// Entries as (type, attributes).
        case entries([(String, [String: String])])
        case error(String)
    }
    let id: String
    let input: String
    let expected: Expected
    var testDescription: String { "\(id): \(input)" }
}

let buildxTestCases: [ParseCase] = [
    ParseCase(id: "T5", input: "ref1", expected: .entries([("registry", ["ref": "ref1"])])),
    ParseCase(id: "T6", input: "test=test", expected: .error(#"type required for "test=test""#)),
    ParseCase(
        id: "T9", input: "ref1,ref2",
        expected: .entries([("registry", ["ref": "ref1"]), ("registry", ["ref": "ref2"])])),
    ParseCase(
        id: "T10", input: "type=local,src=path/to/cache",
        expected: .entries([("local", ["src": "path/to/cache"])])),
    ParseCase(
        id: "T10-to", input: "type=local,dest=path/to/cache",
        expected: .entries([("local", ["dest": "path/to/cache"])])),
    ParseCase(
        id: "T12", input: "user/app:cache", expected: .entries([("registry", ["ref": "user/app:cache"])])),
]

let derivedCases: [ParseCase] = [
    ParseCase(id: "D1", input: "user/app:cache", expected: .entries([("registry", ["ref": "user/app:cache"])])),
    ParseCase(id: "D2", input: "", expected: .entries([])),
    ParseCase(
        id: "D3", input: "type=registry,ref=user/app:cache,mode=max",
        expected: .entries([("registry", ["ref": "user/app:cache", "mode": "max"])])),
    ParseCase(id: "D4", input: "TYPE=gha,Scope=Foo", expected: .entries([("gha", ["scope": "Foo"])])),
    ParseCase(id: "D5", input: "type=GHA", expected: .entries([("GHA", [:])])),
    ParseCase(id: "D6", input: "type=local,dest", expected: .error("invalid value dest")),
    ParseCase(id: "D7", input: "type=registry,ref=a=b", expected: .entries([("registry", ["ref": "a=b"])])),
    ParseCase(id: "D8", input: "ref=user/app", expected: .error(#"type required for "ref=user/app""#)),
    ParseCase(
        id: "D9", input: #"type=registry,ref="x""#,
        expected: .error(#"parse error on line 1, column 19: bare " in non-quoted-field"#)),
    ParseCase(id: "D10", input: #"type=local,"dest=a,b""#, expected: .entries([("local", ["dest": "a,b"])])),
    ParseCase(id: "D11", input: #""type=local,dest=a,b""#, expected: .entries([("local,dest=a,b", [:])])),
    ParseCase(
        id: "D12", input: "ref1, ref2",
        expected: .entries([("registry", ["ref": "ref1"]), ("registry", ["ref": " ref2"])])),
    ParseCase(id: "D13", input: " type=gha", expected: .error(#"type required for " type=gha""#)),
    ParseCase(id: "D14", input: "type=gha,scope=a,scope=b", expected: .entries([("gha", ["scope": "b"])])),
    ParseCase(id: "D15", input: "# type=gha", expected: .error(##"type required for "# type=gha""##)),
]

@Suite("Cache spec parsing conforms to buildx")
struct CacheSpecConformanceTests {
    @Test("verbatim from buildx tests", arguments: buildxTestCases)
    func buildxCase(_ testCase: ParseCase) { check(testCase) }

    @Test("derived from buildx code", arguments: derivedCases)
    func derivedCase(_ testCase: ParseCase) { check(testCase) }

    private func check(_ testCase: ParseCase) {
        switch testCase.expected {
        case .entries(let expected):
            let specs: [CacheSpec]
            do {
                specs = try CacheSpecParser.parse(testCase.input)
            } catch {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(specs.map(\.type) == expected.map(\.0))
            #expect(specs.map(\.attributes) == expected.map(\.1))
        case .error(let message):
            #expect(throws: CacheSpecError.self) { try CacheSpecParser.parse(testCase.input) }
            do {
                _ = try CacheSpecParser.parse(testCase.input)
            } catch {
                #expect(error.description == message)
            }
        }
    }
}

@Suite("Buildx CSV errors")
struct BuildxCSVTests {
    @Test func unterminatedQuoteIsPositionedAfterTheOpeningQuote() {
        #expect(throws: BuildxCSV.ParseError(column: 13, problem: .quote)) {
            try BuildxCSV.fields(#"type=local,"dest=a"#)
        }
    }

    @Test func textAfterClosingQuoteIsAnError() {
        #expect(throws: BuildxCSV.ParseError(column: 17, problem: .quote)) {
            try BuildxCSV.fields(#"type=local,"dest"=a"#)
        }
    }

    @Test func doubledQuoteInsideQuotedFieldIsOneQuote() throws {
        #expect(try BuildxCSV.fields(#"a,"b""c""#).map(\.text) == ["a", #"b"c"#])
    }

    @Test func trailingCommaMakesAnEmptyField() throws {
        #expect(try BuildxCSV.fields("a,").map(\.text) == ["a", ""])
        #expect(throws: CacheSpecError.invalidValue(field: "")) { try CacheSpecParser.parse("type=gha,") }
    }

    @Test func fieldRangesPointIntoTheInput() throws {
        let spec = try #require(try CacheSpecParser.parse("type=local,dest=/tmp/c").first)
        #expect(spec.typeField?.range == 0..<10)
        #expect(spec.fields.first?.range == 11..<22)
    }
}
