import Testing

@testable import BuildxModel

/// A list-splitting case of build-push-action's `getInputList` (`Util.getInputList` in `docker/actions-toolkit
/// src/util.ts`; most cases are those of its `__tests__/util.test.ts`).
struct SplitCase: CustomTestStringConvertible, Sendable {
    let id: String
    let input: String
    let ignoreComma: Bool
    var quotes = true
    let expected: [String]
    var testDescription: String { id }
}

let splitCases: [SplitCase] = [
    SplitCase(id: "single", input: "bar", ignoreComma: false, expected: ["bar"]),
    SplitCase(id: "empty", input: "", ignoreComma: false, expected: []),
    SplitCase(id: "newline", input: "bar\nbaz", ignoreComma: false, expected: ["bar", "baz"]),
    SplitCase(id: "blank-line", input: "bar\n\nbaz", ignoreComma: false, expected: ["bar", "baz"]),
    SplitCase(id: "comma", input: "bar,baz", ignoreComma: false, expected: ["bar", "baz"]),
    SplitCase(id: "trailing-comma", input: "bar,baz,", ignoreComma: false, expected: ["bar", "baz"]),
    SplitCase(id: "crlf", input: "bar\r\nbaz", ignoreComma: false, expected: ["bar", "baz"]),
    SplitCase(id: "crlf-comma", input: "bar\r\nbaz,bat", ignoreComma: false, expected: ["bar", "baz", "bat"]),
    SplitCase(
        id: "cache-from", input: "user/app:cache\ntype=local,src=path/to/dir", ignoreComma: true,
        expected: ["user/app:cache", "type=local,src=path/to/dir"]),
    SplitCase(
        id: "cache-from-crlf", input: "user/app:cache\r\ntype=local,src=path/to/dir", ignoreComma: true,
        expected: ["user/app:cache", "type=local,src=path/to/dir"]),
    SplitCase(
        id: "labels-no-comment", input: "foo=bar\nbar=qux#baz", ignoreComma: true,
        expected: ["foo=bar", "bar=qux#baz"]),
    SplitCase(
        id: "driver-opts-quotes-kept", input: #""env.no_proxy=localhost,127.0.0.1,.mydomain""#,
        ignoreComma: true, quotes: false, expected: [#""env.no_proxy=localhost,127.0.0.1,.mydomain""#]),
    SplitCase(
        id: "platforms", input: "linux/amd64\n\"linux/arm64,linux/arm/v7\"", ignoreComma: false,
        expected: ["linux/amd64", "linux/arm64", "linux/arm/v7"]),
    SplitCase(
        id: "multi-line-quoted-secret", input: "\"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc\"\nFOO=bar",
        ignoreComma: true, expected: ["MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc", "FOO=bar"]),
    SplitCase(
        id: "outputs-verbatim",
        input: #"type=image,"name=ghcr.io/a/b,docker.io/a/b",push-by-digest=true,name-canonical=true,push=true"#,
        ignoreComma: true, quotes: false,
        expected: [#"type=image,"name=ghcr.io/a/b,docker.io/a/b",push-by-digest=true,name-canonical=true,push=true"#]),
    SplitCase(
        id: "quoted-cache-field-loses-quotes", input: #"type=local,"dest=/a,b""#, ignoreComma: true,
        expected: ["type=local,dest=/a,b"]),
    SplitCase(
        id: "refs-on-one-line", input: "user/a:c1,user/a:c2", ignoreComma: true, expected: ["user/a:c1,user/a:c2"]),
    SplitCase(id: "trimmed", input: "  type=gha  \n", ignoreComma: true, expected: ["type=gha"]),
]

@Suite("build-push-action list splitting")
struct ActionInputListTests {
    @Test(arguments: splitCases)
    func splits(_ testCase: SplitCase) throws {
        let items = try ActionInputList.split(testCase.input, ignoreComma: testCase.ignoreComma, quotes: testCase.quotes)
        #expect(items.map(\.text) == testCase.expected)
    }

    @Test func itemRangesPointAtTheirLines() throws {
        let input = "type=gha\n  type=local,dest=/tmp/x\n"
        let items = try ActionInputList.split(input, ignoreComma: true)
        let bytes = Array(input.utf8)
        #expect(items.map { String(decoding: bytes[$0.range], as: UTF8.self) } == ["type=gha", "type=local,dest=/tmp/x"])
    }

    @Test func unclosedQuoteIsAnError() {
        #expect(throws: ActionInputList.SplitError(openingQuote: 11)) {
            try ActionInputList.split("type=local,\"dest=/a", ignoreComma: true)
        }
    }
}

/// The matrix as `docker/buildx build/opt.go` (the driver check) and the daemons' registered exporters and importers
/// (`moby/moby daemon/internal/builder-next/controller.go`, `moby/buildkit cmd/buildkitd/main.go`) make it.
@Suite("Driver and cache support matrix")
struct CacheSupportTests {
    @Test(arguments: CacheBackend.allCases)
    func classicDockerExportsOnlyInline(_ backend: CacheBackend) {
        let support = backend.support(.export, on: .docker(.classic))
        #expect(support.failsBuild == (backend != .inline))
    }

    @Test(arguments: CacheBackend.allCases)
    func containerdStoreRefusesOnlyS3AndAzblobExports(_ backend: CacheBackend) {
        let support = backend.support(.export, on: .docker(.containerd))
        #expect(support.failsBuild == (backend == .s3 || backend == .azblob))
    }

    @Test(arguments: CacheBackend.allCases, [Driver.dockerContainer, .kubernetes, .remote])
    func buildkitDriversExportEverything(_ backend: CacheBackend, _ driver: Driver) {
        #expect(backend.support(.export, on: driver) == .supported)
    }

    @Test func importsNeverFailTheBuild() {
        for backend in CacheBackend.allCases {
            for driver in [Driver.docker(.classic), .docker(.containerd), .dockerContainer] {
                #expect(!backend.support(.import, on: driver).failsBuild)
            }
        }
        #expect(CacheBackend.registry.support(.import, on: .docker(.classic)) == .supported)
        #expect(CacheBackend.gha.support(.import, on: .docker(.classic)) != .supported)
        #expect(CacheBackend.inline.support(.import, on: .dockerContainer) != .supported)
    }

    @Test func requiredAttributesAreThoseBuildKitRequires() {
        #expect(CacheBackend.local.requiredAttributes(for: .export).map(\.name) == ["dest"])
        #expect(CacheBackend.local.requiredAttributes(for: .import).map(\.name) == ["src"])
        #expect(CacheBackend.registry.requiredAttributes(for: .import).map(\.name) == ["ref"])
        #expect(CacheBackend.s3.requiredAttributes(for: .export).map(\.name) == ["bucket", "region"])
        #expect(CacheBackend.azblob.requiredAttributes(for: .import).map(\.name) == ["account_url"])
        #expect(CacheBackend.gha.requiredAttributes(for: .export).isEmpty)
    }
}
