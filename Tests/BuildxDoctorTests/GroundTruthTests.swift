import BuildxDoctor
import BuildxModel
import Foundation
import Testing

extension Tag {
    /// Tests that run real builds on the testbed (Scripts/testbed.sh).
    @Tag static var groundTruth: Self
}

/// The testbed Scripts/testbed.sh started, read from its env file; `nil` when it is not up.
struct Testbed: Sendable {
    let docker: String
    let dockerConfig: String
    let path: String
    let hosts: [ImageStore: String]
    let registry: String
    /// Builders of BuildKit drivers (`Scripts/testbed.sh start --full`), by driver.
    let builders: [Driver: String]
    /// Every line of the env file (`TESTBED_BUILDX_VERSION`, `TESTBED_ENGINE_VERSION`…).
    let values: [String: String]

    /// The drivers this testbed can build on.
    var drivers: [Driver] { [.docker(.classic), .docker(.containerd)] + [Driver.remote, .dockerContainer].filter { builders[$0] != nil } }

    /// Where Scripts/testbed.sh keeps its work folder and its env file.
    static let folder = ProcessInfo.processInfo.environment["BUILDX_DOCTOR_TESTBED"] ?? "/tmp/buildx-doctor-testbed"

    static let current: Testbed? = {
        guard let text = try? String(contentsOfFile: folder + "/env", encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let (key, value) = String(line).splitPair()
            values[key] = value
        }
        guard let docker = values["TESTBED_DOCKER"], let config = values["TESTBED_DOCKER_CONFIG"],
            let classic = values["TESTBED_CLASSIC_HOST"], let containerd = values["TESTBED_CONTAINERD_HOST"]
        else { return nil }
        var builders: [Driver: String] = [:]
        builders[.remote] = values["TESTBED_REMOTE_BUILDER"]
        builders[.dockerContainer] = values["TESTBED_CONTAINER_BUILDER"]
        return Testbed(
            docker: docker, dockerConfig: config, path: values["TESTBED_PATH"] ?? "",
            hosts: [.classic: classic, .containerd: containerd], registry: values["TESTBED_REGISTRY"] ?? "127.0.0.1:5000",
            builders: builders, values: values)
    }()

    /// The engine builds on a driver talk to: the docker driver's own, the classic one for the BuildKit
    /// builders (which run beside it).
    func store(of driver: Driver) -> ImageStore {
        if case .docker(let engine) = driver { return engine }
        return .classic
    }

    /// The environment docker runs with for builds on a driver. No traffic may leave the machine: s3 gets
    /// dummy keys and no metadata service lookups.
    func environment(for driver: Driver) -> [String: String] {
        [
            "DOCKER_HOST": hosts[store(of: driver)]!, "DOCKER_CONFIG": dockerConfig, "PATH": path, "HOME": NSTemporaryDirectory(),
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "testbed", "AWS_SECRET_ACCESS_KEY": "testbed",
            "BUILDX_NO_DEFAULT_ATTESTATIONS": "1",
        ]
    }

    /// Empties a builder's build cache (`docker builder prune` for an engine's own builder), so a later
    /// `CACHED` step can only come from an imported cache.
    func prune(_ driver: Driver) throws {
        let arguments = builders[driver].map { ["buildx", "prune", "--all", "--force", "--builder", $0] } ?? ["builder", "prune", "--all", "--force"]
        let result = try spawn(URL(fileURLWithPath: docker), arguments, environment: environment(for: driver))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }

    /// Runs `docker buildx build` of a `FROM scratch` context on a driver: the docker driver of one engine,
    /// or a BuildKit builder (which runs beside the classic engine).
    func build(_ arguments: [String], on driver: Driver) throws -> CommandResult {
        let builder = builders[driver].map { ["--builder", $0] } ?? []
        let context = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: context) }
        try "hello\n".write(to: context.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        try "FROM scratch\nCOPY file /file\n".write(to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: docker)
        process.arguments = ["buildx", "build", "--progress", "plain"] + builder + arguments + [context.path]
        process.environment = environment(for: driver)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }
}

