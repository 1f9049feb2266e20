import BuildxDoctor
import BuildxModel
import Foundation
import Testing

private func builderFixture(_ name: String) throws -> String { try fixture("builder/" + name) }

/// A machine made of recorded `ls --format json` output.
private func machine(
    _ file: String, selected: String? = nil, engineStore: ImageStore?, buildx: String? = "v0.36.1"
) throws -> LiveMachine {
    let builders = try LiveBuilderParsing.builders(fromListJSON: try builderFixture(file))
    return LiveMachine(
        builders: builders, selected: selected ?? builders.first(where: \.isCurrent)!.name, selectedBy: selected == nil ? "current" : "--builder",
        engineStore: engineStore, engineVersion: "28.5.2", buildxVersion: buildx, emulators: [])
}

/// Checks a script as if it ran on `machine` (`check --builder`), returning rule ids with their lines.
private func findings(_ script: String, on machine: LiveMachine?, path: String = "build.sh") -> [String] {
    var checker = Checker()
    checker.machine = machine
    guard case .checked(_, _, let diagnostics) = checker.check(SourceFile(path: path, text: script)) else { return ["not checked"] }
    return diagnostics.map { "\($0.span.start.line):\($0.rule):\($0.severity)" }
}

@Suite("Live builder: reading buildx output")
struct LiveBuilderParsingTests {
    @Test func listJSONOfBuildx0291OnTheClassicEngine() throws {
        let builders = try LiveBuilderParsing.builders(fromListJSON: try builderFixture("ls-json-v0.29.1-classic-engine.jsonl"))
        #expect(builders.map(\.name) == ["bk-cache-gt", "bk-dc", "bk-remote", "default"])
        #expect(builders.map(\.driverName) == ["docker-container", "docker-container", "remote", "docker"])
        #expect(builders.map(\.isCurrent) == [false, false, false, true])
        let drivers = builders.map { $0.driver(engineStore: nil) }
        #expect(drivers == [.dockerContainer, .dockerContainer, .remote, .docker(.classic)])
        let defaultBuilder = builders[3]
        #expect(defaultBuilder.nodes.map(\.endpoint) == ["default"])
        #expect(defaultBuilder.nodes.first?.labels == [:])
        #expect(defaultBuilder.nodes.first?.buildkitVersion == "v0.0.0+unknown")
        // A distribution build reports v0.0.0: no version gate may read it as an old release.
        #expect(defaultBuilder.buildkitVersion == nil)
        #expect(defaultBuilder.platforms == ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/386"])
        #expect(builders[1].nodes.first?.endpoint == "unix:///tmp/buildx-doctor-testbed/run/classic.sock")
        #expect(builders[1].nodes.first?.labels?[LiveBuilder.snapshotterLabel] == "overlayfs")
    }

    @Test func listJSONOfBuildx0291OnTheContainerdEngine() throws {
        let builders = try LiveBuilderParsing.builders(fromListJSON: try builderFixture("ls-json-v0.29.1-containerd-engine.jsonl"))
        let defaultBuilder = try #require(builders.first { $0.isCurrent })
        #expect(defaultBuilder.name == "default")
        // The snapshotter label decides, as in buildx, even when `docker info` would say otherwise.
        #expect(defaultBuilder.driver(engineStore: .classic) == .docker(.containerd))
        #expect(defaultBuilder.platforms == ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4"])
    }

    @Test func listJSONWithReleasedBuildKitVersions() throws {
        let builders = try LiveBuilderParsing.builders(fromListJSON: try builderFixture("ls-json-2025-two-builders.jsonl"))
        #expect(builders.map(\.name) == ["bla", "default"])
        #expect(builders.map { $0.driver(engineStore: .containerd) } == [.dockerContainer, .docker(.classic)])
        #expect(builders.map(\.buildkitVersion) == [SemanticVersion(0, 22, 0), SemanticVersion(0, 23, 2)])
        #expect(builders.map(\.isCurrent) == [false, true])
    }

