import BuildxDoctor
import Testing

/// The UTF-8 byte range of occurrence `occurrence` (0 = first) of `needle` in `text`.
func byteRange(of needle: String, in text: String, occurrence: Int = 0) -> Range<Int> {
    let haystack = Array(text.utf8)
    let pattern = Array(needle.utf8)
    var seen = 0
    var start = 0
    while start + pattern.count <= haystack.count {
        if haystack[start..<(start + pattern.count)].elementsEqual(pattern) {
            if seen == occurrence { return start..<(start + pattern.count) }
            seen += 1
        }
        start += 1
    }
    Issue.record("`\(needle)` not found in the text")
    return 0..<0
}

/// The words of each command, as their values (unknown parts as written).
private func words(_ text: String, knownVariables: [String: String] = [:]) -> [[String]] {
    ShellScript.parse(text, knownVariables: knownVariables).commands.map { $0.words.map(\.displayText) }
}

@Suite("Shell script reader")
struct ShellScriptTests {
    // MARK: Words and ranges

    @Test func wordsHaveExactByteRanges() throws {
        let text = "docker buildx build --cache-to type=gha ."
        let command = try #require(ShellScript.parse(text).commands.first)
        #expect(command.words.map(\.literal) == ["docker", "buildx", "build", "--cache-to", "type=gha", "."])
        #expect(command.words.map(\.range) == [0..<6, 7..<13, 14..<19, 20..<30, 31..<39, 40..<41])
        #expect(command.range == 0..<41)
        #expect(command.separator == .end)
        #expect(command.precedingOperator == nil)
        #expect(!command.isConditional)
    }

    @Test func quotesAndEscapesAreRemovedAndMappedPiecewise() throws {
        // Each value byte comes from one input byte: "a" 'b' c \" \d
        let text = #"echo "a"'b'c\"\d"#
        let word = try #require(ShellScript.parse(text).commands.first?.words.last)
        #expect(word.literal == #"abc"d"#)
        #expect(word.range == 5..<16)
        #expect((0..<5).map { word.inputRange(ofValue: $0..<($0 + 1)) } == [6..<7, 9..<10, 11..<12, 13..<14, 15..<16])
        #expect(word.inputRange(ofValue: 0..<5) == 6..<16)
        #expect(word.inputRange(ofValue: 1..<3) == 9..<12)
    }

    @Test func aFindingInsideAQuotedCacheEntryPointsAtItsBytes() throws {
        let text = #"docker buildx build --cache-to "type=registry,ref=x,mode=max" ."#
        let word = try #require(ShellScript.parse(text).commands.first?.words[4])
        let value = try #require(word.literal)
        let modeInValue = byteRange(of: "mode=max", in: value)
        #expect(word.inputRange(ofValue: modeInValue) == byteRange(of: "mode=max", in: text))
        #expect(word.range == byteRange(of: #""type=registry,ref=x,mode=max""#, in: text))
    }

    @Test func doubleQuotesKeepBackslashesThatEscapeNothing() {
        #expect(words(#"echo "a\b" "c\"d" "e\\f" "g\$h""#) == [["echo", #"a\b"#, #"c"d"#, #"e\f"#, "g$h"]])
        #expect(words(#"echo 'a\b' 'c"d'"#) == [["echo", #"a\b"#, #"c"d"#]])
    }

    @Test func lineContinuationsJoinWordsAndLines() throws {
        let text = "docker build \\\n  --tag x\\\ny \\\r\n  .\n"
        let command = try #require(ShellScript.parse(text).commands.first)
        #expect(command.words.map(\.literal) == ["docker", "build", "--tag", "xy", "."])
        let joined = command.words[3]
        #expect(joined.range == byteRange(of: "x\\\ny", in: text))
        #expect(joined.inputRange(ofValue: 1..<2) == byteRange(of: "y", in: text))
        #expect(command.separator == .newline)
        #expect(ShellScript.parse(text).commands.count == 1)
    }