extension String {
    fileprivate func splitPair() -> (String, String) {
        guard let equals = firstIndex(of: "=") else { return (self, "") }
        return (String(self[..<equals]), String(self[index(after: equals)...]))
    }
}

/// One cell of the driver × backend × direction matrix.
struct MatrixCell: CustomTestStringConvertible, Sendable {
    let driver: Driver
    let backend: CacheBackend
    let direction: CacheDirection
    var testDescription: String { "\(driver) \(direction.flag) type=\(backend.rawValue)" }
}

/// What a real build did with a cache entry.
enum ObservedOutcome: Equatable, CustomStringConvertible {
    case refusedByBuildx
    case unknownToDaemon
    case importSkipped
    /// The driver took the entry (the build may still fail talking to a backend that is not there).
    case accepted

    init(_ result: CommandResult, direction: CacheDirection) {
        let text = result.stdout
        if text.contains("is not supported for the docker driver") {
            self = .refusedByBuildx
        } else if text.contains("unknown cache exporter") {
            self = .unknownToDaemon
        } else if text.contains("unknown cache importer") {
            self = .importSkipped
        } else {
            self = .accepted
        }
    }

    init(predicted support: CacheSupport) {
        switch support {
        case .supported: self = .accepted
        case .refusedByBuildx: self = .refusedByBuildx
        case .refusedByDaemon: self = .unknownToDaemon
        case .importSkipped: self = .importSkipped
        }
    }

    var description: String {
        switch self {
        case .refusedByBuildx: "refused by buildx"
        case .unknownToDaemon: "unknown to the daemon"
        case .importSkipped: "import skipped"
        case .accepted: "accepted"
        }
    }
}

let matrixCells = (Testbed.current?.drivers ?? []).flatMap { driver in
    CacheBackend.allCases.flatMap { backend in CacheDirection.allCases.map { MatrixCell(driver: driver, backend: backend, direction: $0) } }
}

/// The model against a real Docker Engine and buildx (issue: ground truth). Each test builds for real.
private let groundTruthCanRun = outsideInput(
    for: "Ground truth on a real engine", isAvailable: Testbed.current != nil,
    otherwise: "no testbed is running (no \(Testbed.folder)/env; `Scripts/testbed.sh start --full` starts one, as .ci/run does)")

/// The one ground-truth test that needs a `docker-container` builder, which only `start --full` makes. Without
/// any testbed the suite's own condition skips it, so that case is not announced twice.
private let containerBuilderIsUp = outsideInput(
    for: "Ground truth: seedWorksAfterFixOnADockerContainerBuilder",
    isAvailable: Testbed.current.map { $0.builders[.dockerContainer] != nil } ?? true,
    otherwise: "the testbed has no docker-container builder (`Scripts/testbed.sh start --full` makes one)")

@Suite("Ground truth on a real engine", .tags(.groundTruth), .enabled(if: groundTruthCanRun), .serialized)
struct GroundTruthTests {
    let testbed = Testbed.current!

    /// A cache entry for the backend whose only failure can come from the driver or the daemon: every
    /// endpoint is on loopback, with the attributes buildx needs to keep the entry.
    private func entry(_ backend: CacheBackend, _ direction: CacheDirection, _ driver: Driver) throws -> String {
        switch backend {
        case .inline: return "type=inline"
        case .registry: return "type=registry,ref=\(testbed.registry)/matrix:\(driver.name)-\(driver.description.count)-cache"
        case .local:
            let folder = try temporaryFolder().path
            return direction == .export ? "type=local,dest=\(folder)" : "type=local,src=\(folder)"
        case .gha: return "type=gha,token=testbed,url=http://127.0.0.1:9/"
        case .s3:
            return "type=s3,region=us-east-1,bucket=testbed,endpoint_url=http://127.0.0.1:9,access_key_id=testbed,secret_access_key=testbed"
        case .azblob: return "type=azblob,account_url=http://127.0.0.1:9/testbed,name=testbed"
        }
    }

