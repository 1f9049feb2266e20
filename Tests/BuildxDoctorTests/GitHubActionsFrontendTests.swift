@testable import BuildxDoctor
import BuildxModel
import Foundation
import Testing

/// The plan the GitHub Actions frontend builds, and the positions it keeps.
@Suite("GitHub Actions frontend")
struct GitHubActionsFrontendTests {
    private func plan(_ yaml: String, path: String = ".github/workflows/ci.yml") throws -> BuildPlan {
        let file = SourceFile(path: path, text: yaml)
        let root = try #require(try YAMLDocument.parse(file))
        let kind = try #require(GitHubActionsFrontend.kind(of: root))
        return GitHubActionsFrontend.plan(root, kind: kind, file: file)
    }

    private func build(_ yaml: String) throws -> BuildInvocation {
        try #require(try plan(yaml).builds.first?.build)
    }

    private let header = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

    @Test func blockScalarEntriesKeepTheirOwnLinesAndColumns() throws {
        let yaml = header + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: |\n\n            type=gha\n              type=local,dest=/tmp/x\n"
        let entries = try build(yaml).cacheExports
        #expect(entries.map(\.text) == ["type=gha", "type=local,dest=/tmp/x"])
        #expect(entries.map { Position(line: $0.span.start.line, column: $0.span.start.column) } == [
            Position(line: 10, column: 13), Position(line: 11, column: 15),
        ])
        #expect(entries[1].span.end.column == 37)
    }

    @Test func crlfAndByteOrderMarkKeepPositions() throws {
        let yaml = (header + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: |\n            type=gha\n            type=local,dest=/tmp/x\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let file = try SourceFile(path: "ci.yml", data: [0xEF, 0xBB, 0xBF] + Array(yaml.utf8))
        #expect(file.hasByteOrderMark)
        let found = Checker().check(file)
        guard case .checked(_, _, let diagnostics) = found else {
            Issue.record("not checked")
            return
        }
        #expect(diagnostics.map(\.position) == [Position(line: 9, column: 13), Position(line: 10, column: 13)])
        #expect(diagnostics.map(\.span.end.column) == [21, 35])
    }

    @Test func columnsCountUnicodeScalars() throws {
        let yaml = header + "      - uses: docker/build-push-action@v6\n        with:\n          tags: \"é\"\n          cache-to: type=local,dest=/tmp/é-cache\n"
        let entry = try #require(try build(yaml).cacheExports.first)
        #expect(entry.span.start.column == 21)
        #expect(entry.span.end.column == 21 + "type=local,dest=/tmp/é-cache".unicodeScalars.count)
    }

    @Test func quotedAndFoldedValuesAreFound() throws {
        let yaml = header + "      - uses: docker/build-push-action@v6\n        with:\n          cache-from: \"type=gha,scope=a\"\n          cache-to: >-\n            type=gha,scope=a,mode=max\n"
        let build = try build(yaml)
        #expect(build.cacheImports.first?.span.start.column == 24)
        #expect(build.cacheExports.first.map { Position(line: $0.span.start.line, column: $0.span.start.column) } == Position(line: 10, column: 13))
    }

    @Test func anchorsAndMergeKeysAreApplied() throws {
        let yaml = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - &build
                    uses: docker/build-push-action@v6
                    with: &inputs
                      cache-to: type=gha
                  - uses: docker/build-push-action@v6
                    with:
                      <<: *inputs
                      push: true
            """
        let builds = try plan(yaml).builds
        #expect(builds.count == 2)
        #expect(builds.map { $0.build.cacheExports.map(\.text) } == [["type=gha"], ["type=gha"]])
    }

    @Test func expressionsAreUnknownButKnownTypesStay() throws {
        let yaml = header + "      - uses: docker/build-push-action@v6\n        with:\n          cache-from: ${{ inputs.cache-from }}\n          cache-to: |\n            type=gha,scope=${{ matrix.image }},mode=max\n            type=${{ inputs.type }}\n            ${{ inputs.more }}\n          platforms: linux/amd64,${{ matrix.platform }}\n"
        let build = try build(yaml)
        guard case .unknown = try #require(build.cacheImports.first).content else {
            Issue.record("an expression entry must be unknown")
            return
        }
        let exports = build.cacheExports
        #expect(exports.count == 3)
        #expect(exports[0].specs.first?.backend == .gha)
        let gha = try #require(exports[0].specs.first)
        #expect(exports[0].value(of: "scope", in: gha) == .unknown)
        #expect(exports[0].value(of: "mode", in: gha) == .known("max"))
        #expect(exports[1].specs.isEmpty && exports[2].specs.isEmpty)
        #expect(build.platforms?.knownCount == nil)
        #expect(build.platforms?.platforms.count == 2)
    }

    /// What is unknown is decided by where expressions stand, not by the bytes that replace them: a
    /// control character written as an escape is text like any other.
    @Test func aControlCharacterInAValueIsText() throws {
        let yaml = header + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: \"type=local,dest=/tmp/c\\x01,mode=max\"\n          platforms: \"linux/amd64,linux/arm64\\x01\"\n"
        let build = try build(yaml)
        let entry = try #require(build.cacheExports.first)
        let local = try #require(entry.specs.first)
        #expect(local.backend == .local)
        #expect(entry.value(of: "dest", in: local) == .known("/tmp/c\u{1}"))
        #expect(!entry.hasUnknownParts)
        #expect(build.platforms?.knownCount == 2)
        let found = diagnostics(yaml).map(\.rule)
        #expect(found.contains("cache-export-unsupported-by-driver"))
        #expect(found.contains("multi-platform-unsupported-by-driver"))
    }

    @Test func expressionsInsideQuotedEntriesStayUnknownAfterTheQuotesGo() throws {
        let yaml = header + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: |\n            \"type=registry,ref=${{ env.REF }},mode=max\"\n"
        let entry = try #require(try build(yaml).cacheExports.first)
        let spec = try #require(entry.specs.first)
        #expect(entry.received.hasPrefix("type=registry,ref="))
        #expect(entry.value(of: "ref", in: spec) == .unknown)
        #expect(entry.value(of: "mode", in: spec) == .known("max"))
        #expect(spec.backend == .registry)
    }

    @Test(arguments: [
        ("ubuntu-latest", RunnerHost.githubHosted(label: "ubuntu-latest")),
        ("windows-2022", .githubHosted(label: "windows-2022")),
        ("[self-hosted, linux]", .selfHosted(label: "self-hosted, linux")),
        ("${{ matrix.os }}", .decidedAtRunTime),
        ("{ group: big-runners }", .selfHosted(label: "big-runners")),
        ("buildjet-4vcpu-ubuntu-2204", .selfHosted(label: "buildjet-4vcpu-ubuntu-2204")),
    ])
    func runnerHosts(_ runsOn: String, _ expected: RunnerHost) throws {
        let yaml = "on: push\njobs:\n  build:\n    runs-on: \(runsOn)\n    steps:\n      - run: make\n"
        #expect(try plan(yaml).jobs.first?.host == expected)
    }

    @Test func jobContainerMeansAnUnknownEngine() throws {
        let yaml = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps:\n      - run: make\n"
        #expect(try plan(yaml).jobs.first?.host == .selfHosted(label: "job container"))
    }

    @Test func reusableWorkflowJobsAreRecordedWithoutSteps() throws {
        let yaml = "on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n"
        let job = try #require(try plan(yaml).jobs.first)
        #expect(job.calledWorkflow == "./.github/workflows/build.yml")
        #expect(job.steps.isEmpty)
    }

    @Test func compositeActionBuildsOnTheCallersBuilder() throws {
        let yaml = "name: x\nruns:\n  using: composite\n  steps:\n    - uses: docker/build-push-action@v6\n      with:\n        cache-to: type=gha\n"
        let plan = try plan(yaml, path: "action.yml")
        #expect(plan.kind == .githubCompositeAction)
        guard case .unknown = try #require(plan.builds.first).build.builder else {
            Issue.record("the caller's builder must be unknown")
            return
        }
    }

    @Test func circleCIJobsAreNotAWorkflow() throws {
        let yaml = "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - checkout\n"
        #expect(GitHubActionsFrontend.kind(of: try YAMLDocument.parse(SourceFile(path: "config.yml", text: yaml))) == nil)
    }

    @Test(arguments: [
        ("docker buildx create --use", true),
        ("docker buildx create --name b --driver docker-container --use", true),
        ("docker buildx create --driver=kubernetes \\\n  --use", true),
        ("docker buildx create --name b", false),
        ("docker buildx create --use --driver docker", false),
    ])
    func buildxCreateInRunSteps(_ command: String, _ setsUpBuildKit: Bool) throws {
        let yaml = header + "      - run: |\n          \(command.replacingOccurrences(of: "\n", with: "\n          "))\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        #expect(diagnostics(yaml).isEmpty == setsUpBuildKit)
    }

    @Test func commandsThatChangeTheEngineMakeTheBuilderUnknown() throws {
        let yaml = header + "      - run: echo '{\"features\":{\"containerd-snapshotter\":true}}' | sudo tee /etc/docker/daemon.json\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        guard case .unknown = try build(yaml).builder else {
            Issue.record("expected an unknown builder")
            return
        }
    }

    @Test func buildPushActionV1IsNotABuildxBuild() throws {
        let yaml = header + "      - uses: docker/build-push-action@v1\n        with:\n          repository: acme/app\n"
        #expect(try plan(yaml).builds.isEmpty)
    }

    @Test func localCompositeActionThatSetsUpBuildxCounts() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bxd-local-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let workflows = root.appendingPathComponent(".github/workflows")
        let action = root.appendingPathComponent(".github/actions/setup")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: action, withIntermediateDirectories: true)
        let workflow = header + "      - uses: ./.github/actions/setup\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        try workflow.write(to: workflows.appendingPathComponent("ci.yml"), atomically: true, encoding: .utf8)

        try "runs:\n  using: composite\n  steps:\n    - uses: docker/setup-buildx-action@v3\n"
            .write(to: action.appendingPathComponent("action.yml"), atomically: true, encoding: .utf8)
        let clean = Checker().check(paths: [root.path]).diagnostics
        #expect(clean.isEmpty, "\(clean.map(\.message))")

        try "runs:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n"
            .write(to: action.appendingPathComponent("action.yml"), atomically: true, encoding: .utf8)
        let failing = Checker().check(paths: [root.path]).diagnostics
        #expect(failing.map(\.rule) == ["cache-export-unsupported-by-driver"])
    }
}

@Suite("Source files and discovery")
struct SourceFileTests {
    @Test func binaryFilesAreRefusedWithTheirLine() {
        #expect(throws: InputError(path: "x.yml", reason: .binary(line: 2))) {
            try SourceFile(path: "x.yml", data: Array("a: 1\nb\u{0}".utf8))
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: InputError(path: "x.yml", reason: .notUTF8)) {
            try SourceFile(path: "x.yml", data: [0x61, 0xFF, 0x0A])
        }
    }

    @Test func locationsRoundTrip() {
        let file = SourceFile(path: "x", text: "ab\r\nçd\nlast")
        #expect(file.location(ofByte: 6) == Location(line: 2, column: 2, offset: 6))
        #expect(file.text(ofLine: 1) == "ab")
        #expect(file.text(ofLine: 3) == "last")
    }

    @Test(arguments: [
        (".github/workflows/ci.yml", true), ("a/.github/workflows/ci.yaml", true),
        (".github/workflows/sub/ci.yml", false), ("action.yml", true), ("x/y/action.yaml", true),
        ("docs/ci.yml", false), (".github/workflows/README.md", false),
    ])
    func discoveryFindsWorkflowsAndActions(_ path: String, _ expected: Bool) {
        #expect(FileDiscovery.isCandidate(relativePath: path) == expected)
    }

    @Test func yamlSyntaxErrorsAreReportedAtTheirPosition() {
        let found = diagnostics("on: push\njobs:\n  build:\n    runs-on: [ubuntu\n    steps: []\n")
        #expect(found.map(\.rule) == ["yaml-syntax"])
        #expect(found.first?.span.start.line == 5)
    }
}

@Suite("Plan details for the rule catalog")
struct PlanDetailTests {
    private func plan(_ yaml: String) throws -> BuildPlan {
        let file = SourceFile(path: ".github/workflows/ci.yml", text: yaml)
        let root = try #require(try YAMLDocument.parse(file))
        return GitHubActionsFrontend.plan(root, kind: .githubWorkflow, file: file)
    }

    @Test func triggersPermissionsAndConditions() throws {
        let yaml = """
            on:
              push:
              pull_request:
                branches: [main]
            permissions: read-all
            jobs:
              a:
                runs-on: ubuntu-latest
                if: github.event_name == 'push'
                strategy:
                  matrix:
                    x: [1, 2]
                steps: []
              b:
                runs-on: ubuntu-latest
                permissions:
                  packages: write
                steps: []
            """
        let plan = try plan(yaml)
        #expect(plan.triggers == ["push", "pull_request"])
        #expect(plan.jobs[0].permissions?.lacksWrite("packages") == true)
        #expect(plan.jobs[0].condition == "github.event_name == 'push'")
        #expect(plan.jobs[0].hasMatrix)
        #expect(plan.jobs[1].permissions?.lacksWrite("packages") == false)
        #expect(plan.jobs[1].permissions?.span.start.line == 16)
    }

    @Test func setupPinsAndBuildResults() throws {
        let yaml = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/login-action@v3
                    with:
                      registry: ghcr.io
                      password: ${{ secrets.GITHUB_TOKEN }}
                  - uses: docker/setup-buildx-action@v3
                    with:
                      version: v0.19.0
                      driver-opts: |
                        network=host
                        image=moby/buildkit:v0.18.0
                  - uses: docker/build-push-action@v6
                    with:
                      push: true
                      load: ${{ inputs.load }}
                      tags: ghcr.io/acme/app:1,${{ steps.meta.outputs.tags }}
                      outputs: type=oci,dest=/tmp/x.tar
                      provenance: false
                      sbom: true
            """
        let plan = try plan(yaml)
        let steps = plan.jobs[0].steps
        #expect(steps[0].registryLogin?.registry == "ghcr.io" && steps[0].registryLogin?.usesJobToken == true)
        let build = try #require(steps[2].build)
        #expect(build.buildxVersion?.text == "v0.19.0")
        #expect(build.buildxVersion?.span.start.line == 12)
        let image = try #require(build.builder.builder?.buildkitImage)
        #expect(image.text == "moby/buildkit:v0.18.0")
        #expect(image.span.start.line == 15 && image.span.start.column == 19)
        #expect(build.result.pushes)
        #expect(build.result.load?.value == .unknown("an expression"))
        #expect(build.result.tags.map(\.value) == [.known("ghcr.io/acme/app:1"), .unknown("an expression")])
        #expect(build.result.outputs.first?.spec?.type == "oci")
        #expect(build.attestations.map(\.text) == ["true"])
        #expect(steps[2].inputs.map(\.text) == ["push", "load", "tags", "outputs", "provenance", "sbom"])
    }

    @Test func fieldSpansPointInsideTheEntry() throws {
        let yaml = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=é,mode=max\n"
        let entry = try #require(try plan(yaml).builds.first?.build.cacheExports.first)
        let mode = try #require(entry.specs.first?.fields.last)
        let span = entry.span(of: mode)
        #expect(span.start.line == 8 && span.start.column == 38 && span.end.column == 46)
    }
}
