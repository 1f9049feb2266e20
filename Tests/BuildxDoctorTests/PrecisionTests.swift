@testable import BuildxDoctor
import BuildxModel
import Testing

private let head = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

/// The rule of thumb behind every severity, and the pieces that keep findings precise: values quoted
/// safely, build identity compared field by field, matrices expanded, installed engines followed.
@Suite("Precision of findings")
struct PrecisionTests {
    // MARK: Values in messages

    @Test func valuesAreQuotedSoNothingInThemBreaksTheMessage() {
        #expect(Quoted.code("type=gha") == "`type=gha`")
        #expect(Quoted.code("a`b") == "``a`b``")
        #expect(Quoted.code("`a``") == "``` `a`` ```")
        #expect(Quoted.code("a\nb\tc\u{1B}[2J\u{7}") == "`a\\nb\\tc\\u{1B}[2J\\u{7}`")
        #expect(Quoted.code("x\u{202E}y\u{2028}") == "`x\\u{202E}y\\u{2028}`")
        #expect(Quoted.code(" a ") == "`  a  `")
        #expect(Quoted.code("") == "(empty)")
        #expect(Quoted.code(String(repeating: "q", count: 80)) == "`" + String(repeating: "q", count: 80) + "`")
        #expect(Quoted.code(String(repeating: "q", count: 500)) == "`" + String(repeating: "q", count: 80) + "…`")
    }

    @Test func aValueWithBackticksAndEscapesReachesTheMessageEscaped() {
        let found = diagnostics(
            head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n"
                + "          cache-to: \"type=g`h\\u001B[31ma\"\n")
        let message = try? #require(found.first { $0.rule == "cache-type-unknown" }?.message)
        #expect(message == "``g`h\\u{1B}[31ma`` is not a cache type: BuildKit fails the build with ``unknown cache exporter: \"g`h\\u{1B}[31ma\"``")
    }

    // MARK: Severities