    @Test func crlfLineBreaksSeparateCommandsAndStayOutOfWords() throws {
        let text = "docker build .\r\necho done\r\n"
        let script = ShellScript.parse(text)
        #expect(script.commands.map { $0.words.map(\.literal) } == [["docker", "build", "."], ["echo", "done"]])
        #expect(script.commands.map(\.range) == [0..<14, 16..<25])
        #expect(script.commands.map(\.separator) == [.newline, .newline])
    }

    @Test func multibyteTextCountsBytes() throws {
        let text = "echo 'é' ü"
        let command = try #require(ShellScript.parse(text).commands.first)
        #expect(command.words.map(\.literal) == ["echo", "é", "ü"])
        #expect(command.words.map(\.range) == [0..<4, 5..<9, 10..<12])
    }

    // MARK: Operators

    @Test func operatorsConnectCommands() {
        let script = ShellScript.parse("a && b || c; d | e |& f & g\nh")
        #expect(script.commands.map(\.name) == ["a", "b", "c", "d", "e", "f", "g", "h"])
        #expect(script.commands.map(\.separator) == [.and, .or, .semicolon, .pipe, .pipe, .background, .newline, .end])
        #expect(script.commands.map(\.precedingOperator) == [nil, .and, .or, nil, .pipe, .pipe, nil, nil])
        #expect(script.commands.map(\.isConditional) == [false, false, true, false, false, false, false, false])
    }

    @Test func aPipelineAfterOrIsConditionalAndAndEndsIt() {
        let script = ShellScript.parse("a || b | c && d")
        #expect(script.commands.map(\.isConditional) == [false, true, true, false])
    }

    @Test func operatorsNeedNoSpaces() {
        #expect(words("a&&b;c||d") == [["a"], ["b"], ["c"], ["d"]])
        #expect(words("echo a#b") == [["echo", "a#b"]])
    }

    // MARK: Mentions are not commands

    @Test func textThatOnlyMentionsACommandIsNeverOne() {
        let text = """
            echo docker buildx build --push
            # docker build .
            echo ok # docker build .
            cat <<EOF
            docker build .
            EOF
            printf '%s' "docker buildx build"
            msg='docker build .'
            """
        let script = ShellScript.parse(text)
        #expect(script.problems.isEmpty)
        #expect(script.commands.map(\.name) == ["echo", "echo", "cat", "printf", nil])
        #expect(script.commands[1].words.map(\.literal) == ["echo", "ok"])
        #expect(!script.commands.contains { $0.name == "docker" })
    }

    // MARK: Here-documents

    @Test func hereDocumentBodiesAreSkippedAndRecorded() throws {
        let text = "cat > Dockerfile <<'EOF'\nFROM scratch\n$(docker build .)\nEOF\ndocker build .\n"
        let script = ShellScript.parse(text)
        #expect(script.commands.map(\.name) == ["cat", "docker"])
        let redirections = script.commands[0].redirections
        #expect(redirections.map(\.operator) == [">", "<<"])
        #expect(redirections.map { $0.target?.literal } == ["Dockerfile", "EOF"])
        #expect(redirections[1].hereDocumentBody == byteRange(of: "FROM scratch\n$(docker build .)\n", in: text))
        #expect(redirections[0].hereDocumentBody == nil)
        #expect(script.commands[0].words.map(\.literal) == ["cat"])
    }

    @Test func tabStrippedAndSeveralHereDocumentsOnOneLine() {
        let text = "cat <<-A; cat <<\"B\"\n\t\tone\n\tA\ntwo\nB\r\nafter\n"
        let script = ShellScript.parse(text)
        #expect(script.problems.isEmpty)
        #expect(script.commands.map(\.name) == ["cat", "cat", "after"])
        #expect(script.commands[0].redirections[0].hereDocumentBody == byteRange(of: "\t\tone\n", in: text))
        #expect(script.commands[1].redirections[0].hereDocumentBody == byteRange(of: "two\n", in: text))
    }

    @Test func anUnterminatedHereDocumentIsAProblemAndItsBodyIsNotRead() {
        let text = "echo start\ncat <<EOF\ndocker build .\n"
        let script = ShellScript.parse(text)
        #expect(script.commands.map(\.name) == ["echo", "cat"])
        #expect(script.problems == [ShellSyntaxProblem(message: "here-document not terminated: no line `EOF` before the end", offset: 15)])
    }