    /// A real cache to import for the backends the testbed serves (registry, local): exported on the
    /// containerd engine's own builder (which exports both), then the cell's builder is pruned, so a cache
    /// hit can only come from the import. A `local` source that does not exist would be dropped by buildx on
    /// the client (`moby/buildkit client/solve.go` `parseCacheOptions`) and prove nothing.
    private func importableCache(_ backend: CacheBackend, for driver: Driver) throws -> String? {
        let tag = "\(driver.name)-\(testbed.store(of: driver) == .classic ? "classic" : "containerd")"
        let spec: String
        switch backend {
        case .registry: spec = "type=registry,ref=\(testbed.registry)/matrix-import:\(tag)"
        case .local: spec = "type=local,src=\(try temporaryFolder().path)"
        default: return nil
        }
        let export = spec.replacingOccurrences(of: "src=", with: "dest=") + ",mode=max"
        let exported = try testbed.build(["--cache-to", export], on: .docker(.containerd))
        #expect(exported.status == 0, "exporting the cache to import: \(exported.stdout.suffix(300))")
        try testbed.prune(driver)
        return spec
    }

    /// What the log shows when the builder really used an entry the model calls supported: the export or
    /// import step, and for imports of a real cache the `COPY` step served from it. gha, s3 and azblob have
    /// no service on the testbed, so there the evidence is the daemon's own exporter or importer trying.
    private func usedTheEntry(_ cell: MatrixCell, _ spec: String, _ result: CommandResult) -> Bool {
        let log = result.stdout
        switch (cell.direction, cell.backend) {
        case (.export, .inline): return result.status == 0 && log.contains("preparing layers for inline cache")
        case (.export, .registry): return result.status == 0 && log.contains("exporting cache to registry")
        case (.export, .local):
            let folder = spec.components(separatedBy: "dest=").last ?? ""
            return result.status == 0 && log.contains("exporting cache to client directory")
                && FileManager.default.fileExists(atPath: folder + "/index.json")
        case (.export, .gha): return log.contains("failed to configure gha cache exporter")
        case (.export, .s3): return log.contains("operation error S3")
        case (.export, .azblob): return log.contains("failed to configure azblob cache exporter")
        case (.import, .registry), (.import, .local):
            return result.status == 0 && log.contains("importing cache manifest from") && Self.copyWasCached(log)
        case (.import, let backend): return result.status == 0 && log.contains("importing cache manifest from \(backend.rawValue):")
        }
    }

    /// Whether the build's `COPY file /file` step shows `CACHED` (`#N [1/1] COPY …` then `#N CACHED`).
    static func copyWasCached(_ log: String) -> Bool {
        let lines = log.split(separator: "\n").map(String.init)
        guard let copy = lines.first(where: { $0.hasSuffix("COPY file /file") }), let step = copy.split(separator: " ").first else { return false }
        return lines.contains("\(step) CACHED")
    }

