import BuildxDoctor
import Testing

/// The HCL bake reader: syntax with exact positions, evaluation as `docker buildx bake --print` (buildx
/// 0.29.1 on the testbed) printed it for the same files, and bounded work on hostile input.
@Suite struct HCLReaderTests {
    static func read(_ text: String, path: String = "docker-bake.hcl", environment: [String: Value<String>] = [:]) -> BakeDocument {
        BakeFileReader.read([SourceFile(path: path, text: text)], environment: BakeEnvironment(variables: environment))[0]
    }

    static func text(_ value: BakeValue?) -> String? {
        if case .string(let string)? = value { return string.text }
        return nil
    }

    static func position(_ span: Span) -> String { "\(span.start.line):\(span.start.column)" }

    /// The `tags` list and the `args` and `labels` objects of a target, when it has all three.
    static func tagsArgsLabels(_ target: BakeBlock?) -> ([BakeValue], [(key: String, value: BakeValue)], [(key: String, value: BakeValue)])? {
        guard case .list(let tags, _)? = target?.attribute("tags")?.value, case .object(let args, _)? = target?.attribute("args")?.value,
            case .object(let labels, _)? = target?.attribute("labels")?.value
        else { return nil }
        return (tags, args, labels)
    }

    @Test func positionsOfValuesAndListElements() {
        let document = Self.read("""
            # comment
            target "app" {
              /* block */ tags = ["a:1", // first
                 "é:2"]
              context = "."
            }
            """)
        #expect(document.problems.isEmpty)
        let target = document.targets[0]
        #expect(target.name == "app")
        #expect(Self.position(target.nameSpan) == "2:9")
        let tags = target.attribute("tags")!
        #expect(Self.position(tags.nameSpan) == "3:15")
        guard case .list(let items, let span) = tags.value else {
            Issue.record("tags is not a list")
            return
        }
        #expect(Self.position(span) == "3:22")
        #expect(items.map { Self.position($0.span) } == ["3:24", "4:7"])
        guard case .string(let second) = items[1] else { return }
        #expect(second.text == "é:2")
        #expect(second.isVerbatim)
        #expect(second.span.end.column == 10)
        #expect(second.span.byteRange.count == 4)
    }

    /// buildx printed `"hello\n  world\n"` for the `<<-` heredoc and `"a${x}%{y}"` for the escapes.
    @Test func heredocsAndEscapes() {
        let document = Self.read("""
            target "x" {
              tags = [<<-EOT
                hello
                  world
                EOT
              , "a$${x}%%{y}", "\\u00e9\\t\\\\", <<EOT
            raw \\n ${"in"}
            EOT
              ]
            }
            """)
        #expect(document.problems.isEmpty)
        guard case .list(let items, _)? = document.targets.first?.attribute("tags")?.value else {
            Issue.record("no tags")
            return
        }
        #expect(items.map { Self.text($0) } == ["hello\n  world\n", "a${x}%{y}", "é\t\\", "raw \\n in\n"])
        guard case .string(let heredoc) = items[0], case .string(let escaped) = items[1] else { return }
        #expect(!heredoc.isVerbatim)
        #expect(Self.position(heredoc.span) == "3:1")
        #expect(!escaped.isVerbatim)
    }