    @Test func aHereDocumentWithoutDelimiterIsAProblem() {
        let script = ShellScript.parse("cat <<\necho next\n")
        #expect(script.problems.map(\.offset) == [4])
        #expect(script.commands.map(\.name) == ["echo"])
    }

    // MARK: Syntax problems

    @Test(arguments: [
        ("echo ok\necho 'open\ndocker build .\n", 13, "unterminated single quote: no closing `'`"),
        ("echo ok\necho \"open\n", 13, "unterminated double quote: no closing `\"`"),
        ("echo ok\nx=$(docker build .\n", 10, "unterminated command substitution: no closing `)`"),
        ("echo ok\nx=`date\n", 10, "unterminated command substitution: no closing backtick"),
        ("echo ok\necho ${x\n", 13, "unterminated parameter expansion: no closing `}`"),
        ("echo ok\necho ${{ github.sha\n", 13, "unterminated expression: no closing `}}`"),
        ("echo ok\nif true; then echo\n", 8, "`if` is not closed: no `fi` before the end"),
        ("echo ok\nfor x in a; do echo\n", 8, "`for` is not closed: no `done` before the end"),
        ("echo ok\n{ echo\n", 8, "`{` is not closed: no `}` before the end"),
        ("echo ok\nfi\n", 8, "unexpected `fi`"),
        ("echo ok\necho )\n", 13, "unexpected `)`"),
    ])
    func brokenScriptsGiveProblemsNotCrashes(_ text: String, _ offset: Int, _ message: String) {
        let script = ShellScript.parse(text)
        #expect(script.problems.first == ShellSyntaxProblem(message: message, offset: offset))
        #expect(script.commands.first?.words.map(\.literal) == ["echo", "ok"])
    }

    @Test func aCommandWithAnUnterminatedQuoteIsLeftOut() {
        let script = ShellScript.parse("docker build . 'oops\n")
        #expect(script.commands.isEmpty)
        #expect(script.problems.map(\.offset) == [15])
    }

    // MARK: Expansions

    @Test func githubExpressionsAreUnknownWhateverTheQuoting() throws {
        let text = #"docker build -t ${{ env.IMAGE }} "${{ format('{0}"', x) }}" '${{ a }}b' ."#
        let command = try #require(ShellScript.parse(text).commands.first)
        #expect(command.words.count == 7)
        #expect(command.words[3].parts == [.unknown(source: "${{ env.IMAGE }}")])
        #expect(command.words[3].mayExpandToSeveralWords)
        #expect(command.words[4].parts == [.unknown(source: #"${{ format('{0}"', x) }}"#)])
        #expect(!command.words[4].mayExpandToSeveralWords)
        #expect(command.words[5].parts == [.unknown(source: "${{ a }}"), .literal("b")])
        #expect(command.words[5].literal == nil && !command.words[5].isKnown)
        #expect(command.words[6].literal == ".")
    }

    @Test func maskedValuesHavePlaceholdersWhereUnknown() throws {
        let text = #"x "type=registry,ref=$REG/cache,mode=max""#
        let word = try #require(ShellScript.parse(text).commands.first?.words.last)
        let masked = word.masked
        #expect(masked.text == "type=registry,ref=xxxx/cache,mode=max")
        #expect(masked.unknown == [18..<22])
        #expect(word.inputRange(ofValue: 18..<22) == byteRange(of: "$REG", in: text))
        #expect(word.inputRange(ofValue: 29..<37) == byteRange(of: "mode=max", in: text))
    }

    @Test func literalAssignmentsAreFollowedInOrder() throws {
        let text = "IMAGE=ghcr.io/acme/app\ndocker push \"$IMAGE:${TAG}\" $IMAGE\nIMAGE=$(date)\necho $IMAGE"
        let script = ShellScript.parse(text)
        let push = script.commands[1].words
        #expect(push[2].parts == [.literal("ghcr.io/acme/app:"), .unknown(source: "${TAG}")])
        #expect(push[3].literal == "ghcr.io/acme/app")
        // An expanded variable maps as a whole to its reference.
        #expect(push[3].inputRange(ofValue: 3..<5) == byteRange(of: "$IMAGE", in: text, occurrence: 1))
        #expect(push[2].inputRange(ofValue: 0..<16) == byteRange(of: "$IMAGE", in: text, occurrence: 0))
        #expect(script.commands.map(\.name) == [nil, "docker", "date", nil, "echo"])
        #expect(script.commands.last?.words.last?.parts == [.unknown(source: "$IMAGE")])
        #expect(script.variables["IMAGE"] == nil)
    }

