@testable import BuildxDoctor
import Foundation
import Testing

/// Work that used to grow with the square of the input — fields of one cache entry, findings on one long
/// line, files named on the command line — gives the same answers now that it is done once per entry,
/// line or list.
@Suite("Long inputs")
struct LongInputTests {
    private let head = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"

    /// Every field of an entry with wide characters between its fields is placed where the file's own line
    /// table puts its bytes.
    @Test func fieldSpansAfterWideCharactersAgreeWithTheLineTable() throws {
        let fields = (0..<40).map { ",x\($0)=é🙂\($0)" }.joined()
        let text = head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha" + fields + "\n"
        let file = SourceFile(path: ".github/workflows/ci.yml", text: text)
        let plan = GitHubActionsFrontend.plan(try #require(try YAMLDocument.parse(file)), kind: .githubWorkflow, file: file)
        let entry = try #require(plan.builds.first?.build.cacheExports.first)
        let spec = try #require(entry.specs.first)
        #expect(spec.fields.count == 40)
        for field in spec.fields {
            let span = try #require(entry.exactSpan(of: field))
            #expect(span.start == file.location(ofByte: span.start.offset))
            #expect(span.end == file.location(ofByte: span.end.offset))
            let written = String(decoding: file.bytes[span.byteRange], as: UTF8.self)
            #expect(written.hasPrefix(field.key + "="), "\(written)")
        }
        // The last field starts after the text before it, counted in Unicode scalars, on line 8.
        let before = "          cache-to: type=gha" + (0..<39).map { ",x\($0)=é🙂\($0)" }.joined() + ","
        let last = try #require(spec.fields.last.flatMap(entry.exactSpan))
        #expect(last.start.line == 8)
        #expect(last.start.column == before.unicodeScalars.count + 1)
    }

    /// Findings of one rule on one line are numbered as occurrences of one hash, the hash of that line.
    @Test func fingerprintsOfManyFindingsOnOneLine() {
        let line = "jobs: {b: {steps: [" + String(repeating: "{uses: docker/build-push-action@v6}, ", count: 30) + "]}}"
        let file = SourceFile(path: "ci.yml", text: "on: push\n" + line + "\n")
        let diagnostics = (0..<5).map { index in
            RuleRegistry.yamlSyntax.diagnostic("x", at: file.span((20 + index)..<(21 + index)), help: nil)
        }
        let fingerprints = Fingerprint.of(diagnostics, sources: [file.path: file])
        let hash = Fingerprint.lineHash(rule: RuleRegistry.yamlSyntax.id, line: line)
        #expect(fingerprints == (1...5).map { "\(hash):\($0)" })
    }

    /// Findings that share a long line show the same excerpts as each shown alone.
    @Test func excerptsOfFindingsSharingALongLine() {
        let line = "jobs: {b: {steps: [" + String(repeating: "{uses: docker/build-push-action@v6, name: 日本語}, ", count: 40) + "]}}"
        let file = SourceFile(path: "ci.yml", text: "on: push\n" + line + "\n")
        let offsets = [30, 400, 1_500, file.bytes.count - 10]
        let diagnostics = offsets.map { RuleRegistry.yamlSyntax.diagnostic("x", at: file.span($0..<($0 + 3)), help: nil) }
        let reporter = TextReporter(colored: false, showsSummary: false)
        let together = reporter.render(CheckReport(results: [.checked(file, kind: .githubWorkflow, diagnostics: diagnostics)]))
        let alone = diagnostics.map { reporter.render(CheckReport(results: [.checked(file, kind: .githubWorkflow, diagnostics: [$0])])) }
        #expect(together == alone.joined())
        // Each excerpt is a window of the line, not the line (the caret line pads wide characters to two columns).
        #expect(line.unicodeScalars.count > 1_500)
        #expect(together.split(separator: "\n").allSatisfy { $0.unicodeScalars.count <= 2 * TextReporter.Excerpt.limit + 4 })
    }

    /// Paths after the first two of a trailing run are added after parsing; the answer is the one the
    /// whole list parsed by ArgumentParser gives (a `--` makes the command line parse it whole).
    @Test func manyPathsParseAsOneList() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for index in 0..<6 {
            let name = "w\(index).yml"
            try (head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=\(index)\n")
                .write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            paths.append(name)
        }
        let options = ["check", "--format", "json", "--fail-on", "never"]
        let shortened = try run(options + paths.reversed(), in: folder)
        let whole = try run(options + ["--"] + paths.reversed(), in: folder)
        #expect(shortened.status == 0)
        #expect(shortened.stdout == whole.stdout)
        #expect(shortened.stdout.components(separatedBy: "\"path\":\"w").count == 1 + 6 + 6)
        // The checks on the list see all of it: --stdin-filename needs `-` among the paths.
        let refused = try run(["check", "--stdin-filename", "x.yml"] + paths, in: folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--stdin-filename names standard input: add - to the paths"), "\(refused.stderr)")
        // Another command after such a list is parsed whole.
        let rules = try run(["rules", "a", "b", "c"], in: folder)
        let rulesWhole = try run(["rules", "--", "a", "b", "c"], in: folder)
        #expect(rules.status == rulesWhole.status && rules.stderr == rulesWhole.stderr)
    }

    /// The byte-wise split gives `split`'s pieces, empty ones and `maxSplits` included, and text that is
    /// not ASCII keeps the Character split (a combining mark after `/` joins it).
    @Test func splittingGivesTheSplitPieces() {
        let texts = ["", "/", "//", "a", "a/b", "/a//b/", "docker/build-push-action/sub/dir@v6", "a/\u{301}b/c", "é/x//y", "a\r\n/b"]
        for text in texts {
            for maxSplits in [0, 1, 2, Int.max] {
                for omitting in [true, false] {
                    let expected = text.split(separator: "/", maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                    let pieces = text.splitting("/", maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                    #expect(pieces == expected, "\(text.debugDescription) maxSplits \(maxSplits) omitting \(omitting)")
                }
            }
        }
        #expect("a/\u{301}b".splitting("/") == ["a/\u{301}b"])
        #expect("owner/repo@v1@x".splitOnce("@") == ("owner/repo", "v1@x"))
        #expect("owner/repo".splitOnce("@") == ("owner/repo", nil))
    }

    /// Line starts found eight bytes at a time are those found byte by byte, for every kind of break at every
    /// position of a word.
    @Test func lineStartsAtEveryOffset() {
        for breakText in ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"] {
            for position in 0..<20 {
                let text = String(repeating: "a", count: position) + breakText + String(repeating: "b", count: 19 - position) + "é\n"
                let bytes = Array(text.utf8)
                let breakBytes = breakText.utf8.count
                #expect(LineBreaks.lineStarts(of: bytes) == [0, position + breakBytes, bytes.count], "\(breakText.debugDescription) at \(position)")
            }
        }
    }

    /// Paths that are already normal come back as they are, the others as the component walk makes them.
    @Test func normalizedPaths() {
        let cases = [
            ("/", "/"), ("", "."), (".", "."), ("a", "a"), ("/a/b", "/a/b"), ("a/b/", "a/b"), ("a//b", "a/b"), ("./a", "a"),
            ("a/./b", "a/b"), ("a/../b", "b"), ("../a", "../a"), ("../../a/..", "../.."), ("/../a", "/a"), ("/a/..", "/"),
            ("..", ".."), ("a/..", "."), ("/a/\u{301}b/c", "/a/\u{301}b/c"), (".hidden/x..y/.z", ".hidden/x..y/.z"),
        ]
        for (path, expected) in cases {
            #expect(PathText.normalized(path) == expected, "\(path.debugDescription)")
        }
        let folders = [("a", "."), ("/a", "/"), ("a/b", "a"), ("/a/b/c.yml", "/a/b"), ("a/\u{301}b", "a/\u{301}b".split(separator: "/").count == 1 ? "." : "a"), ("é/x", "é")]
        for (path, expected) in folders {
            #expect(PathText.folder(of: path) == expected, "\(path.debugDescription)")
        }
    }
}


/// The byte test before a GitHub `run:` script is read as shell: scripts that mention no docker, make or
/// script command are not parsed at all.
@Suite("Shell pre-check")
struct ShellPreCheckTests {
    @Test func wordsThatOnlyLookLikeCommandsAreNotEnough() {
        for text in ["cmake --build build", "echo ${{ github.sha }}", "automake && ./configure", "sha256sum x > x.sha256", "make_thing", "remake"] {
            #expect(!CommandSteps.mentionsDockerMakeOrScript(text), "\(text)")
            #expect(CommandSteps.mayRunDocker(text), "\(text)")
        }
        for text in [
            "make image", "gmake -C x", "/usr/bin/make", "cd x && make", "./scripts/build.sh", "bash ci.sh --x", "docker ps", "buildx version",
            "echo DOCKER_HOST=tcp://x >> $GITHUB_ENV", "sudo cp daemon.json /etc/", "(make)",
        ] {
            #expect(CommandSteps.mentionsDockerMakeOrScript(text), "\(text)")
        }
    }

    /// A command named by a variable from the step's environment is still read when the script itself
    /// does not name it.
    @Test func aCommandNamedByTheEnvironmentIsStillRead() {
        let head = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
        let literal = diagnostics(head + "      - run: |\n          cmake --version\n          docker build --cache-to type=gha .\n")
        let named = diagnostics(
            head + "      - env:\n          D: docker\n        run: |\n          cmake --version\n          $D build --cache-to type=gha .\n")
        #expect(!literal.isEmpty)
        #expect(named.map(\.rule) == literal.map(\.rule))
    }
}
