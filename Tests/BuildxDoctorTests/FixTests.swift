@testable import BuildxDoctor
import Foundation
import Testing

/// One fix: a workflow before and exactly what it must look like after.
struct FixCase: CustomTestStringConvertible, Sendable {
    let name: String
    let before: String
    let after: String
    var testDescription: String { name }
}

private let head = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

let fixCases: [FixCase] = [
    FixCase(
        name: "insert setup-buildx before the build, with a name like its neighbour",
        before: head + "      # build it\n      - name: Build\n        uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n",
        after: head + "      # build it\n      - name: Set up Docker Buildx\n        uses: docker/setup-buildx-action@v4\n      - name: Build\n        uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"),
    FixCase(
        name: "commit-pinned docker actions get the pinned setup-buildx, quoted like the build",
        before: head + "      - uses: 'docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83'\n        with:\n          cache-to: type=gha\n",
        after: head + "      - uses: 'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e' # v4.3.0\n      - uses: 'docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83'\n        with:\n          cache-to: type=gha\n"),
    FixCase(
        name: "one setup step before the first of two builds",
        before: head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=a\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=b\n",
        after: head + "      - uses: docker/setup-buildx-action@v4\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=a\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=b\n"),
    FixCase(
        name: "multi-platform also gets QEMU",
        before: head + "      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64\n",
        after: head + "      - uses: docker/setup-qemu-action@v4\n      - uses: docker/setup-buildx-action@v4\n      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64\n"),
    FixCase(
        name: "driver: docker is removed with its now empty with:",
        before: head + "      - uses: docker/setup-buildx-action@v3\n        with:\n          driver: docker\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"),
    FixCase(
        name: "use: false gets a builder input and the setup step an id",
        before: head + "      - uses: docker/setup-buildx-action@v3\n        with:\n          use: false\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n        id: buildx\n        with:\n          use: false\n      - uses: docker/build-push-action@v6\n        with:\n          builder: ${{ steps.buildx.outputs.name }}\n          cache-to: type=gha\n"),
    FixCase(
        name: "a setup step after the build moves before it",
        before: head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n      - uses: docker/setup-buildx-action@v3\n        with:\n          version: latest\n      - run: make\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n        with:\n          version: latest\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n      - run: make\n"),
    FixCase(
        name: "Move cache step after a build that never rotates",
        before: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=local,src=/tmp/.buildx-cache\n          cache-to: type=local,dest=/tmp/.buildx-cache-new\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=local,src=/tmp/.buildx-cache\n          cache-to: type=local,dest=/tmp/.buildx-cache-new\n      - name: Move cache\n        run: |\n          rm -rf /tmp/.buildx-cache\n          mv /tmp/.buildx-cache-new /tmp/.buildx-cache\n"),
    FixCase(
        name: "an export into the restored directory moves to a new one",
        before: head + "      - uses: actions/cache@v4\n        with:\n          path: /tmp/c\n          key: k\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=local,src=/tmp/c\n          cache-to: type=local,dest=/tmp/c,mode=max # keep\n",
        after: head + "      - uses: actions/cache@v4\n        with:\n          path: /tmp/c\n          key: k\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=local,src=/tmp/c\n          cache-to: type=local,dest=/tmp/c-new,mode=max # keep\n      - name: Move cache\n        run: |\n          rm -rf /tmp/c\n          mv /tmp/c-new /tmp/c\n"),
    FixCase(
        name: "type case, attribute typo, inline mode and uppercase ref",
        before: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=GHA\n          cache-to: |\n            type=inline,mode=max\n            type=registry,ref=ghcr.io/Acme/App:Cache,ignore-errors=true\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=gha\n          cache-to: |\n            type=inline\n            type=registry,ref=ghcr.io/acme/app:Cache,ignore-error=true\n"),
    FixCase(
        name: "a second image gets its own gha scope, named after its context",
        before: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./api\n          cache-to: type=gha,mode=max\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./web\n          cache-from: type=gha\n          cache-to: type=gha,mode=max\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./api\n          cache-to: type=gha,mode=max\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./web\n          cache-from: type=gha,scope=web\n          cache-to: type=gha,scope=web,mode=max\n"),
    FixCase(
        name: "a matrix build's scope varies with the matrix",
        before: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        image: [api, web]\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./${{ matrix.image }}\n          cache-from: type=gha,scope=images\n          cache-to: type=gha,scope=images,mode=max\n",
        after: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        image: [api, web]\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./${{ matrix.image }}\n          cache-from: type=gha,scope=images-${{ matrix.image }}\n          cache-to: type=gha,scope=images-${{ matrix.image }},mode=max\n"),
    FixCase(
        name: "a retired actions/cache major becomes v5, quoting and comment kept",
        before: head + "      - uses: \"actions/cache@v2\" # cache the layers\n        with:\n          path: /tmp/.buildx-cache\n          key: k\n",
        after: head + "      - uses: \"actions/cache@v5\" # cache the layers\n        with:\n          path: /tmp/.buildx-cache\n          key: k\n"),
    FixCase(
        name: "packages: write is added to the permissions block",
        before: "on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          password: ${{ secrets.GITHUB_TOKEN }}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:1\n",
        after: "on: push\npermissions:\n  packages: write\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          password: ${{ secrets.GITHUB_TOKEN }}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:1\n"),
]

/// Findings whose usual fix adds or removes whole lines, written where lines are shared: the fix must
/// leave the file exactly as it was (and the finding stays), never drop the other inputs on the line.
let flowStyleCases: [FixCase] = [
    FixCase(
        name: "driver: docker inside a flow mapping with other inputs and a comment",
        before: head + "      - uses: docker/setup-buildx-action@v3\n        with: {driver: docker, version: v0.19.0, install: true} # keep\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n        with: {driver: docker, version: v0.19.0, install: true} # keep\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"),
    FixCase(
        name: "use: false and the build's inputs in flow mappings spread over lines",
        before: head + "      - uses: docker/setup-buildx-action@v3\n        id: bx\n        with: {use: false}\n      - uses: docker/build-push-action@v6\n        with: {\n          cache-to: type=gha, push: false }\n",
        after: head + "      - uses: docker/setup-buildx-action@v3\n        id: bx\n        with: {use: false}\n      - uses: docker/build-push-action@v6\n        with: {\n          cache-to: type=gha, push: false }\n"),
    FixCase(
        name: "permissions as a flow mapping spread over lines",
        before: "on: push\npermissions: {\n  contents: read }\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          password: ${{ secrets.GITHUB_TOKEN }}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:1\n",
        after: "on: push\npermissions: {\n  contents: read }\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          password: ${{ secrets.GITHUB_TOKEN }}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:1\n"),
]

@Suite("Fixes")
struct FixTests {
    private func fixed(_ text: String, path: String = ".github/workflows/ci.yml") -> Fixer.Result {
        Fixer().fix(SourceFile(path: path, text: text))
    }

    @Test(arguments: fixCases)
    func fixMakesExactlyTheExpectedEdit(_ testCase: FixCase) {
        let result = fixed(testCase.before)
        #expect(String(decoding: result.fixed, as: UTF8.self) == testCase.after)
        #expect(result.remaining.filter { $0.fix != nil }.isEmpty, "\(result.remaining.map(\.message))")
        #expect(!result.remaining.contains { $0.rule == "yaml-syntax" })
        // Fixing again changes nothing.
        #expect(fixed(testCase.after).changed == false)
    }

    /// Everything outside the edited lines parses to the same tree before and after the fix.
    @Test(arguments: fixCases)
    func theRestOfTheDocumentIsTheSameTree(_ testCase: FixCase) throws {
        let before = SourceFile(path: "a.yml", text: testCase.before)
        let after = SourceFile(path: "a.yml", text: testCase.after)
        let (removed, added) = UnifiedDiff.changedLines(before.bytes, after.bytes)
        #expect(!removed.isEmpty || !added.isEmpty)
        #expect(
            canonicalTree(try YAMLDocument.parse(before), skipping: removed)
                == canonicalTree(try YAMLDocument.parse(after), skipping: added))
    }

    @Test func lineEndingsByteOrderMarkAndMissingFinalNewlineSurvive() throws {
        let text = (head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=local,src=/tmp/a\n          cache-to: type=local,dest=/tmp/b")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let file = try SourceFile(path: "ci.yml", data: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let result = Fixer().fix(file)
        let output = String(decoding: result.fixed, as: UTF8.self)
        #expect(output == text + "\r\n      - name: Move cache\r\n        run: |\r\n          rm -rf /tmp/a\r\n          mv /tmp/b /tmp/a\r\n")
        #expect(result.original.hasByteOrderMark)
    }

    /// Every triggering example of every rule: what is fixed stays fixed, the result is valid YAML, the
    /// text outside the edits is untouched, and a second run changes nothing.
    @Test(arguments: triggeringCases)
    func fixedExamplesAreValidAndStable(_ testCase: RuleExampleCase) throws {
        let (text, _) = removingMarkers(testCase.example.source)
        let path = testCase.example.kind == .githubCompositeAction ? "action.yml" : ".github/workflows/example.yml"
        let result = fixed(text, path: path)
        guard result.changed else { return }
        let after = SourceFile(path: path, text: String(decoding: result.fixed, as: UTF8.self))
        #expect(try YAMLDocument.parse(after) != nil)
        let fixedRules = Set(result.applied.isEmpty ? [] : [testCase.rule.description.id])
        let again = diagnostics(after.text, path: path).filter { fixedRules.contains($0.rule) && $0.fix != nil }
        #expect(again.isEmpty, "\(again.map(\.message))")
        #expect(!fixed(after.text, path: path).changed)
        // Only lines inside the edited ranges may disappear: everything else is kept byte for byte.
        let diff = UnifiedDiff.between(Array(text.utf8), result.fixed, path: path)
        let removed = diff.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }.count
        let bytes = Array(text.utf8)
        let editedLines = result.applied.flatMap(\.edits).reduce(0) { total, edit in
            // Appending after a last line without a line break gives that line one; inserting mid-line changes it.
            let changesALine = edit.range.lowerBound == bytes.count && bytes.last != UInt8(ascii: "\n")
                || (edit.range.isEmpty && edit.range.lowerBound > 0 && edit.range.lowerBound < bytes.count
                    && bytes[edit.range.lowerBound - 1] != UInt8(ascii: "\n"))
            let spanned = edit.range.isEmpty ? 0 : bytes[edit.range].filter { $0 == UInt8(ascii: "\n") }.count + 1
            return total + spanned + (changesALine ? 1 : 0)
        }
        #expect(removed <= editedLines, "\(diff)")
        let (gone, new) = UnifiedDiff.changedLines(bytes, result.fixed)
        let left = canonicalTree(try YAMLDocument.parse(SourceFile(path: path, text: text)), skipping: gone)
        let right = canonicalTree(try YAMLDocument.parse(after), skipping: new)
        #expect(left == right, "\(left)\n\(right)\n\(gone.sorted()) \(new.sorted())")
    }

    @Test(arguments: flowStyleCases)
    func noLineIsAddedOrRemovedAmongFlowStyleEntries(_ example: FixCase) throws {
        let result = fixed(example.before)
        #expect(String(decoding: result.fixed, as: UTF8.self) == example.after)
        #expect(!result.remaining.isEmpty, "the finding stays when it has no safe fix")
    }

    @Test func overlappingFixesAreNeverHalfApplied() {
        let bytes = Array("abcdef".utf8)
        let first = Fix(summary: "a", path: "f", edits: [TextEdit(range: 1..<3, replacement: "X")])
        let clashing = Fix(summary: "b", path: "f", edits: [TextEdit(range: 4..<5, replacement: "Y"), TextEdit(range: 2..<4, replacement: "Z")])
        let (result, applied) = FixApplier.apply([first, clashing], to: bytes)
        #expect(String(decoding: result, as: UTF8.self) == "aXdef")
        #expect(applied == [first])
    }

    @Test func diffIsUnified() {
        let diff = UnifiedDiff.between(Array("a\nb\nc\n".utf8), Array("a\nB\nc\nd".utf8), path: "./x.yml")
        #expect(diff == "--- a/x.yml\n+++ b/x.yml\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n\\ No newline at end of file\n")
        #expect(UnifiedDiff.between(Array("same\n".utf8), Array("same\n".utf8), path: "x").isEmpty)
    }
}