    @Test func assignmentsStandingAloneAreDoneInOrder() {
        let script = ShellScript.parse("A=1 B=$A; echo $A $B")
        #expect(script.commands[0].assignments.map(\.name) == ["A", "B"])
        #expect(script.commands[0].assignments.map(\.value.literal) == ["1", "1"])
        #expect(script.commands[1].words.map(\.literal) == ["echo", "1", "1"])
        #expect(script.variables == ["A": "1", "B": "1"])
    }

    @Test func environmentPrefixesDoNotSetVariables() throws {
        let text = "DOCKER_BUILDKIT=0 docker build .\necho $DOCKER_BUILDKIT"
        let script = ShellScript.parse(text)
        let assignment = try #require(script.commands[0].assignments.first)
        #expect(assignment.name == "DOCKER_BUILDKIT")
        #expect(assignment.nameRange == 0..<15)
        #expect(assignment.value.literal == "0")
        #expect(assignment.value.range == 16..<17)
        #expect(assignment.range == 0..<17)
        #expect(script.commands[0].words.map(\.literal) == ["docker", "build", "."])
        #expect(script.commands[1].words[1].parts == [.unknown(source: "$DOCKER_BUILDKIT")])
    }

    @Test func exportsReachLaterCommandsEnvironment() throws {
        let text = """
            export DOCKER_BUILDKIT=0 IMAGE=x
            BUILDX_BUILDER=b
            export BUILDX_BUILDER
            DOCKER_HOST=ssh://me@host
            read DOCKER_CONTEXT; export DOCKER_CONTEXT
            (export DOCKER_CONFIG=/tmp)
            docker build .
            """
        let script = ShellScript.parse(text, knownVariables: ["DOCKER_HOST": "unix:///var/run/docker.sock"])
        let build = try #require(script.commands.last)
        #expect(build.environment.keys.sorted() == ["BUILDX_BUILDER", "DOCKER_BUILDKIT", "DOCKER_CONTEXT", "DOCKER_HOST"])
        #expect(build.environmentValue("DOCKER_BUILDKIT")?.literal == "0")
        #expect(build.environmentValue("DOCKER_BUILDKIT")?.range == byteRange(of: "0", in: text))
        #expect(build.environmentValue("BUILDX_BUILDER")?.literal == "b")
        #expect(build.environmentValue("DOCKER_HOST")?.literal == "ssh://me@host")
        #expect(build.environmentValue("DOCKER_CONTEXT")?.parts == [.unknown(source: "$DOCKER_CONTEXT")])
        #expect(build.environmentValue("DOCKER_CONTEXT")?.range == byteRange(of: "DOCKER_CONTEXT", in: text))
        // Only the variables that choose the engine, builder or backend are kept per command.
        #expect(build.environmentValue("IMAGE") == nil)
        #expect(script.variables["IMAGE"] == "x")
        #expect(script.commands[0].environment.isEmpty)
    }

    @Test func unknownAssignmentsReadUnsetAndLoopsForgetValues() {
        let script = ShellScript.parse(
            "A=1; B=1; C=1; D=1; E=1\nA=$(x); unset B; read C; for D in x; do :; done; declare -a E=(1)\necho $A $B $C $D $E")
        #expect(script.commands.last?.words.dropFirst().map(\.literal) == [nil, nil, nil, nil, nil])
    }

    @Test func subshellsAndSubstitutionsKeepTheirAssignments() {
        let script = ShellScript.parse("A=1\n(A=2; echo $A)\nX=$(A=3; echo $A)\necho $A")
        #expect(script.commands.map { $0.words.map(\.displayText) } == [[], [], ["echo", "2"], [], ["echo", "3"], [], ["echo", "1"]])
    }