    @Test func importsThatCannotWorkAreWarningsAndExportsErrors() {
        let found = diagnostics(
            head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n"
                + "          cache-from: |\n            type=GHA\n            type=registry,ref=ghcr.io/Acme/app:cache\n            type=s3,bucket=b\n"
                + "          cache-to: |\n            type=GHA\n            type=registry,ref=ghcr.io/Acme/app:cache\n            type=s3,bucket=b\n")
        let severities = found.sorted { $0.span.start.line < $1.span.start.line }.map { "\($0.span.start.line) \($0.rule) \($0.severity)" }
        #expect(
            severities == [
                "10 cache-type-unknown warning", "11 registry-ref-uppercase warning", "12 cache-attribute-missing warning",
                "14 cache-type-unknown error", "15 registry-ref-uppercase error", "16 cache-attribute-missing error",
            ])
    }

    @Test func ignoreErrorTurnsAFailedExportIntoAColdCacheButNotARefusalBeforeTheBuild() {
        let pinned = head + "      - uses: docker/setup-buildx-action@v3\n        with:\n          version: v0.19.0\n"
        let legacy = diagnostics(
            pinned + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,ignore-error=true\n",
            rules: [GHACacheLegacyService()])
        #expect(legacy.map(\.severity) == [.warning])
        #expect(legacy.first?.message.hasSuffix("the export fails after the build and, with `ignore-error=true`, the cache is never saved") == true)
        // buildx refuses a cache export on the docker driver before building, ignore-error or not.
        let refused = diagnostics(
            head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,ignore-error=true\n",
            rules: [CacheExportUnsupportedByDriver()])
        #expect(refused.map(\.severity) == [.error])
    }

    // MARK: Engines a step installs

    @Test(arguments: [
        ("", [ImageStore.containerd]), ("version: latest", [.containerd]), ("version: v29.1.3", [.containerd]),
        ("version: \"28.5.2\"", [.classic]), ("version: type=image,tag=27.3.1", [.classic]),
        ("version: type=archive,version=v29.0.0", [.containerd]), ("version: type=git,ref=master", [.classic, .containerd]),
        ("version: ${{ inputs.docker }}", [.classic, .containerd]),
        ("version: v28.5.2\n          daemon-config: '{\"features\": {\"containerd-snapshotter\": true}}'", [.containerd]),
        ("daemon-config: |\n            {\"features\": {\"containerd-snapshotter\": false}}", [.classic]),
        ("daemon-config: '{\"features\": {\"containerd-snapshotter\": ${{ inputs.on }}}}'", [.classic, .containerd]),
    ])
    func theInstalledEnginesImageStoreComesFromItsVersionAndConfiguration(_ inputs: String, _ stores: [ImageStore]) throws {
        let with = inputs.isEmpty ? "" : "        with:\n          \(inputs)\n"
        let yaml = head + "      - uses: docker/setup-docker-action@v4\n" + with + "      - uses: docker/build-push-action@v6\n"
        let build = try #require(plan(yaml)?.builds.first?.build)
        #expect(build.engineStores == stores)
        #expect(build.builder.builder?.possibleDrivers == stores.map(Driver.docker))
        #expect(build.builder.builder?.origin == .installedEngine(stepIndex: 0))
    }

    @Test func onASelfHostedRunnerItsOwnDaemonConfigurationMayChooseTheStore() {
        let yaml = "on: push\njobs:\n  build:\n    runs-on: [self-hosted, linux]\n    steps:\n"
            + "      - uses: docker/setup-docker-action@v4\n        with:\n          version: v28.5.2\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        let found = diagnostics(yaml, rules: [CacheExportUnsupportedByDriver()])
        #expect(found.map(\.severity) == [.warning])
        #expect(
            found.first?.message.contains(
                "(`version: v28.5.2` installs Docker Engine 28, which starts with the classic image store, unless the runner's own `/etc/docker/daemon.json`, which the action merges in, chooses the other)")
                == true)
    }

    @Test func anInstalledEngineReplacesTheBuilderOfAnEarlierSetupStep() throws {
        let yaml = head + "      - uses: docker/setup-buildx-action@v3\n      - uses: crazy-max/ghaction-setup-docker@v3\n        with:\n          version: v27.5.1\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
            + "      - uses: docker/setup-buildx-action@v3\n        with:\n          driver: docker\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        let found = diagnostics(yaml, rules: [CacheExportUnsupportedByDriver()])
        #expect(found.map(\.span.start.line) == [12, 18])
        #expect(found.first?.message.contains("replacing the builder set up at line 6") == true)
        #expect(found.first?.help == "add a `docker/setup-buildx-action` step after the engine is installed (line 7) and before this build")
        #expect(found.last?.message.contains("the builder set up at line 13 uses the `docker` driver") == true)
    }

    @Test func fixingABuildOnAnInstalledEngineAddsTheSetupStepAfterTheInstall() {
        let yaml = head + "      - uses: docker/build-push-action@v6\n      - uses: docker/setup-docker-action@v4\n        with:\n          version: v28.5.2\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n"
        let fixed = Fixer().fix(SourceFile(path: "ci.yml", text: yaml))
        #expect(
            String(decoding: fixed.fixed, as: UTF8.self)
                == head + "      - uses: docker/build-push-action@v6\n      - uses: docker/setup-docker-action@v4\n        with:\n          version: v28.5.2\n"
                + "      - uses: docker/setup-buildx-action@v4\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha\n")
    }

    // MARK: Loading several platforms

    @Test func loadingSeveralPlatformsOnTheClassicDockerDriverIsTheLoadFailure() {
        let yaml = head + "      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64\n          load: true\n"
        #expect(diagnostics(yaml).map { "\($0.rule) \($0.severity)" } == ["load-multi-platform error"])
        let pushed = yaml.replacingAll("load: true", with: "push: true")
        #expect(diagnostics(pushed).map { "\($0.rule) \($0.severity)" } == ["multi-platform-unsupported-by-driver error"])
    }

    // MARK: Build identity and matrices

    @Test func identityComparesWhatMakesTheImage() {
        let any: (String) -> Bool = { _ in false }
        let base = BuildIdentity(context: ".", file: "./Dockerfile")
        #expect(base.compared(with: BuildIdentity(), sameValue: any, samePlatform: .same) == .same)
        #expect(BuildIdentity(context: "./api/").compared(with: BuildIdentity(context: "api", file: "api/Dockerfile"), sameValue: any, samePlatform: .same) == .same)
        #expect(base.compared(with: BuildIdentity(target: "test"), sameValue: any, samePlatform: .same) == .different)
        #expect(base.compared(with: BuildIdentity(buildArgs: ["A=1"]), sameValue: any, samePlatform: .same) == .different)
        #expect(
            BuildIdentity(buildArgs: ["A=1", "B=2"]).compared(with: BuildIdentity(buildArgs: ["B=2", "A=1"]), sameValue: any, samePlatform: .same)
                == .same)
        #expect(
            BuildIdentity(platforms: ["linux/arm64/v8"]).compared(with: BuildIdentity(platforms: ["linux/arm64"]), sameValue: any, samePlatform: .different)
                == .same)
        #expect(base.compared(with: base, sameValue: any, samePlatform: .different) == .different)
        let matrix = BuildIdentity(file: "${{ matrix.file }}")
        #expect(matrix.compared(with: matrix, sameValue: any, samePlatform: .same) == .unknown)
        #expect(matrix.compared(with: matrix, sameValue: { _ in true }, samePlatform: .same) == .same)
        #expect(matrix.compared(with: BuildIdentity(file: "api.Dockerfile"), sameValue: { _ in true }, samePlatform: .same) == .unknown)
    }

    @Test func matricesExpandAsGitHubExpandsThem() throws {
        let product = Matrix(keys: [("os", ["a", "b"]), ("py", ["1", "2"])], exclude: [["os": "b", "py": "1"]], include: [])
        #expect(product.combinations?.count == 3)
        let extended = Matrix(
            keys: [("container", ["debian", "alpine"])], exclude: [],
            include: [["container": "alpine", "platforms": "x"], ["container": "debian", "platforms": "y"], ["container": "ubi"]])
        #expect(extended.combinations == [["container": "debian", "platforms": "y"], ["container": "alpine", "platforms": "x"], ["container": "ubi"]])
        let single = Matrix(keys: [], exclude: [], include: [["runner": "arm", "arch": "arm64"]])
        #expect(single.varies(in: ["arch"]) == false)
        #expect(extended.varies(in: ["container"]) == true)
        let read = try #require(
            plan("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [a, b]\n        include:\n          - os: a\n            x: 1\n    steps: []\n")?.jobs.first?.matrix)
        #expect(read.combinations == [["os": "a", "x": "1"], ["os": "b"]])
        let tagged = try #require(
            plan("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [a, b]\n        include:\n          - os: a\n            tags: ${{ github.ref }}\n    steps: []\n")?.jobs.first?.matrix)
        #expect(tagged.varies(in: ["os"]) == true)
        #expect(tagged.varies(in: ["tags"]) == nil)
        let unknown = try #require(plan("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n    steps: []\n")?.jobs.first?.matrix)
        #expect(unknown.combinations == nil)
    }

    @Test func onlyExpressionsOfTheWholeRunAreTheSameInEveryJob() {
        #expect(GHACacheScopeCollision.isWorkflowWide("${{ github.ref_name }}-deb"))
        #expect(GHACacheScopeCollision.isWorkflowWide("${{ inputs.name }}-${{ vars.X }}"))
        #expect(!GHACacheScopeCollision.isWorkflowWide("${{ matrix.image }}"))
        #expect(!GHACacheScopeCollision.isWorkflowWide("${{ github.job }}"))
        #expect(!GHACacheScopeCollision.isWorkflowWide("${{ env.SCOPE }}"))
        #expect(GHACacheScopeCollision.isWorkflowWide("${{ format('{0}-env.x', github.sha) }}"))
        #expect(GHACacheScopeCollision.matrixKeys(in: "${{ matrix.platform.cache }}-${{ matrix['os'] }}") == ["platform", "os"])
    }

    @Test func theScopeFixNeverGivesTwoBuildsOfOneJobTheSameScope() {
        let yaml = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        platform: [linux/amd64, linux/arm64]\n    steps:\n"
            + "      - uses: docker/setup-buildx-action@v3\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          context: ./api\n          platforms: ${{ matrix.platform }}\n          cache-to: type=gha,mode=max\n"
            + "      - uses: docker/build-push-action@v6\n        with:\n          context: ./web\n          platforms: ${{ matrix.platform }}\n          cache-to: type=gha,mode=max\n"
        let result = Fixer().fix(SourceFile(path: "ci.yml", text: yaml))
        let fixed = String(decoding: result.fixed, as: UTF8.self)
        #expect(fixed.contains("context: ./api\n          platforms: ${{ matrix.platform }}\n          cache-to: type=gha,scope=api-${{ matrix.platform }},mode=max\n"))
        #expect(fixed.contains("context: ./web\n          platforms: ${{ matrix.platform }}\n          cache-to: type=gha,scope=web-${{ matrix.platform }},mode=max\n"))
        #expect(diagnostics(fixed, rules: [GHACacheScopeCollision()]).isEmpty)
    }

    private func plan(_ yaml: String) -> BuildPlan? {
        let file = SourceFile(path: ".github/workflows/ci.yml", text: yaml)
        guard let root = try? YAMLDocument.parse(file), let kind = GitHubActionsFrontend.kind(of: root) else { return nil }
        return GitHubActionsFrontend.plan(root, kind: kind, file: file)
    }
}