    /// buildx printed tags [" c", " d"], b="true", s="7" with L=" c, d" B=1 S=7; without them b is null.
    @Test func typedVariables() throws {
        let file = """
            variable "S" {
              type = string
              default = 5
            }
            variable "L" {
              type = list(string)
              default = ["a"]
            }
            variable "B" {
              type = bool
            }
            target "x" {
              tags = L
              args = { s = S, b = B }
            }
            """
        let set = Self.read(file, environment: ["L": .known(" c, d"), "B": .known("1"), "S": .known("7")])
        #expect(set.problems.isEmpty)
        guard case .list(let tags, _)? = set.targets.first?.attribute("tags")?.value,
            case .object(let args, _)? = set.targets.first?.attribute("args")?.value
        else {
            Issue.record("no tags or args")
            return
        }
        #expect(tags.map { Self.text($0) } == [" c", " d"])
        #expect(Self.text(args[0].value) == "7")
        if case .bool(true, _) = args[1].value {} else { Issue.record("b is \(args[1].value)") }
        guard case .object(let plain, _)? = Self.read(file).targets.first?.attribute("args")?.value else { return }
        if case .null = plain[1].value {} else { Issue.record("b is \(plain[1].value)") }
        // CSV with quotes is not read here: unknown, not a guess.
        let quoted = Self.read(file, environment: ["L": .known("\"a,b\",c")]).targets.first?.attribute("tags")?.value
        if case .unknown? = quoted {} else { Issue.record("quoted CSV read as \(String(describing: quoted))") }
    }

    /// buildx: "t8.hcl:12,17-27: Validation failed; V must not be bad: bad" with V=bad.
    @Test func variableValidation() {
        let file = """
            variable "V" {
              default = "x"
              validation {
                condition = V != "bad"
                error_message = "V must not be bad: ${V}"
              }
            }
            """
        #expect(Self.read(file).problems.isEmpty)
        let bad = Self.read(file, environment: ["V": .known("bad")])
        #expect(bad.problems.map(\.message) == ["Validation failed: V must not be bad: bad"])
        #expect(bad.problems.map { Self.position($0.span) } == ["4:17"])
    }

    /// buildx: tab indentation counts one character per tab; blank lines do not count.
    @Test func flushHeredocWithTabsAndBlankLines() {
        let document = Self.read("target \"x\" {\n  labels = { h = <<-EOT\n\ttab\n\t  tab2\n\n\tEOT\n  }\n}\n")
        guard case .object(let entries, _)? = document.targets.first?.attribute("labels")?.value else {
            Issue.record("no labels")
            return
        }
        #expect(Self.text(entries.first?.value) == "tab\n  tab2\n\n")
    }

    /// buildx printed args a="" (no default), b="false", c="7" and d="hi" with B=false C=7 D=hi.
    @Test func variablesAndEnvironmentTyping() {
        let file = """
            variable "A" {}
            variable "B" { default = true }
            variable "C" { default = 3 }
            variable "D" { default = null }
            target "x" {
              args = { a = A, b = B, c = C, d = D, e = "${B}", f = C + 1 }
            }
            """
        let plain = Self.read(file)
        guard case .object(let args, _)? = plain.targets.first?.attribute("args")?.value else {
            Issue.record("no args")
            return
        }
        #expect(Self.text(args[0].value) == "")
        if case .bool(true, _) = args[1].value {} else { Issue.record("b is \(args[1].value)") }
        if case .null = args[3].value {} else { Issue.record("d is \(args[3].value)") }
        if case .number("4", _) = args[5].value {} else { Issue.record("f is \(args[5].value)") }
        let set = Self.read(file, environment: ["B": .known("false"), "C": .known("1.50"), "D": .known("hi"), "A": .unknown("${{ env.A }}")])
        guard case .object(let overridden, _)? = set.targets.first?.attribute("args")?.value else { return }
        if case .unknown = overridden[0].value {} else { Issue.record("a is \(overridden[0].value)") }
        if case .bool(false, _) = overridden[1].value {} else { Issue.record("b is \(overridden[1].value)") }
        if case .number("1.5", _) = overridden[2].value {} else { Issue.record("c is \(overridden[2].value)") }
        #expect(Self.text(overridden[3].value) == "hi")
        // "${B}" is B itself (bake prints it as "false").
        if case .bool(false, _) = overridden[4].value {} else { Issue.record("e is \(overridden[4].value)") }
        let bad = Self.read(file, environment: ["B": .known("nope")])
        #expect(bad.problems.map(\.message) == ["failed to parse B as bool: strconv.ParseBool: parsing \"nope\": invalid syntax"])
        #expect(bad.problems.map { Self.position($0.span) } == ["2:16"])
    }