    @Test func knownVariablesExpandAndSplitOutsideQuotes() throws {
        let text = #"docker build $FLAGS "$FLAGS" $EMPTY "$EMPTY" ''"#
        let command = try #require(ShellScript.parse(text, knownVariables: ["FLAGS": "--push  -t x", "EMPTY": ""]).commands.first)
        #expect(command.words.map(\.literal) == ["docker", "build", "--push", "-t", "x", "--push  -t x", "", ""])
        let flags = byteRange(of: "$FLAGS", in: text)
        #expect(command.words[2].range == flags.lowerBound..<flags.upperBound)
        #expect(command.words[3].range == flags)
        #expect(command.words[4].range == flags)
    }

    @Test func specialParametersArithmeticAndSubstitutionsAreUnknown() throws {
        let command = try #require(ShellScript.parse(#"echo $1 $@ $(( 1 + 2 )) "$(date)" `pwd` ${x:-y} $'a\nb' $'ab' ~/x"#).commands.last)
        #expect(command.words.map(\.literal) == ["echo", nil, nil, nil, nil, nil, nil, nil, "ab", "~/x"])
        #expect(command.words[3].parts == [.unknown(source: "$(( 1 + 2 ))")])
        #expect(command.words[6].parts == [.unknown(source: "${x:-y}")])
    }

    // MARK: Wrappers

