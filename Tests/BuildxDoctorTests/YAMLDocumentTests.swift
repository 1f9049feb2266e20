import BuildxDoctor
import Testing

@Suite("YAML composition from libyaml events")
struct YAMLDocumentTests {
    private func parse(_ text: String) throws -> YAMLNode? {
        try YAMLDocument.parse(SourceFile(path: "x.yml", text: text))
    }

    /// The value of `key: value` in the top mapping, with where its text starts.
    private func scalar(_ key: String, in text: String) throws -> YAMLScalar {
        try #require(try parse(text)?.mapping?[key]?.scalar)
    }

    @Test(arguments: [
        ("LF", "a: 1\nb: 2\n"), ("CRLF", "a: 1\r\nb: 2\r\n"), ("lone CR", "a: 1\rb: 2\r"),
        ("NEL", "a: 1\u{85}b: 2\n"), ("LINE SEPARATOR", "a: 1\u{2028}b: 2\n"),
        ("PARAGRAPH SEPARATOR", "a: 1\u{2029}b: 2\n"),
    ])
    func everyLineBreakLibyamlCountsIsALine(_ name: String, _ text: String) throws {
        let b = try scalar("b", in: text)
        #expect(b.value == "2", "\(name)")
        #expect(b.start.line == 2 && b.start.column == 4, "\(name)")
        let file = SourceFile(path: "x.yml", text: text)
        #expect(file.lineCount == 3, "\(name)")
        #expect(file.text(ofLine: 2) == "b: 2", "\(name)")
        #expect(file.location(ofByte: b.start.offset) == b.start, "\(name)")
    }

    @Test func aBreakInsideAQuotedScalarMovesLaterLines() throws {
        let text = "name: \"a\u{2028}b\"\r\nafter: x\r\n"
        let after = try scalar("after", in: text)
        #expect((after.start.line, after.start.column) == (3, 8))
        #expect(Array(text.utf8)[after.start.offset] == UInt8(ascii: "x"))
    }

    @Test func offsetsCountBytesWhileColumnsCountCharacters() throws {
        let text = "é: \"ü\"\nk: 日本\n"
        let k = try scalar("k", in: text)
        #expect((k.start.line, k.start.column, k.start.offset) == (2, 4, 12))
        #expect((k.end.line, k.end.column, k.end.offset) == (2, 6, 18))
        let quoted = try scalar("é", in: text)
        #expect((quoted.start.offset, quoted.end.offset) == (4, 8))
    }

    @Test func deepNestingIsRefusedWithItsPosition() throws {
        let text = "a: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        #expect {
            try parse(text)
        } throws: { error in
            let error = try #require(error as? YAMLSyntaxError)
            return error.message.contains("nested more than 256 levels")
                && error.location == Location(line: 1, column: 259, offset: 258)
        }
    }

    @Test func deepBlockNestingIsRefused() throws {
        let text = (0..<1000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(throws: YAMLSyntaxError.self) { try parse(text) }
        let shallow = (0..<200).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(try parse(shallow) != nil)
    }

    @Test func anAliasBombIsRefusedQuickly() throws {
        var lines = [#"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
            previous = name
        }
        let clock = ContinuousClock()
        let started = clock.now
        #expect {
            try parse(lines.joined(separator: "\n") + "\n")
        } throws: { error in
            let error = try #require(error as? YAMLSyntaxError)
            return error.message.contains("aliases in this document expand to more than") && error.location.line == 6
        }
        #expect(clock.now - started < .seconds(2))
    }

    @Test func modestAliasUseIsRead() throws {
        let text = """
            defaults: &defaults
              runs-on: ubuntu-latest
              env: {A: "1"}
            jobs:
              a:
                <<: *defaults
                runs-on: self-hosted
              b: *defaults
            """
        let jobs = try #require(try parse(text)?.mapping?["jobs"]?.mapping)
        #expect(jobs["a"]?.mapping?["runs-on"]?.string == "self-hosted")
        #expect(jobs["a"]?.mapping?["env"]?.mapping?["A"]?.string == "1")
        #expect(jobs["b"]?.mapping?["runs-on"]?.string == "ubuntu-latest")
        #expect(jobs["a"]?.mapping?.entries.map(\.key.value) == ["runs-on", "env"])
    }

    @Test func earlierMergeSourcesWin() throws {
        let text = "x: &x {k: 1}\ny: &y {k: 2, l: 3}\nz:\n  <<: [*x, *y]\n"
        let z = try #require(try parse(text)?.mapping?["z"]?.mapping)
        #expect(z["k"]?.string == "1")
        #expect(z["l"]?.string == "3")
    }

    @Test func anUndefinedAliasIsAnError() throws {
        #expect {
            try parse("a: *nowhere\n")
        } throws: { error in
            (error as? YAMLSyntaxError)?.message == "found undefined alias 'nowhere'"
        }
    }

    @Test func flowCollectionsAreMarked() throws {
        let root = try #require(try parse("with: {driver: docker, version: v0.19.0}\nlist: [a, b]\nblock:\n  - a\n")?.mapping)
        #expect(root["with"]?.mapping?.isFlow == true)
        #expect(root["list"]?.sequence?.isFlow == true)
        #expect(root["block"]?.sequence?.isFlow == false)
        #expect(root.isFlow == false)
    }

    @Test func unknownTagsAreRead() throws {
        let root = try #require(try parse("script:\n  - !reference [.setup, script]\n  - echo\n")?.mapping)
        #expect(root["script"]?.sequence?.items.count == 2)
    }

    @Test func onlyOneDocumentIsAccepted() throws {
        #expect(throws: YAMLSyntaxError.self) { try parse("a: 1\n---\nb: 2\n") }
        #expect(try parse("--- \na: 1\n...\n")?.mapping?["a"]?.string == "1")
    }

    @Test func emptyAndCommentOnlyFilesHaveNoDocument() throws {
        #expect(try parse("") == nil)
        #expect(try parse("# nothing\n") == nil)
    }

    @Test func syntaxErrorsCarryTheParsersPosition() throws {
        #expect {
            try parse("a: 1\r b: [\r")
        } throws: { error in
            let error = try #require(error as? YAMLSyntaxError)
            return error.location.line >= 2 && error.location.offset <= 11
        }
    }
}