    @Test(arguments: matrixCells)
    func cacheMatrixCellMatchesTheModel(_ cell: MatrixCell) throws {
        var spec = try entry(cell.backend, cell.direction, cell.driver)
        var arguments: [String] = []
        if cell.direction == .import, let cache = try importableCache(cell.backend, for: cell.driver) { spec = cache }
        // An inline cache travels in an image: without an image output a BuildKit builder makes none.
        if cell.direction == .export, cell.backend == .inline, testbed.builders[cell.driver] != nil {
            arguments = ["--output", "type=image,name=\(testbed.registry)/matrix:inline-\(cell.driver.name)"]
        }
        let result = try testbed.build(["--\(cell.direction.flag)", spec] + arguments, on: cell.driver)
        let predicted = cell.backend.support(cell.direction, on: cell.driver)
        let observed = ObservedOutcome(result, direction: cell.direction)
        #expect(observed == ObservedOutcome(predicted: predicted), "\(cell.testDescription): \(result.stdout.suffix(400))")
        GroundTruthRecord.append(
            "| \(cell.driver) | \(cell.backend.rawValue) | \(cell.direction.flag) | \(observed) | exit \(result.status) |")
        if predicted.failsBuild { #expect(result.status != 0) }
        if predicted == .supported {
            #expect(usedTheEntry(cell, spec, result), "\(cell.testDescription) is supported but the log does not show it used: \(result.stdout.suffix(600))")
        }
        if case .importSkipped = predicted { #expect(result.status == 0, "a skipped import must not fail the build") }
        // Every refusal buildx or the daemon printed is one explain recognises.
        if observed != .accepted {
            let explained = LogScanner.standard.scan(Array(result.stdout.utf8)).explanations.map(\.signature.id)
            let expected =
                switch observed {
                case .refusedByBuildx: "cache-export-docker-driver"
                case .unknownToDaemon: "unknown-cache-exporter"
                default: "unknown-cache-importer"
                }
            #expect(explained.contains(expected), "\(explained)")
        }
    }

    @Test(arguments: Testbed.current?.drivers ?? [])
    func driverFeaturesMatchTheModel(_ driver: Driver) throws {
        let store = driver.name
        let checks: [(DriverFeature, [String], String)] = [
            (.multiPlatform, ["--platform", "linux/amd64,linux/arm64"], "multi-platform-docker-driver"),
            (.ociExporter, ["--output", "type=oci,dest=\(NSTemporaryDirectory())gt-\(store).tar"], "oci-exporter-docker-driver"),
            (.dockerExporter, ["--output", "type=docker,dest=\(NSTemporaryDirectory())gt-\(store)-docker.tar"], "docker-exporter-docker-driver"),
            (.attestation, ["--attest", "type=provenance,mode=min", "--output", "type=image,name=\(testbed.registry)/gt:att"], "attestation-docker-driver"),
        ]
        for (feature, arguments, signature) in checks {
            let result = try testbed.build(arguments, on: driver)
            let refused = result.stdout.contains("\(feature.rawValue) is not supported for the docker driver")
            #expect(refused == !driver.supports(feature), "\(feature.rawValue) on \(driver): \(result.stdout.suffix(300))")
            if refused {
                #expect(result.status != 0)
                #expect(LogScanner.standard.scan(Array(result.stdout.utf8)).explanations.map(\.signature.id).contains(signature))
            }
        }
        // `--load` of two platforms: the engine the image goes to decides, whatever the builder. buildx checks
        // the docker exporter before the driver's multi-platform feature, so the classic store answers with the
        // manifest-list error even on its own driver.
        let load = try testbed.build(["--platform", "linux/amd64,linux/arm64", "--load"], on: driver)
        let loads = testbed.store(of: driver).loadsManifestLists
        #expect((load.status == 0) == loads, "--load of two platforms on \(driver): \(load.stdout.suffix(300))")
        if !loads {
            #expect(load.stdout.contains("ERROR: failed to build: docker exporter does not currently support exporting manifest lists"), "\(load.stdout.suffix(300))")
            #expect(!load.stdout.contains("is not supported for the docker driver"))
            #expect(LogScanner.standard.scan(Array(load.stdout.utf8)).explanations.map(\.signature.id).contains("load-manifest-list"))
        }
    }

    /// `--load` of two platforms: the target Docker Engine decides (`docker/buildx
    /// build/opt.go` uses the OCI exporter only when `util/dockerutil/client.go` sees the containerd store). On the classic
    /// engine's own driver and on a BuildKit builder beside it, it fails as `load-multi-platform` says; with the containerd
    /// store it works.
    @Test func loadingTwoPlatformsDependsOnTheTargetEngine() throws {
        let arguments = ["--platform", "linux/amd64,linux/arm64", "--load", "-t", "gt-load:latest"]
        let containerd = try testbed.build(arguments, on: .docker(.containerd))
        #expect(containerd.status == 0, "\(containerd.stdout.suffix(300))")
        // On the classic engine's own driver the docker exporter is checked before the driver's
        // multi-platform feature: the log shows the manifest-list error, which load-multi-platform reports.
        let classic = try testbed.build(arguments, on: .docker(.classic))
        #expect(classic.status != 0)
        #expect(classic.stdout.contains("docker exporter does not currently support exporting manifest lists"), "\(classic.stdout.suffix(300))")
        let onDefaultBuilder = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      platforms: linux/amd64,linux/arm64
                      load: true
            """
        #expect(diagnostics(onDefaultBuilder).map(\.rule) == ["load-multi-platform"])
        guard testbed.builders[.dockerContainer] != nil else { return }
        let beside = try testbed.build(arguments, on: .dockerContainer)
        #expect(beside.status != 0)
        #expect(beside.stdout.contains("docker exporter does not currently support exporting manifest lists"), "\(beside.stdout.suffix(300))")
        #expect(LogScanner.standard.scan(Array(beside.stdout.utf8)).explanations.map(\.signature.id).contains("load-manifest-list"))
        let workflow = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/setup-buildx-action@v4
                  - uses: docker/build-push-action@v6
                    with:
                      platforms: linux/amd64,linux/arm64
                      load: true
            """
        #expect(diagnostics(workflow).map(\.rule) == ["load-multi-platform"])
    }

    /// The seed: its two cache-to entries as one `docker buildx build`. On the classic store the build
    /// fails where `check` says; with the containerd store (the other fix the error suggests) both
    /// caches are exported.
    @Test func seedFailsWhereCheckSaysAndExportsWithTheContainerdStore() throws {
        let yaml = try fixture("seed-failing.yml")
        let findings = diagnostics(yaml).filter { $0.rule == "cache-export-unsupported-by-driver" }
        #expect(findings.count == 2)
        let localCache = try temporaryFolder()
        let arguments = [
            "--cache-to", "type=registry,ref=\(testbed.registry)/acme/widget:cache,mode=max",
            "--cache-to", "type=local,dest=\(localCache.path),mode=max",
        ]
        let classic = try testbed.build(arguments, on: .docker(.classic))
        #expect(classic.status != 0)
        #expect(classic.stdout.contains("Cache export is not supported for the docker driver."))
        #expect(LogScanner.standard.scan(Array(classic.stdout.utf8)).explanations.first?.signature.rule == findings.first?.rule)

        let containerd = try testbed.build(arguments, on: .docker(.containerd))
        #expect(containerd.status == 0, "\(containerd.stdout.suffix(400))")
        #expect(FileManager.default.fileExists(atPath: localCache.appendingPathComponent("index.json").path))
        #expect(containerd.stdout.contains("exporting cache to registry"))
    }

    /// After `fix`, the seed builds on the docker-container builder setup-buildx-action creates, and exports
    /// both caches.
    @Test(.enabled(if: containerBuilderIsUp))
    func seedWorksAfterFixOnADockerContainerBuilder() throws {
        let fixed = Fixer().fix(SourceFile(path: "build.yml", text: try fixture("seed-failing.yml")))
        let text = String(decoding: fixed.fixed, as: UTF8.self)
        #expect(text.contains("uses: docker/setup-buildx-action@v4"))
        #expect(diagnostics(text).filter { $0.rule == "cache-export-unsupported-by-driver" }.isEmpty)
        let localCache = try temporaryFolder()
        let result = try testbed.build(
            [
                "--cache-to", "type=registry,ref=\(testbed.registry)/acme/widget:cache-fixed,mode=max",
                "--cache-to", "type=local,dest=\(localCache.path),mode=max",
            ], on: .dockerContainer)
        #expect(result.status == 0, "\(result.stdout.suffix(400))")
        #expect(FileManager.default.fileExists(atPath: localCache.appendingPathComponent("index.json").path))
        #expect(result.stdout.contains("exporting cache to registry"))
    }
}

/// Where Scripts/ground-truth.sh collects the observed matrix (BUILDX_DOCTOR_GROUND_TRUTH_REPORT).
enum GroundTruthRecord {
    static func append(_ row: String) {
        guard let path = ProcessInfo.processInfo.environment["BUILDX_DOCTOR_GROUND_TRUTH_REPORT"],
            let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
        else { return }
        handle.seekToEndOfFile()
        handle.write(Data((row + "\n").utf8))
        try? handle.close()
    }
}