    @Test func wrappersAreTakenOffTheCommand() throws {
        let text = "sudo -E -u root DOCKER_BUILDKIT=0 env -i A=b time -p nice -n 5 nohup timeout -s KILL 10m exec command docker build ."
        let command = try #require(ShellScript.parse(text).commands.first)
        #expect(command.words.map(\.literal) == ["docker", "build", "."])
        #expect(command.wrappers.map(\.literal) == [
            "sudo", "-E", "-u", "root", "env", "-i", "time", "-p", "nice", "-n", "5", "nohup", "timeout", "-s", "KILL", "10m", "exec", "command",
        ])
        #expect(command.assignments.map(\.name) == ["DOCKER_BUILDKIT", "A"])
        #expect(command.assignments[0].value.range == byteRange(of: "0", in: text))
        #expect(command.assignments[0].nameRange == byteRange(of: "DOCKER_BUILDKIT", in: text))
    }

    @Test func lookingACommandUpIsNotRunningIt() {
        #expect(words("command -v docker") == [["command", "-v", "docker"]])
        #expect(words("sudo") == [["sudo"]])
        #expect(words("exec > log") == [["exec"]])
    }

    // MARK: Compound commands

    @Test func ifBranchesAreConditionalButTheConditionRuns() {
        let script = ShellScript.parse("if a; then b; elif c; then d; else e; fi; f")
        #expect(script.commands.map(\.name) == ["a", "b", "c", "d", "e", "f"])
        #expect(script.commands.map(\.isConditional) == [false, true, true, true, true, false])
        #expect(script.problems.isEmpty)
    }

    @Test func loopsAndCaseItemsAreConditionalAndTheirHeadersAreNotCommands() {
        let script = ShellScript.parse("""
            while a; do b; done
            until c
            do d; done
            for x in docker build; do e $x; done
            for ((i = 0; i < 3; i++)); do f; done
            case "$x" in
              docker|build) g ;;
              (*) h ;&
              "esac") i ;;
            esac
            j
            """)
        #expect(script.problems.isEmpty)
        #expect(script.commands.map(\.name) == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])
        #expect(script.commands.map(\.isConditional) == [false, true, false, true, true, true, true, true, true, false])
        #expect(script.commands[4].words[1].literal == nil)
    }

    @Test func groupsSubshellsAndFunctions() {
        let script = ShellScript.parse("""
            { a; b; } > log
            ( c )
            f() { d; }
            function g { e; }
            function h() (k)
            a || { l; }
            """)
        #expect(script.problems.isEmpty)
        #expect(script.commands.map(\.name) == ["a", "b", "c", "d", "e", "k", "a", "l"])
        #expect(script.commands.map(\.isConditional) == [false, false, false, true, true, true, false, true])
        #expect(script.commands.map(\.context) == [[], [], [.subshell], [.function], [.function], [.function, .subshell], [], []])
    }

    @Test func commandSubstitutionsAreReadAndComeFirst() {
        let text = "ID=$(docker build -q .) echo \"$(docker inspect \"$(cat id)\")\" `docker ps` <(docker images)"
        let script = ShellScript.parse(text)
        #expect(script.commands.map { $0.words.map(\.displayText) } == [
            ["docker", "build", "-q", "."], ["cat", "id"], ["docker", "inspect", "$(cat id)"], ["docker", "ps"], ["docker", "images"],
            ["echo", "$(docker inspect \"$(cat id)\")", "`docker ps`", "<(docker images)"],
        ])
        #expect(script.commands.dropLast().allSatisfy { $0.context == .commandSubstitution })
        #expect(script.commands[0].range == byteRange(of: "docker build -q .", in: text))
        #expect(script.commands[0].separator == .end)
    }

    @Test func substitutionsHoldCaseAndParenthesesCorrectly() {
        let script = ShellScript.parse("x=$(case a in a) docker build . ;; esac; (echo)) ; after")
        #expect(script.problems.isEmpty)
        #expect(script.commands.map(\.name) == ["docker", "echo", nil, "after"])
    }

    @Test func testExpressionsAndArithmeticAreNotSplitIntoCommands() {
        let script = ShellScript.parse("[[ -n $x && ( -z $y || $z < 3 ) ]] && docker build .\n(( i++ )) || echo")
        #expect(script.commands.map(\.name) == ["[[", "docker", nil, "echo"])
        #expect(script.commands[0].words.count == 13)
        #expect(script.commands[1].precedingOperator == .and)
    }

    @Test func redirectionTargetsAreNotWords() throws {
        let text = "docker build . 2>&1 >out.log &>> all <in 3<>rw"
        let command = try #require(ShellScript.parse(text).commands.first)
        #expect(command.words.map(\.literal) == ["docker", "build", "."])
        #expect(command.redirections.map(\.operator) == [">&", ">", "&>>", "<", "<>"])
        #expect(command.redirections.map(\.fileDescriptor) == [2, nil, nil, nil, 3])
        #expect(command.redirections.map { $0.target?.literal } == ["1", "out.log", "all", "in", "rw"])
        #expect(command.redirections[0].range == byteRange(of: "2>&", in: text))
        #expect(command.range == 0..<text.utf8.count)
    }

    @Test func arraysAndExtendedGlobsStayInTheirWords() {
        #expect(words("A=(a b) docker x; ls @(a|b)") == [["docker", "x"], ["ls", "@(a|b)"]])
    }

    // MARK: Scripts inside words

    @Test func aShellStringIsReadWithRangesIntoTheOuterInput() throws {
        let text = #"bash -c "docker buildx build --cache-to 'type=gha,scope=$REF' ${{ inputs.ctx }}""#
        let outer = try #require(ShellScript.parse(text).commands.first)
        let inner = ShellScript.parse(shellString: outer.words[2])
        let command = try #require(inner.commands.first)
        #expect(command.words.map(\.displayText) == ["docker", "buildx", "build", "--cache-to", "type=gha,scope=$REF", "${{ inputs.ctx }}"])
        #expect(command.words[0].range == byteRange(of: "docker", in: text))
        #expect(command.words[4].range == byteRange(of: "'type=gha,scope=$REF'", in: text))
        #expect(command.words[4].inputRange(ofValue: 9..<14) == byteRange(of: "scope", in: text))
        #expect(command.words[5].parts == [.unknown(source: "${{ inputs.ctx }}")])
        #expect(command.words[5].range == byteRange(of: "${{ inputs.ctx }}", in: text))
    }

    // MARK: Word helpers

    @Test func subwordsAndComponentsKeepTheirRanges() throws {
        let text = #"--platform="linux/amd64,$ARCH,linux/arm64""#
        let word = try #require(ShellScript.parse(text).commands.first?.words.first)
        let value = word.subword(fromValueOffset: "--platform=".utf8.count)
        #expect(value.range == byteRange(of: #""linux/amd64,$ARCH,linux/arm64""#, in: text))
        let platforms = value.components(separatedBy: ",")
        #expect(platforms.map(\.displayText) == ["linux/amd64", "$ARCH", "linux/arm64"])
        #expect(platforms.map(\.isKnown) == [true, false, true])
        #expect(platforms[0].inputRange(ofValue: 0..<11) == byteRange(of: "linux/amd64", in: text))
        #expect(platforms[2].inputRange(ofValue: 0..<11) == byteRange(of: "linux/arm64", in: text))
        #expect(platforms[1].range == byteRange(of: "$ARCH", in: text))
        // A cut inside an unknown part takes the whole part.
        #expect(value.subword(14..<15).parts == [.unknown(source: "$ARCH")])
    }

    // MARK: Robustness

    @Test func randomBytesNeverCrashAndRangesStayInside() {
        var generator = SplitMix(seed: 42)
        let alphabet = Array("ab $\"'`\\|&;()<>{}#=\n\r\t-*@!0123456789[]é".unicodeScalars)
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 60)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let size = text.utf8.count
            let script = ShellScript.parse(text, knownVariables: ["a": "x y"])
            for problem in script.problems { #expect((0...size).contains(problem.offset), "\(text.debugDescription)") }
            for command in script.commands {
                #expect(command.range.lowerBound >= 0 && command.range.upperBound <= size, "\(text.debugDescription)")
                for word in command.words + command.wrappers + command.assignments.map(\.value) + command.redirections.compactMap(\.target) {
                    #expect(word.range.lowerBound >= 0 && word.range.upperBound <= size, "\(text.debugDescription)")
                    let mapped = word.inputRange(ofValue: 0..<word.valueLength)
                    #expect(mapped.lowerBound >= 0 && mapped.upperBound <= size, "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func randomBinaryNeverCrashes() {
        var generator = SplitMix(seed: 7)
        for _ in 0..<300 {
            let bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let text = String(decoding: bytes, as: UTF8.self)
            let script = ShellScript.parse(text)
            #expect(script.commands.allSatisfy { $0.range.upperBound <= text.utf8.count })
        }
    }

    @Test func deepNestingIsBounded() {
        let depth = 5_000
        let nested = String(repeating: "$(", count: depth) + "docker build ." + String(repeating: ")", count: depth)
        let script = ShellScript.parse("echo " + nested + "\necho after")
        #expect(script.commands.last?.words.map(\.literal) == ["echo", "after"])
        #expect(script.problems.isEmpty)
        let groups = String(repeating: "{ ", count: depth) + "a" + String(repeating: "; }", count: depth)
        #expect(ShellScript.parse(groups).commands.map(\.name) == ["a"])
    }

    @Test func manyExportsStayLinear() {
        let text = (0..<20_000).map { "export DOCKER_HOST=h\($0) V\($0)=x\n" }.joined()
        let clock = ContinuousClock()
        var script: ShellScript?
        let elapsed = clock.measure { script = ShellScript.parse(text) }
        #expect(script?.commands.last?.environment["DOCKER_HOST"]?.literal == "h19998")
        #expect(script?.variables.count == 20_001)
        #expect(elapsed < .seconds(10))
    }

    @Test func aLargeScriptIsReadInLinearTime() {
        let block = """
            export IMAGE=ghcr.io/acme/app  # the image
            if [ -n "$CI" ]; then
              docker buildx build --cache-to "type=registry,ref=$IMAGE:cache,mode=max" \\
                --platform linux/amd64,linux/arm64 -t "$IMAGE:${TAG}" --push . && echo "built $(date)"
            fi
            cat <<EOF
            docker build .
            EOF

            """
        let copies = 1_048_576 / block.utf8.count + 1
        let text = String(repeating: block, count: copies)
        let clock = ContinuousClock()
        var script: ShellScript?
        let elapsed = clock.measure { script = ShellScript.parse(text) }
        #expect(script?.commands.count == copies * 6)
        #expect(script?.problems.isEmpty == true)
        // Far above the release-build time (tens of milliseconds), far below what quadratic reading would take.
        #expect(elapsed < .seconds(10))
    }
}

/// A small deterministic generator (SplitMix64), so that failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