    @Test func listJSONThatIsNotJSONNamesTheLine() throws {
        let text = #"{"Name":"a","Driver":"docker","Nodes":[]}"# + "\nCannot load builder b\n"
        #expect(throws: LiveBuilderError.unreadableOutput(command: "docker buildx ls --format json", line: 2, reason: "not a JSON object")) {
            try LiveBuilderParsing.builders(fromListJSON: text)
        }
        #expect(throws: LiveBuilderError.unreadableOutput(command: "docker buildx ls --format json", line: 1, reason: "no `Name` or `Driver`")) {
            try LiveBuilderParsing.builders(fromListJSON: #"{"Current":true}"#)
        }
    }

    @Test func inspectOfBuildx0291() throws {
        let classic = try LiveBuilderParsing.builder(fromInspect: try builderFixture("inspect-v0.29.1-docker-classic.txt"), isCurrent: true)
        #expect(classic.name == "default")
        #expect(classic.driverName == "docker")
        #expect(classic.nodes.map(\.status) == ["running"])
        // v0.13+ prints a running node's labels: none printed means none, so the classic store.
        #expect(classic.nodes.first?.labels == [:])
        #expect(classic.driver(engineStore: nil) == .docker(.classic))
        #expect(classic.platforms == ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/386"])

        let containerd = try LiveBuilderParsing.builder(fromInspect: try builderFixture("inspect-v0.29.1-docker-containerd.txt"), isCurrent: true)
        #expect(containerd.driver(engineStore: nil) == .docker(.containerd))
        #expect(containerd.nodes.first?.labels?["org.mobyproject.buildkit.worker.containerd.namespace"] == "moby")
        #expect(containerd.nodes.first?.labels?.count == 7)

        let remote = try LiveBuilderParsing.builder(fromInspect: try builderFixture("inspect-v0.29.1-remote.txt"), isCurrent: false)
        #expect(remote.name == "bk-remote")
        #expect(remote.driver(engineStore: nil) == .remote)
        #expect(remote.nodes.map(\.endpoint) == ["unix:///tmp/buildx-doctor-testbed/run/buildkitd.sock"])
        #expect(remote.nodes.first?.buildkitVersion == "v0.0.0+unknown")
    }

    @Test func inspectOfBuildx013WithFeaturesAndACommitAsVersion() throws {
        let builder = try LiveBuilderParsing.builder(fromInspect: try builderFixture("inspect-v0.13-docker-container.txt"), isCurrent: false)
        #expect(builder.name == "builder")
        #expect(builder.driver(engineStore: .classic) == .dockerContainer)
        #expect(builder.nodes.map(\.name) == ["builder0"])
        #expect(builder.nodes.first?.buildkitVersion == "37657a1")
        #expect(builder.buildkitVersion == nil)
        #expect(builder.platforms.count == 12)
        #expect(builder.platforms.last == "linux/arm/v6")
        // Features: and GC policy entries are not labels.
        #expect(builder.nodes.first?.labels?.count == 6)
        #expect(builder.nodes.first?.labels?["org.mobyproject.buildkit.worker.hostname"] == "docker-desktop")
    }

    @Test func inspectOfBuildx011LeavesTheStoreToDockerInfo() throws {
        let builder = try LiveBuilderParsing.builder(fromInspect: try builderFixture("inspect-v0.11-docker.txt"), isCurrent: true)
        #expect(builder.nodes.first?.buildkitVersion == "v0.11.7-0.20230525183624-798ad6b0ce9f")
        #expect(builder.buildkitVersion == SemanticVersion(0, 11, 7))
        // Before v0.13 inspect prints no labels: the store is not known from it.
        #expect(builder.nodes.first?.labels == nil)
        #expect(builder.driver(engineStore: nil) == nil)
        #expect(builder.driver(engineStore: .containerd) == .docker(.containerd))
    }

    @Test func inspectWithoutAName() {
        #expect(throws: LiveBuilderError.unreadableOutput(command: "docker buildx inspect", line: 1, reason: "no `Name:` and `Driver:` lines")) {
            try LiveBuilderParsing.builder(fromInspect: "ERROR: no builder \"x\" found\n", isCurrent: false)
        }
    }

    @Test func versionsStoresAndEmulators() {
        #expect(LiveBuilderParsing.buildxVersion(from: "github.com/docker/buildx v0.36.1 1d8dde89b8aba914e05e45366770736fea1fd690\n") == "v0.36.1")
        #expect(LiveBuilderParsing.buildxVersion(from: "github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4\n") == "0.29.1+ds1")
        #expect(LiveBuilderParsing.buildxVersion(from: "") == nil)
        #expect(LiveBuilderParsing.imageStore(fromDriverStatus: #"[["driver-type","io.containerd.snapshotter.v1"]]"#) == .containerd)
        #expect(
            LiveBuilderParsing.imageStore(fromDriverStatus: #"[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"]]"#)
                == .classic)
        #expect(LiveBuilderParsing.imageStore(fromDriverStatus: "null\n") == .classic)
        #expect(LiveBuilderParsing.imageStore(fromDriverStatus: "template: info:1: function \"json\" not defined") == nil)
        let arm = LiveBuilderParsing.emulator(name: "qemu-aarch64", contents: "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\n")
        #expect(arm == Emulator(name: "qemu-aarch64", isEnabled: true))
        #expect(arm.platform == "linux/arm64")
        #expect(LiveBuilderParsing.emulator(name: "qemu-arm", contents: "disabled\n").isEnabled == false)
        #expect(Emulator(name: "python3.11", isEnabled: true).platform == nil)
    }

    @Test func capabilitiesComeFromTheModel() throws {
        let classic = try #require(BuilderReport(try machine("ls-json-v0.29.1-classic-engine.jsonl", engineStore: .classic)))
        #expect(classic.driver == .docker(.classic))
        let refused = CacheSupport.refusedByBuildx(.cacheExport)
        #expect(classic.cacheSupport.map(\.export) == [.supported, refused, refused, refused, refused, refused])
        #expect(classic.loadsManifestLists == false)
        let json = classic.json().serialized()
        #expect(json.contains(#""cacheExport":{"inline":"supported","registry":"refused-by-buildx","local":"refused-by-buildx","gha":"refused-by-buildx","s3":"refused-by-buildx","azblob":"refused-by-buildx"}"#))
        #expect(json.contains(#""multiPlatform":false,"loadManifestList":false,"attestations":false,"ociExport":false"#))

        let dc = try #require(BuilderReport(try machine("ls-json-v0.29.1-classic-engine.jsonl", selected: "bk-dc", engineStore: .classic)))
        #expect(dc.driver == .dockerContainer)
        #expect(dc.cacheSupport.map(\.import) == [.importSkipped(message: "unknown cache importer: inline")] + Array(repeating: .supported, count: 5))
        // The docker-container builder loads into the classic engine: no manifest lists there.
        #expect(dc.loadsManifestLists == false)
        #expect(dc.text().contains("--load of a manifest list  no: the engine's classic image store holds one platform per image\n"))
        #expect(dc.text().contains("multi-platform build       yes\n"))
    }
}

