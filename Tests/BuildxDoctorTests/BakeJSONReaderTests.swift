import BuildxDoctor
import Testing

/// JSON bake files: HCL's JSON syntax read through the YAML composer, strings as templates, each value
/// with its position. The expected values are what `docker buildx bake --print` (buildx 0.29.1) printed.
@Suite struct BakeJSONReaderTests {
    static func read(_ text: String, environment: [String: Value<String>] = [:]) -> BakeDocument {
        BakeFileReader.read([SourceFile(path: "docker-bake.json", text: text)], environment: BakeEnvironment(variables: environment))[0]
    }

    static func position(_ span: Span) -> String { "\(span.start.line):\(span.start.column)" }

    static let file = """
        {
          "variable": {
            "TAG": {"default": "latest"},
            "N": {"default": 3}
          },
          "group": {"default": {"targets": ["app"]}},
          "target": {
            "app": {
              "tags": ["repo/app:${TAG}", "caf\\u00e9\\/x", "a$${b}", "\\ud83d\\ude00"],
              "args": {"n": "${N + 1}", "neg": -1.50},
              "cache-from": ["type=gha"]
            },
            "base": [{"context": "."}, {"dockerfile": "D"}]
          }
        }
        """

    /// buildx printed tags ["repo/app:latest", "café/x", "a${b}"], args n="4" neg="-1.5" and merged
    /// the two `base` bodies.
    @Test func valuesAsBakePrintsThem() {
        let document = Self.read(Self.file)
        #expect(document.problems.isEmpty)
        #expect(document.groups.map(\.name) == ["default"])
        #expect(document.targets.map(\.name) == ["app", "base", "base"])
        guard case .list(let tags, _)? = document.targets.first?.attribute("tags")?.value,
            case .object(let args, _)? = document.targets.first?.attribute("args")?.value
        else {
            Issue.record("no tags or args")
            return
        }
        let texts = tags.map { value -> String? in if case .string(let string) = value { string.text } else { nil } }
        #expect(texts == ["repo/app:latest", "café/x", "a${b}", "😀"])
        if case .number("4", _) = args[0].value {} else { Issue.record("n is \(args[0].value)") }
        if case .number("-1.5", _) = args[1].value {} else { Issue.record("neg is \(args[1].value)") }
    }

    /// buildx printed targets m-x and m-y with tags r/x:1-z and r/y:1-z.
    @Test func functionsAndMatrixInJSON() {
        let document = Self.read(#"""
            {
              "function": {"tag": {"params": ["n"], "variadic_params": "rest", "result": "r/${n}:${join(\"-\", rest)}"}},
              "variable": {"V": {"default": "1"}},
              "target": {
                "m": {"name": "m-${a}", "matrix": {"a": ["x", "y"]}, "tags": ["${tag(a, V, \"z\")}"]}
              }
            }
            """#)
        #expect(document.problems.isEmpty)
        #expect(document.targets.map(\.name) == ["m-x", "m-y"])
        let tags = document.targets.map { target -> [String?] in
            guard case .list(let items, _)? = target.attribute("tags")?.value else { return [] }
            return items.map { if case .string(let string) = $0 { string.text } else { nil } }
        }
        #expect(tags == [["r/x:1-z"], ["r/y:1-z"]])
        #expect(document.targets.map { Self.position($0.nameSpan) } == ["5:20", "5:20"])
    }

    @Test func positionsOfValuesAndElements() throws {
        let document = Self.read(Self.file)
        let app = try #require(document.targets.first)
        #expect(Self.position(app.nameSpan) == "8:6")
        #expect(app.attribute("tags").map { Self.position($0.nameSpan) } == "9:8")
        guard case .list(let tags, _)? = app.attribute("tags")?.value, case .list(let cache, _)? = app.attribute("cache-from")?.value,
            case .string(let gha) = cache[0], case .string(let escaped) = tags[1]
        else {
            Issue.record("no lists")
            return
        }
        #expect(tags.map { Self.position($0.span) } == ["9:17", "9:36", "9:52", "9:62"])
        #expect(gha.isVerbatim)
        #expect(gha.span.byteRange.count == "type=gha".utf8.count)
        #expect(!escaped.isVerbatim)
    }

    @Test func unknownEnvironmentValuesAreMasked() {
        let document = Self.read(Self.file, environment: ["TAG": .unknown("${{ github.sha }}")])
        guard case .list(let tags, _)? = document.targets.first?.attribute("tags")?.value, case .string(let tag)? = tags.first else {
            Issue.record("no tags")
            return
        }
        #expect(tag.text == "repo/app:xxxxxx")
        #expect(tag.unknownParts == [9..<15])
    }

    @Test func invalidJSONIsAProblemAtItsPosition() {
        let document = Self.read("{\n  \"target\": {\"a\": {\"tags\": [\"x\",]]}}\n}\n")
        #expect(document.targets.isEmpty)
        #expect(document.problems.count == 1)
        #expect(document.problems.first.map { Self.position($0.span) }?.hasPrefix("2:") == true)
        let yaml = Self.read("target:\n  a:\n    tags: [\"x\"]\n")
        #expect(yaml.problems.map { Self.position($0.span) } == ["1:1"])
        let wrongShape = Self.read("{\"target\": [\"a\"]}")
        #expect(wrongShape.problems.map { Self.position($0.span) } == ["1:12"])
    }

    @Test func templateErrorsInsideStrings() {
        let document = Self.read("{\"target\": {\"a\": {\"tags\": [\"${nope}\"]}}}")
        #expect(document.problems.map(\.message) == ["Unknown variable: There is no variable named \"nope\"."])
        #expect(document.problems.map { Self.position($0.span) } == ["1:31"])
    }
}