    /// buildx listed the matrix group as m-1-x-p, m-1-y-p, m-1-x-q, …: keys in name order, the first fastest.
    @Test func matrixExpansionOrderAndNames() {
        let document = Self.read("""
            target "m" {
              name = "m-${c}-${a}-${b}"
              matrix = { c = ["1", "2"], a = ["x", "y"], b = ["p","q"] }
              args = { a = a }
            }
            """)
        #expect(document.problems.isEmpty)
        #expect(document.targets.map(\.name) == ["m-1-x-p", "m-1-y-p", "m-1-x-q", "m-1-y-q", "m-2-x-p", "m-2-y-p", "m-2-x-q", "m-2-y-q"])
        #expect(document.targets.allSatisfy { Self.position($0.nameSpan) == "2:10" })
        #expect(document.targets.allSatisfy { $0.attribute("matrix") == nil && $0.attribute("name") == nil })
        guard case .object(let args, _)? = document.targets[1].attribute("args")?.value else { return }
        #expect(Self.text(args[0].value) == "y")
    }

    /// buildx printed tags ["r.io/a:env"], args A=2 B=1 and these labels with E=env (lower("ÀB") it
    /// printed "àb"; this reader leaves non-ASCII case mapping unknown rather than risk a difference).
    @Test func forExpressionsSplatsAndBuiltIns() throws {
        let document = Self.read("""
            REG = "r.io"
            variable "E" {}
            target "x" {
              tags = [for t in ["a", "b"] : "${REG}/${t}:${E}" if t != "b"]
              args = { for k, v in { b = 1, a = 2 } : upper(k) => v }
              labels = { s = join(",", [{ n = "p" }, { n = "q" }][*].n), i = element(["a","b","c"], 4), c = coalesce("", "z"), t = trimspace("  x \\n"), r = replace("a.b.c", ".", "-"), sp = join("|", split(".", "a..b")), sa = sanitize("a/b:c"), e = equal(1, "1"), l = lower("ÀB") }
            }
            """, environment: ["E": .known("env")])
        #expect(document.problems.isEmpty)
        let (tags, args, labels) = try #require(Self.tagsArgsLabels(document.targets.first))
        #expect(tags.map { Self.text($0) } == ["r.io/a:env"])
        #expect(args.map(\.key) == ["A", "B"])
        #expect(labels.map { Self.text($0.value) ?? "-" } == ["p,q", "b", "", "x", "a-b-c", "a||b", "a_b_c", "-", "-"])
        if case .bool(false, _) = labels[7].value {} else { Issue.record("equal(1, \"1\") is \(labels[7].value)") }
        if case .unknown = labels[8].value {} else { Issue.record("lower(\"ÀB\") is \(labels[8].value)") }
    }

    /// buildx reported a bad environment value at 1:14 (the brace) for a multi-line variable body, and
    /// at the attribute (2:16 above) for a one-line one.
    @Test func environmentErrorAtTheBodyStart() {
        let document = Self.read("variable \"N\" {\n  description = \"n\"\n\n  default = 5\n}\n", environment: ["N": .known("x")])
        #expect(document.problems.map(\.message) == ["failed to parse N as number: strconv.ParseFloat: parsing \"x\": invalid syntax"])
        #expect(document.problems.map { Self.position($0.span) } == ["1:14"])
    }

    @Test func variablesAndFunctionsAreSharedAcrossFiles() {
        let documents = BakeFileReader.read(
            [
                SourceFile(path: "a.hcl", text: "variable \"TAG\" { default = \"1\" }\nfunction \"img\" {\n  params = [n]\n  result = \"r/${n}:${TAG}\"\n}\n"),
                SourceFile(path: "b.hcl", text: "target \"app\" { tags = [img(\"app\")] }\n"),
            ], environment: BakeEnvironment())
        #expect(documents.map(\.path) == ["a.hcl", "b.hcl"])
        #expect(documents[0].targets.isEmpty)
        guard case .list(let tags, _)? = documents[1].targets.first?.attribute("tags")?.value else {
            Issue.record("no tags")
            return
        }
        #expect(tags.map { Self.text($0) } == ["r/app:1"])
        #expect(tags[0].span.path == "a.hcl")
    }