@Suite("Live builder: check --builder and the command guard")
struct LiveBuilderCheckTests {
    private let script = """
        #!/bin/sh
        docker buildx build --cache-to type=registry,ref=r.example/app:cache .
        docker buildx build --builder bk-dc --cache-to type=registry,ref=r.example/app:cache .
        docker buildx build --platform linux/amd64,linux/arm64 --load .
        """

    @Test func withoutAMachineDriverFindingsSayMay() {
        #expect(findings(script, on: nil) == ["2:cache-export-unsupported-by-driver:warning", "4:load-multi-platform:warning"])
    }

    @Test func theClassicDefaultBuilderDecidesEveryMay() throws {
        let classic = try machine("ls-json-v0.29.1-classic-engine.jsonl", engineStore: .classic)
        #expect(findings(script, on: classic) == ["2:cache-export-unsupported-by-driver:error", "4:load-multi-platform:error"])
    }

    @Test func theContainerdDefaultBuilderClearsThem() throws {
        let containerd = try machine("ls-json-v0.29.1-containerd-engine.jsonl", engineStore: .containerd)
        #expect(findings(script, on: containerd) == [])
    }

    @Test func aDockerContainerBuilderBesideTheClassicEngineStillCannotLoadTwoPlatforms() throws {
        let dc = try machine("ls-json-v0.29.1-classic-engine.jsonl", selected: "bk-dc", engineStore: .classic)
        #expect(findings(script, on: dc) == ["4:load-multi-platform:error"])
    }

