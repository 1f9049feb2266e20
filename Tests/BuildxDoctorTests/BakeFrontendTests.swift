@testable import BuildxDoctor
import Foundation
import Testing

/// Bake runs placed where CI runs them: docker/bake-action steps, `docker buildx bake` and
/// `docker compose build` commands, and bake/Compose files checked on their own.
@Suite("Bake frontend")
struct BakeFrontendTests {
    /// A repository with the given files; `check` over the folder (or the named files), then cleaned up.
    private func check(_ files: [String: String], only: [String]? = nil) throws -> (report: CheckReport, folder: String) {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(files, in: folder)
        let paths = only.map { $0.map { folder.appendingPathComponent($0).path } } ?? [folder.path]
        return (Checker().check(paths: paths), folder.path)
    }

    private func write(_ files: [String: String], in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".git"), withIntermediateDirectories: true)
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// A finding's message with the folder left out of the paths it names.
    private func message(_ diagnostic: Diagnostic?, _ folder: String) -> String {
        (diagnostic?.message ?? "").replacingOccurrences(of: folder + "/", with: "")
    }

    /// `rule file:line:column` of every finding, the folder left out.
    private func findings(_ report: CheckReport, _ folder: String) -> [String] {
        report.diagnostics.map { "\($0.rule) \(String($0.span.path.dropFirst(folder.count + 1))):\($0.span.at)" }
    }

    static let compose = """
        services:
          api:
            build:
              context: ./api
              cache_from:
                - type=gha,scope=api
              cache_to:
                - type=gha,mode=max,scope=api
          web:
            build:
              context: ./web
              cache_to: ["type=GHA,mode=max"]

        """

    static func workflow(_ steps: String) -> String {
        """
        on: push
        jobs:
          build:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4

        """ + steps
    }

    @Test func aBakeActionStepBuildsEveryDefaultTargetOnTheJobsBuilder() throws {
        let (report, folder) = try check([
            "compose.yaml": Self.compose,
            ".github/workflows/ci.yml": Self.workflow("      - uses: docker/bake-action@v6\n"),
        ])
        #expect(
            findings(report, folder) == [
                "cache-import-unsupported-by-driver compose.yaml:6:11", "cache-export-unsupported-by-driver compose.yaml:8:11",
                // `GHA` is no type the driver rules know: only the typo is reported.
                "cache-type-unknown compose.yaml:12:19",
            ])
        let export = try #require(report.diagnostics.first { $0.rule == "cache-export-unsupported-by-driver" })
        #expect(message(export, folder).hasSuffix("(bake target `api`, run at .github/workflows/ci.yml:7)"))
        #expect(export.severity == .error)
        // The compose file is read with the workflow, not again on its own.
        #expect(report.files.map(\.kind) == [.githubWorkflow])
    }

    @Test func aSetupStepBeforeTheBakeStepLeavesOnlyTheValueFindings() throws {
        let (report, folder) = try check([
            "compose.yaml": Self.compose,
            ".github/workflows/ci.yml": Self.workflow("      - uses: docker/setup-buildx-action@v3\n      - uses: docker/bake-action@v6\n        with:\n          targets: web\n"),
        ])
        #expect(findings(report, folder) == ["cache-type-unknown compose.yaml:12:19"])
        #expect(message(report.diagnostics.first, folder).hasSuffix("(bake target `web`, run at .github/workflows/ci.yml:8)"))
        // The fix edits the compose file, which is not the file being fixed: it is left out.
        #expect(report.diagnostics.first?.fix == nil)
    }

    @Test func oneSetLineForEveryTargetIsReportedOnceNamingThem() throws {
        let (report, folder) = try check([
            "compose.yaml": Self.compose,
            ".github/workflows/ci.yml": Self.workflow(
                """
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/bake-action@v5
                        with:
                          files: ./compose.yaml
                          set: |
                            *.cache-to=type=gha,mode=max,scope=all
                            api.cache-from=type=gha,"scope=api

                """),
        ])
        #expect(findings(report, folder) == ["gha-cache-scope-collision .github/workflows/ci.yml:12:24", "cache-spec-invalid .github/workflows/ci.yml:13:28"])
        let collision = try #require(report.diagnostics.first { $0.rule == "gha-cache-scope-collision" })
        // The rule reports a colliding pair once: the finding is about one of the two targets' exports.
        #expect(collision.message.hasSuffix("(one of the bake targets `api`, `web`, run at line 8)"), "\(collision.message)")
    }

    @Test func whatBakeRefusesIsReportedWhereItIsWritten() throws {
        let (report, folder) = try check([
            "compose.yaml": Self.compose,
            ".github/workflows/ci.yml": Self.workflow(
                "      - uses: docker/bake-action@v6\n        with:\n          targets: api,worker\n          set: api.cache_to=type=gha\n"),
        ])
        #expect(
            findings(report, folder) == [
                "bake-definition-invalid .github/workflows/ci.yml:9:24", "bake-definition-invalid .github/workflows/ci.yml:10:16",
            ])
        #expect(report.diagnostics.map(\.message) == ["bake stops: failed to find target worker", "bake stops: unknown key: cache_to"])
    }

    @Test func bakeAndComposeCommandsInARunStepBuildWithTheCurrentBuilder() throws {
        let (report, folder) = try check([
            "compose.yaml": Self.compose,
            "ci/build.sh": "#!/bin/sh\ndocker compose build web\n",
            ".github/workflows/ci.yml": Self.workflow(
                "      - run: docker buildx bake -f compose.yaml --set 'web.cache-to=type=registry,ref=r/web' --load api web\n      - run: ./ci/build.sh\n"),
        ])
        #expect(
            findings(report, folder) == [
                "cache-export-unsupported-by-driver .github/workflows/ci.yml:7:55",
                // A shell step has no ACTIONS_RUNTIME_TOKEN: buildx drops the gha entries before the driver sees them.
                "gha-cache-without-runtime compose.yaml:6:11", "gha-cache-without-runtime compose.yaml:8:11",
                "cache-type-unknown compose.yaml:12:19",
            ])
        let typo = try #require(report.diagnostics.first { $0.rule == "cache-type-unknown" })
        // `web`'s compose cache-to is replaced by the --set for bake, but `docker compose build web` uses it.
        #expect(message(typo, folder).hasSuffix("(bake target `web`, run at ci/build.sh:2)"), "\(typo.message)")
    }

    /// Two runs build `web` from the same value, and only one of them fails (the other overrides the
    /// platforms): the finding names the target, not the run that does not fail.
    @Test func aFindingOnlySomeRunsOfAValueGiveNamesNoRun() throws {
        let bake = """
            target "web" {
              output = ["type=docker"]
              platforms = ["linux/amd64", "linux/arm64"]
            }
            target "api" {
              inherits = ["web"]
            }

            """
        let steps = """
                  - uses: docker/setup-buildx-action@v3
                  - uses: docker/bake-action@v5
                    with:
                      targets: web
                  - run: docker buildx bake --set web.platform=linux/amd64 web

            """
        let (report, folder) = try check(["docker-bake.hcl": bake, ".github/workflows/ci.yml": Self.workflow(steps)])
        #expect(findings(report, folder) == ["load-multi-platform docker-bake.hcl:2:14"])
        #expect(message(report.diagnostics.first, folder).hasSuffix("(bake target `web`)"), "\(report.diagnostics.first?.message ?? "")")
        // Both targets, one run each, both fail: every run is named.
        let both = try check([
            "docker-bake.hcl": bake, ".github/workflows/ci.yml": Self.workflow("      - uses: docker/setup-buildx-action@v3\n      - run: docker buildx bake web api\n"),
        ])
        #expect(message(both.report.diagnostics.first, both.folder).hasSuffix("(bake targets `api`, `web`, run at .github/workflows/ci.yml:8)"), "\(both.report.diagnostics.first?.message ?? "")")
    }

    @Test func aComposeFileOnItsOwnGetsOnlyValueFindingsAndItsFix() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(["compose.yaml": Self.compose], in: folder)
        let report = Checker().check(paths: [folder.path])
        #expect(findings(report, folder.path) == ["cache-type-unknown compose.yaml:12:19"])
        #expect(report.files.map(\.kind) == [.composeFile])
        #expect(report.diagnostics.first?.message.hasSuffix("(bake target `web`)") == true)
        let file = try Checker().load(folder.appendingPathComponent("compose.yaml").path)
        let fixed = Fixer().fix(file)
        #expect(String(decoding: fixed.fixed, as: UTF8.self) == Self.compose.replacingOccurrences(of: "type=GHA", with: "type=gha"))
    }

    @Test func theDriverFixAddsTheSetupStepBeforeTheBakeStep() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let workflow = Self.workflow("      - uses: docker/bake-action@v6\n        with:\n          targets: api\n")
        try write(["compose.yaml": Self.compose, ".github/workflows/ci.yml": workflow], in: folder)
        let file = try Checker().load(folder.appendingPathComponent(".github/workflows/ci.yml").path)
        let fixed = Fixer().fix(file)
        #expect(
            String(decoding: fixed.fixed, as: UTF8.self)
                == workflow.replacingOccurrences(
                    of: "      - uses: docker/bake-action@v6", with: "      - uses: docker/setup-buildx-action@v4\n      - uses: docker/bake-action@v6"))
        #expect(fixed.remaining.isEmpty)
    }

    @Test func aRemoteSourceOrUnknownFilesSayNothing() throws {
        let (report, _) = try check([
            "compose.yaml": Self.compose,
            ".github/workflows/ci.yml": Self.workflow(
                "      - uses: docker/bake-action@v6\n        with:\n          source: https://github.com/acme/app.git#main\n      - uses: docker/bake-action@v6\n        with:\n          files: ${{ inputs.file }}\n"
                    + "      - uses: docker/bake-action@v6\n        with:\n          targets: ${{ matrix.target }}\n"
                    + "      - uses: docker/bake-action@v6\n        with:\n          set: ${{ matrix.target }}.cache-from=type=local,src=/c\n"),
        ], only: [".github/workflows/ci.yml"])
        #expect(report.diagnostics.isEmpty)
    }

    @Test func aValueSharedThroughInheritsIsReportedOnceNamingTheTargets() throws {
        let bake = HandWrittenBake("""
            target "base" {
              cache-to = ["type=inline,mode=max"]
            }
            target "a" {
              inherits = ["base"]
            }
            target "b" {
              inherits = ["base"]
              cache-to = ["type=local,dest=/tmp/c", "type=GHA"]
            }
            """)
        let document = BakeDocument(
            path: bake.file.path,
            targets: [
                bake.block("base", 1, [bake.attribute("cache-to", bake.list(["type=inline,mode=max"]))]),
                bake.block("a", 1, [bake.attribute("inherits", .list([bake.string("base", 2)], bake.span("base", 2)))]),
                bake.block(
                    "b", 1,
                    [
                        bake.attribute("inherits", .list([bake.string("base", 3)], bake.span("base", 3)), 2),
                        bake.attribute("cache-to", bake.list(["type=local,dest=/tmp/c", "type=GHA"]), 2),
                    ]),
            ])
        let plan = BakeFrontend.plan(bake.file, kind: .bakeFile, documents: [document])
        let diagnostics = BakeFindings.merged(RuleRegistry.all.flatMap { $0.check(plan) }, plan: plan)
        #expect(
            diagnostics.map { "\($0.rule) \($0.span.at)" } == [
                "cache-type-unknown 9:42", "inline-cache-mode-max 2:16",
            ])
        #expect(diagnostics.last?.message.hasSuffix("(bake targets `a`, `base`)") == true)
        #expect(diagnostics.first?.message.hasSuffix("(bake target `b`)") == true)
        // Driver rules stay silent: which builder runs bake is not known.
        #expect(plan.builds.allSatisfy { $0.build.builder.builder == nil })
    }

    @Test func composeBuildCommandsAreRecognised() throws {
        let text = "docker --context x compose -f a.yml --file b.yml -p app build --push --builder bx web api\ndocker-compose build\ndocker compose up --build"
        let invocations = ShellScript.parse(text).commands.map(DockerCommand.recognize)
        guard case .composeBuild(let compose)? = invocations.first else {
            Issue.record("not compose build")
            return
        }
        #expect(compose.files.map { $0.value?.literal } == ["a.yml", "b.yml"])
        #expect(compose.services.map(\.literal) == ["web", "api"])
        #expect(compose.push?.booleanValue == true)
        #expect(compose.builder?.value?.literal == "bx")
        #expect(compose.docker.context?.value?.literal == "x")
        guard case .composeBuild(let plain)? = invocations[1] else {
            Issue.record("docker-compose")
            return
        }
        #expect(plain.services.isEmpty)
        #expect(invocations.count == 3 && invocations[2] == nil)
    }

    static let hcl = """
        variable "TAG" {
          default = "latest"
        }
        target "_common" {
          cache-to = ["type=gha,mode=max"]
        }
        target "app" {
          inherits = ["_common"]
          tags = ["acme/app:${TAG}"]
        }
        target "worker" {
          inherits = ["_common"]
          cache-from = ["type=GHA"]
        }
        group "default" {
          targets = ["app", "worker"]
        }

        """

    @Test func anHCLValueInheritedByTwoTargetsIsReportedOnceAtItsPlace() throws {
        let (report, folder) = try check([
            "docker-bake.hcl": Self.hcl,
            ".github/workflows/ci.yml": Self.workflow("      - uses: docker/bake-action@v6\n        with:\n          push: true\n"),
        ])
        #expect(findings(report, folder) == ["cache-export-unsupported-by-driver docker-bake.hcl:5:16", "cache-type-unknown docker-bake.hcl:13:18"])
        #expect(message(report.diagnostics.first, folder).hasSuffix("(bake targets `app`, `worker`, run at .github/workflows/ci.yml:7)"))
        #expect(report.diagnostics.first?.fix != nil, "the driver fix edits the workflow")
    }

    @Test func aSetOnTheCommandLinePointsAtItsWord() throws {
        let (report, folder) = try check([
            "docker-bake.hcl": Self.hcl,
            ".github/workflows/ci.yml": Self.workflow(
                "      - run: docker buildx bake --set *.platform=linux/amd64,linux/arm64 --set app.cache-to=type=inline,mode=max app\n"),
        ])
        #expect(
            findings(report, folder) == [
                // Each at the value of its --set word.
                "multi-platform-unsupported-by-driver .github/workflows/ci.yml:7:50", "inline-cache-mode-max .github/workflows/ci.yml:7:93",
            ])
    }

    @Test func aStandaloneBakeFileGetsItsValueFix() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(["docker-bake.hcl": Self.hcl], in: folder)
        let report = Checker().check(paths: [folder.path])
        #expect(findings(report, folder.path) == ["cache-type-unknown docker-bake.hcl:13:18"])
        #expect(report.files.map(\.kind) == [.bakeFile])
        let fixed = Fixer().fix(try Checker().load(folder.appendingPathComponent("docker-bake.hcl").path))
        #expect(String(decoding: fixed.fixed, as: UTF8.self) == Self.hcl.replacingOccurrences(of: "type=GHA", with: "type=gha"))
    }

    @Test func aJSONBakeFileOnItsOwnIsReadAndFixed() throws {
        let json = """
            {
              "target": {
                "app": {
                  "cache-to": ["type=inline,mode=max"],
                  "cache-from": [{"type": "registry", "ref": "r/app:cache"}]
                }
              }
            }

            """
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(["docker-bake.json": json], in: folder)
        let report = Checker().check(paths: [folder.path])
        #expect(findings(report, folder.path) == ["inline-cache-mode-max docker-bake.json:4:21"])
        let fixed = Fixer().fix(try Checker().load(folder.appendingPathComponent("docker-bake.json").path))
        #expect(String(decoding: fixed.fixed, as: UTF8.self) == json.replacingOccurrences(of: "type=inline,mode=max", with: "type=inline"))
    }
}