    @Test func unknownNamesAndFunctionsAreReportedWhereWritten() {
        let document = Self.read("target \"x\" {\n  tags = [NOPE, nofunc(1)]\n}\n")
        #expect(document.problems.map(\.message) == [
            "Unknown variable: There is no variable named \"NOPE\".", "Call to unknown function: There is no function named \"nofunc\".",
        ])
        #expect(document.problems.map { Self.position($0.span) } == ["2:11", "2:17"])
    }

    /// buildx: "t6.hcl:3,3-7: Attribute redefined; The argument "tags" was already set at t6.hcl:2,3-7."
    @Test func repeatedArgumentIsReported() {
        let document = Self.read("target \"a\" {\n  tags = [\"1\"]\n  tags = [\"2\"]\n}\n")
        #expect(document.problems.map(\.message) == [
            "Attribute redefined: The argument \"tags\" was already set at 2:3. Each argument may be set only once.",
        ])
        #expect(document.problems.map { Self.position($0.span) } == ["3:3"])
    }

    /// buildx printed (after bake's own removal of duplicate tags) a, b, c, x, y, yes, a-b-c, a/z; n="-4",
    /// cmp="true"; and "  keep a\n" for a heredoc whose end marker is indented.
    @Test func expressionSyntax() throws {
        let document = Self.read(#"""
            variable "LIST" { default = ["a", "b", "c"] }
            variable "OBJS" {
              default = [
                { name = "x", tags = ["1"] },
                { name = "y", tags = ["2"] }, // trailing
              ]
            }
            target "x" {
              tags = concat(
                LIST,           # comment
                OBJS[*].name,
                OBJS.*.name,
                [LIST.0 == "a" ? LIST [0] : "", (LIST[1] == "b"
                  ? "yes" : "no")],
                [join("-", [LIST]...)],
                [format("%s/%s", LIST[0], "z")],
              )
              args = {
                "quoted key" = "v1",
                plain: "v2"
                (LIST[2]) = "v3"
                n = -3 * 2 + 10 / 5 % 3
                cmp = 3 >= 2 && !(1 > 2) || false
              }
              labels = {
                h = <<EOT
              keep ${LIST[0]}
                EOT
              }
            }
            """#)
        #expect(document.problems.isEmpty)
        let (tags, args, labels) = try #require(Self.tagsArgsLabels(document.targets.first))
        #expect(tags.map { Self.text($0) } == ["a", "b", "c", "x", "y", "x", "y", "a", "yes", "a-b-c", "a/z"])
        #expect(args.map(\.key) == ["quoted key", "plain", "c", "n", "cmp"])
        if case .number("-4", _) = args[3].value {} else { Issue.record("n is \(args[3].value)") }
        if case .bool(true, _) = args[4].value {} else { Issue.record("cmp is \(args[4].value)") }
        #expect(Self.text(labels[0].value) == "  keep a\n")
    }

    @Test func directivesOverUnknownValuesAreMasked() {
        let document = Self.read(#"""
            variable "V" { default = "" }
            target "x" { tags = ["a-%{ if V != "" }${V}%{ endif }-b", "%{ for x in split(",", V) }${x}%{ endfor }"] }
            """#, environment: ["V": .unknown("${{ inputs.v }}")])
        guard case .list(let tags, _)? = document.targets.first?.attribute("tags")?.value, case .string(let first) = tags[0] else {
            Issue.record("no tags")
            return
        }
        // The placeholder is as long as the directive's text, `%{ if V != "" }${V}%{ endif }`.
        #expect(first.text == "a-" + String(repeating: "x", count: 29) + "-b")
        #expect(first.unknownParts == [2..<31])
        if case .unknown = tags[1] {} else if case .string(let second) = tags[1] { #expect(!second.isKnown) }
    }

    @Test func matrixExpansionIsBounded() {
        let values = (0..<200).map { "\"\($0)\"" }.joined(separator: ",")
        let document = Self.read("target \"m\" {\n  name = \"m-${a}-${b}\"\n  matrix = { a = [\(values)], b = [\(values)] }\n}\n")
        #expect(document.targets.isEmpty)
        #expect(document.problems.count == 1)
        #expect(document.problems.first.map { Self.position($0.span) } == "3:12")
    }

    /// buildx printed "app:1.0-a-b", "AB-2", "a-3", and yes / p,q, / s! for the directives and strip markers.
    @Test func functionsAndDirectives() {
        let document = Self.read("""
            function "tag" {
              params = [name, ver]
              variadic_params = rest
              result = "${name}:${ver}-${join("-", rest)}"
            }
            variable "V" { default = "1.0" }
            target "x" {
              tags = [tag("app", V, "a", "b"), "${upper("ab")}-${length([1,2])}", format("%s-%d", "a", 3)]
              args = { a = "%{ if V == "1.0" }yes%{ else }no%{ endif }", b = "%{ for x in ["p","q"] }${x},%{ endfor }", c = "  ${~ "s" ~}  !" }
            }
            """)
        #expect(document.problems.isEmpty)
        guard case .list(let tags, _)? = document.targets.first?.attribute("tags")?.value,
            case .object(let args, _)? = document.targets.first?.attribute("args")?.value
        else {
            Issue.record("no tags or args")
            return
        }
        #expect(tags.map { Self.text($0) } == ["app:1.0-a-b", "AB-2", "a-3"])
        #expect(args.map { Self.text($0.value) } == ["yes", "p,q,", "s!"])
    }

    @Test func unknownPartsAreMasked() {
        let document = Self.read("""
            variable "REGISTRY" { default = "r" }
            target "x" {
              cache-from = ["type=registry,ref=${REGISTRY}/app:${BAKE_LOCAL_PLATFORM}", timestamp()]
            }
            """, environment: ["REGISTRY": .unknown("${{ vars.REGISTRY }}")])
        guard case .list(let items, _)? = document.targets.first?.attribute("cache-from")?.value,
            case .string(let string) = items[0]
        else {
            Issue.record("no cache-from")
            return
        }
        #expect(string.text == "type=registry,ref=" + String(repeating: "x", count: 11) + "/app:" + String(repeating: "x", count: 22))
        #expect(string.unknownParts == [18..<29, 34..<56])
        #expect(!string.isVerbatim)
        if case .unknown = items[1] {} else { Issue.record("timestamp() is \(items[1])") }
    }

    /// RFC 1321 §A.5 test suite values; moby/buildkit names matrix targets with md5().
    @Test func md5() {
        let document = Self.read(#"target "x" { tags = [md5(""), md5("abc"), md5("message digest"), md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")] }"#)
        guard case .list(let tags, _)? = document.targets.first?.attribute("tags")?.value else {
            Issue.record("no tags")
            return
        }
        #expect(tags.map { Self.text($0) } == [
            "d41d8cd98f00b204e9800998ecf8427e", "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
            "57edf4a22be3c955ac49da2e2107b67a",
        ])
    }

    @Test func cyclesNameTheirMembers() {
        let document = Self.read("""
            variable "A" { default = "${B}-a" }
            variable "B" { default = "${A}-b" }
            target "x" { tags = [A] }
            """)
        #expect(document.problems.map(\.message) == ["variable cycle not allowed for A: A → B → A"])
        #expect(document.problems.map { Self.position($0.span) } == ["1:11"])
    }

    @Test func targetReferences() {
        let document = Self.read("""
            target "base" { tags = ["b:1"] }
            target "app" { cache-from = target.base.tags }
            """)
        guard case .list(let items, _)? = document.targets[1].attribute("cache-from")?.value else {
            Issue.record("no cache-from")
            return
        }
        #expect(items.map { Self.text($0) } == ["b:1"])
        #expect(Self.position(items[0].span) == "1:26")
    }

    @Test func syntaxErrorsAtPositionsAndTheRestIsRead() {
        let document = Self.read("""
            target "a" {
              tags = ["x", ]]
              context = "ok"
              args = { a = 1 b = 2 }
            }
            target "b" { context = "c" }
            """)
        #expect(document.problems.map { Self.position($0.span) } == ["2:17", "4:18"])
        #expect(document.targets.map(\.name) == ["a", "b"])
        #expect(Self.text(document.targets[0].attribute("context")?.value) == "ok")
        #expect(Self.text(document.targets[1].attribute("context")?.value) == "c")
    }

    @Test(arguments: ["target \"a\" {", "target \"a\" { tags = [\"x\"", "target \"a\" { tags = \"x", "x = <<EOT\nabc", "x = /* c", "x = ${", "x = \"${\"", "x = \"%{ if true }\"", "x = [for"])
    func unterminatedInputIsReported(_ text: String) {
        let document = Self.read(text)
        #expect(!document.problems.isEmpty)
    }

    @Test func hostileInputInBoundedTime() {
        let clock = ContinuousClock()
        let start = clock.now
        let deep = "x = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(Self.read(deep).problems.first?.message.hasPrefix("Nesting too deep") == true)
        let deepBlocks = String(repeating: "a {\n", count: 10_000)
        #expect(!Self.read(deepBlocks).problems.isEmpty)
        let sum = "x = 1" + String(repeating: " + 1", count: 100_000)
        #expect(Self.read(sum).problems.first?.message.hasPrefix("Nesting too deep") == true)
        let steps = "x = a" + String(repeating: "[0].b", count: 100_000)
        #expect(Self.read(steps).problems.first?.message.hasPrefix("Nesting too deep") == true)
        let heredoc = Self.read("target \"t\" {\n  args = { h = <<-EOT\n" + String(repeating: "    line ${1}\n", count: 100_000) + "  EOT\n  }\n}\n")
        guard case .object(let args, _)? = heredoc.targets.first?.attribute("args")?.value, case .string(let body) = args[0].value else {
            Issue.record("no heredoc")
            return
        }
        #expect(body.text.utf8.count == 100_000 * "line 1\n".utf8.count)
        let garbage = Self.read(String(repeating: "!!!\n", count: 100_000))
        #expect(garbage.problems.count == 100_000)
        let templates = "x = " + String(repeating: "\"${", count: 50_000)
        #expect(Self.read(templates).problems.contains { $0.message.hasPrefix("Nesting too deep") })
        let unary = "x = " + String(repeating: "!", count: 100_000) + "true"
        #expect(!Self.read(unary).problems.isEmpty)
        let elements = (0..<100_000).map { "\"e\($0)\"" }.joined(separator: ", ")
        let big = Self.read("target \"t\" { tags = [\(elements)] }")
        guard case .list(let items, _)? = big.targets.first?.attribute("tags")?.value else {
            Issue.record("no tags")
            return
        }
        #expect(items.count == 100_000)
        // The string's span starts after its quote.
        #expect(items.last?.span.start.column == 23 + elements.utf8.count - 8)
        var doubling = "variable \"V0\" { default = [\"x\"] }\n"
        for index in 1...40 { doubling += "variable \"V\(index)\" { default = concat(V\(index - 1), V\(index - 1)) }\n" }
        doubling += "target \"t\" { tags = V40 }\n"
        let exploded = Self.read(doubling)
        #expect(exploded.problems.contains { $0.message.hasPrefix("Evaluation too large") })
        // Each variable refers to the next, defined later: resolving the first goes 2,000 deep.
        var chain = ""
        for index in 0..<2_000 { chain += "variable \"V\(index)\" { default = V\(index + 1) }\n" }
        chain += "variable \"V2000\" { default = \"x\" }\n"
        #expect(Self.read(chain).problems.first?.message.hasPrefix("Too many nested references") == true)
        // Generous for a loaded machine; a quadratic step over these sizes would take many minutes.
        #expect(clock.now - start < .seconds(60))
    }
}