    @Test func buildersNamedByUseAreTheMachines() throws {
        let classic = try machine("ls-json-v0.29.1-classic-engine.jsonl", engineStore: .classic)
        let switched = "docker buildx use bk-dc\ndocker buildx build --cache-to type=registry,ref=r.example/app:cache .\n"
        #expect(findings(switched, on: classic) == [])
        // `docker build` stays on the engine's own builder, whatever is current.
        #expect(findings(switched + "docker build --cache-to type=inline --cache-to type=local,dest=/tmp/c .\n", on: classic) == [
            "3:cache-export-unsupported-by-driver:error"
        ])
        let unknown = "docker buildx use elsewhere\ndocker buildx build --cache-to type=registry,ref=r.example/app:cache .\n"
        #expect(findings(unknown, on: classic) == [])
    }

    @Test func aMakefileRunsOnTheMachineToo() throws {
        let classic = try machine("ls-json-v0.29.1-classic-engine.jsonl", engineStore: .classic)
        let makefile = "image:\n\tdocker buildx build --cache-to type=local,dest=/tmp/cache .\n"
        #expect(findings(makefile, on: nil, path: "Makefile") == ["2:cache-export-unsupported-by-driver:warning"])
        #expect(findings(makefile, on: classic, path: "Makefile") == ["2:cache-export-unsupported-by-driver:error"])
    }

    @Test func selfHostedJobsRunHereAndGitHubHostedOnesDoNot() throws {
        let containerd = try machine("ls-json-v0.29.1-containerd-engine.jsonl", engineStore: .containerd)
        let workflow = """
            on: push
            jobs:
              self:
                runs-on: [self-hosted, linux]
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      cache-to: type=registry,ref=r.example/app:cache
              hosted:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      cache-to: type=registry,ref=r.example/app:cache
            """
        let path = ".github/workflows/ci.yml"
        #expect(findings(workflow, on: nil, path: path) == ["8:cache-export-unsupported-by-driver:warning", "14:cache-export-unsupported-by-driver:error"])
        #expect(findings(workflow, on: containerd, path: path) == ["14:cache-export-unsupported-by-driver:error"])
    }

    @Test func versionRulesReadTheMachinesVersions() throws {
        let old = try machine("ls-json-2025-two-builders.jsonl", selected: "bla", engineStore: .classic, buildx: "v0.19.3")
        let gha = "docker buildx build --cache-to type=gha,mode=max --cache-to type=local,dest=/tmp/c,reset=true .\n"
        #expect(findings(gha, on: old) == ["1:local-cache-reset-unsupported:warning", "1:gha-cache-legacy-service:error"])
        let diagnostics: [Diagnostic] = {
            var checker = Checker()
            checker.machine = old
            guard case .checked(_, _, let found) = checker.check(SourceFile(path: "build.sh", text: gha)) else { return [] }
            return found
        }()
        #expect(diagnostics.map(\.message).allSatisfy { $0.contains("buildx v0.19.3 (on this machine)") })
        #expect(diagnostics.count == 2)
        // With a current buildx, the builder's BuildKit v0.22.0 passes too; an old one would be named.
        let oldKit = LiveMachine(
            builders: [LiveBuilder(name: "old", driverName: "remote", isCurrent: true, nodes: [
                LiveBuilder.Node(name: "old0", endpoint: "tcp://k:1234", status: "running", buildkitVersion: "v0.18.2", platforms: [], labels: [:])
            ])],
            selected: "old", selectedBy: "current", engineStore: .classic, engineVersion: nil, buildxVersion: "v0.36.1", emulators: [])
        #expect(findings(gha, on: oldKit) == ["1:gha-cache-legacy-service:error"])
        var checker = Checker()
        checker.machine = oldKit
        guard case .checked(_, _, let found) = checker.check(SourceFile(path: "build.sh", text: gha)) else { return }
        #expect(found.first?.message.contains("BuildKit v0.18.2 (builder `old` on this machine)") == true)
        // A release-less buildx (a distribution build) and a current one leave the rules silent.
        let current = try machine("ls-json-2025-two-builders.jsonl", selected: "bla", engineStore: .classic, buildx: "v0.36.1")
        #expect(findings(gha, on: current) == [])
    }

    @Test func theGuardFailsExactlyOnErrors() throws {
        let classic = try machine("ls-json-v0.29.1-classic-engine.jsonl", engineStore: .classic)
        let failing = BuildGuard.check(["docker", "buildx", "build", "--cache-to", "type=registry,ref=r.example/a:c", "."], on: classic)
        #expect(failing.buildCount == 1)
        #expect(failing.wouldFail)
        #expect(failing.file.text == "docker buildx build --cache-to type=registry,ref=r.example/a:c .\n")
        let onDC = BuildGuard.check(["docker", "buildx", "build", "--builder", "bk-dc", "--cache-to", "type=registry,ref=r.example/a:c", "."], on: classic)
        #expect(!onDC.wouldFail)
        #expect(onDC.diagnostics.isEmpty)
        // A skipped import costs the cache, not the build.
        let skipped = BuildGuard.check(["docker", "buildx", "build", "--cache-from", "type=gha,token=t,url=http://127.0.0.1:9/", "."], on: classic)
        #expect(skipped.diagnostics.map(\.rule) == ["cache-import-unsupported-by-driver"])
        #expect(!skipped.wouldFail)
        #expect(BuildGuard.check(["ls", "-l"], on: classic).buildCount == 0)
    }

    @Test func theGuardQuotesWordsAsTheShellReadsThemBack() throws {
        let classic = try machine("ls-json-v0.29.1-classic-engine.jsonl", engineStore: .classic)
        let result = BuildGuard.check(["docker", "buildx", "build", "--build-arg", "A=it's here", "-t", "x:1", "$HOME"], on: classic)
        #expect(result.file.text == "docker buildx build --build-arg 'A=it'\\''s here' -t x:1 '$HOME'\n")
    }
}

/// A stand-in docker CLI: a shell script that answers `info`, `buildx version`, `buildx ls` and `buildx
/// inspect` with recorded outputs, so the probe's choices (which command, which builder) are tested without
/// a daemon.
private func fakeDocker(buildx: String, infoFails: Bool = false, slow: Bool = false) throws -> (docker: String, folder: URL) {
    let folder = try temporaryFolder()
    for name in ["ls-json-v0.29.1-classic-engine.jsonl", "inspect-v0.11-docker.txt", "inspect-v0.29.1-remote.txt"] {
        try builderFixture(name).write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let script = """
        #!/bin/sh
        echo "$*" >> "\(folder.path)/calls"
        \(slow ? "sleep 30" : ":")
        case "$*" in
          "info --format "*) \(infoFails ? "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1" : "printf '[[\"Backing Filesystem\",\"extfs\"]]\\t28.5.2\\n'") ;;
          "buildx version") echo "github.com/docker/buildx \(buildx) 0123abc" ;;
          "buildx ls --format json") cat "\(folder.path)/ls-json-v0.29.1-classic-engine.jsonl" ;;
          "buildx inspect") cat "\(folder.path)/inspect-v0.11-docker.txt" ;;
          "buildx inspect bk-remote") cat "\(folder.path)/inspect-v0.29.1-remote.txt" ;;
          "buildx inspect "*) echo "ERROR: no builder found" >&2; exit 1 ;;
          *) echo "unexpected: $*" >&2; exit 99 ;;
        esac
        """
    let docker = folder.appendingPathComponent("docker")
    try script.write(to: docker, atomically: true, encoding: .utf8)
    chmod(docker.path, 0o755)
    return (docker.path, folder)
}

private func calls(_ folder: URL) -> [String] {
    ((try? String(contentsOf: folder.appendingPathComponent("calls"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

@Suite("Live builder: the probe's commands")
struct LiveProbeTests {
    private let environment = ["PATH": "/usr/bin:/bin"]

    @Test func currentBuildxListsBuildersAndTakesTheCurrentOne() throws {
        let (docker, folder) = try fakeDocker(buildx: "v0.36.1")
        let machine = try LiveProbe(docker: docker, environment: environment, binfmtFolder: folder.path + "/none").read()
        #expect(calls(folder) == ["info --format {{json .DriverStatus}}\t{{.ServerVersion}}", "buildx version", "buildx ls --format json"])
        #expect(machine.selected == "default")
        #expect(machine.selectedBy == "current")
        #expect(machine.engineStore == .classic)
        #expect(machine.engineVersion == "28.5.2")
        #expect(machine.buildxVersion == "v0.36.1")
        #expect(machine.builders.count == 4)
        #expect(machine.emulators == [])
    }

    @Test func buildxBuilderChoosesUnlessBuilderIsGiven() throws {
        let (docker, folder) = try fakeDocker(buildx: "v0.36.1")
        let fromEnvironment = try LiveProbe(docker: docker, environment: environment.merging(["BUILDX_BUILDER": "bk-dc"]) { $1 }).read()
        #expect(fromEnvironment.selected == "bk-dc")
        #expect(fromEnvironment.selectedBy == "BUILDX_BUILDER")
        let given = try LiveProbe(docker: docker, environment: environment.merging(["BUILDX_BUILDER": "bk-dc"]) { $1 }).read(builder: "bk-remote")
        #expect(given.selected == "bk-remote")
        #expect(given.selectedBy == "--builder")
        #expect(throws: LiveBuilderError.noSuchBuilder("nope", known: ["bk-cache-gt", "bk-dc", "bk-remote", "default"])) {
            try LiveProbe(docker: docker, environment: environment).read(builder: "nope")
        }
        #expect(calls(folder).filter { $0.hasPrefix("buildx inspect") }.isEmpty)
    }

    @Test func buildxBefore013IsReadWithInspect() throws {
        let (docker, folder) = try fakeDocker(buildx: "v0.12.1")
        let current = try LiveProbe(docker: docker, environment: environment).read()
        #expect(calls(folder).last == "buildx inspect")
        #expect(current.selected == "default")
        // Old inspect prints no labels: docker info decides the store.
        #expect(current.selectedBuilder?.driver(engineStore: current.engineStore) == .docker(.classic))
        let named = try LiveProbe(docker: docker, environment: environment).read(builder: "bk-remote")
        #expect(calls(folder).last == "buildx inspect bk-remote")
        #expect(named.selectedBuilder?.driver(engineStore: nil) == .remote)
        #expect(throws: LiveBuilderError.noSuchBuilder("gone", known: [])) {
            try LiveProbe(docker: docker, environment: environment).read(builder: "gone")
        }
    }

    @Test func aMissingCLIOrDaemonIsOneError() throws {
        #expect(throws: LiveBuilderError.dockerNotFound("docker")) {
            try LiveProbe(docker: "docker", environment: ["PATH": "/nonexistent"]).read()
        }
        let (docker, _) = try fakeDocker(buildx: "v0.36.1", infoFails: true)
        #expect(
            throws: LiveBuilderError.daemonUnreachable(
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
        ) {
            try LiveProbe(docker: docker, environment: environment).read()
        }
    }

    @Test func aCommandThatHangsIsStopped() throws {
        let (docker, _) = try fakeDocker(buildx: "v0.36.1", slow: true)
        let start = Date()
        #expect(throws: LiveBuilderError.timedOut(command: "\(docker) info --format {{json .DriverStatus}}\t{{.ServerVersion}}", seconds: 0.5)) {
            try LiveProbe(docker: docker, environment: environment, timeout: 0.5).read()
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func emulatorsAreReadFromTheBinfmtFolder() throws {
        let (docker, folder) = try fakeDocker(buildx: "v0.36.1")
        let binfmt = folder.appendingPathComponent("binfmt")
        try FileManager.default.createDirectory(at: binfmt, withIntermediateDirectories: true)
        try "enabled\ninterpreter /usr/bin/qemu-aarch64\n".write(to: binfmt.appendingPathComponent("qemu-aarch64"), atomically: true, encoding: .utf8)
        try "disabled\n".write(to: binfmt.appendingPathComponent("qemu-riscv64"), atomically: true, encoding: .utf8)
        try "enabled\n".write(to: binfmt.appendingPathComponent("status"), atomically: true, encoding: .utf8)
        try "".write(to: binfmt.appendingPathComponent("register"), atomically: true, encoding: .utf8)
        let machine = try LiveProbe(docker: docker, environment: environment, binfmtFolder: binfmt.path).read()
        #expect(machine.emulators == [Emulator(name: "qemu-aarch64", isEnabled: true), Emulator(name: "qemu-riscv64", isEnabled: false)])
        let text = try #require(BuilderReport(machine)).text()
        #expect(text.contains("emulators  linux/arm64 (qemu-aarch64)\n"))
    }
}
