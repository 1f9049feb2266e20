import BuildxDoctor
import BuildxModel
import Foundation
import Testing

/// The testbed's builders read live, and the command guard against real builds (issue: `buildx-doctor builder`).
private let liveTestbedCanRun = outsideInput(
    for: "Live builder on the testbed", isAvailable: Testbed.current != nil,
    otherwise: "no testbed is running (no \(Testbed.folder)/env; `Scripts/testbed.sh start --full` starts one, as .ci/run does)")

/// One command line of the guard matrix.
struct GuardCase: CustomTestStringConvertible, Sendable {
    let driver: Driver
    let name: String
    let arguments: [String]
    var testDescription: String { "\(driver): \(name)" }
}

extension Testbed {
    /// The testbed as `buildx-doctor builder` reads it for builds on `driver`.
    func live(_ driver: Driver) throws -> LiveMachine {
        try LiveProbe(docker: docker, environment: environment(for: driver), timeout: 60).read(builder: builders[driver])
    }

    /// The guard's matrix on one driver: every cache backend the testbed can serve (registry, local, inline;
    /// gha pointing at a closed port), two platforms, `--load` of two platforms, attestations.
    func guardCases(on driver: Driver) -> [GuardCase] {
        let tag = "\(driver.name)-\(store(of: driver) == .classic ? "classic" : "containerd")"
        let folder = NSTemporaryDirectory() + "bxd-guard-\(tag)"
        let gha = "type=gha,token=testbed,url=http://127.0.0.1:9/"
        let cases: [(String, [String])] = [
            ("cache-to registry", ["--cache-to", "type=registry,ref=\(registry)/live-guard:\(tag)-cache"]),
            ("cache-to local", ["--cache-to", "type=local,dest=\(folder)"]),
            ("cache-to inline", ["--cache-to", "type=inline"]),
            ("cache-to gha", ["--cache-to", gha]),
            ("cache-from registry", ["--cache-from", "type=registry,ref=\(registry)/live-guard:\(tag)-cache"]),
            ("cache-from gha", ["--cache-from", gha]),
            ("two platforms", ["--platform", "linux/amd64,linux/arm64"]),
            ("load of two platforms", ["--platform", "linux/amd64,linux/arm64", "--load", "-t", "live-guard-load:\(tag)"]),
            ("attestations", ["--attest", "type=provenance,mode=min"]),
        ]
        return cases.map { GuardCase(driver: driver, name: $0.0, arguments: $0.1) }
    }
}

private let guardCases = (Testbed.current?.drivers ?? []).flatMap { Testbed.current!.guardCases(on: $0) }

@Suite("Live builder on the testbed", .tags(.groundTruth), .enabled(if: liveTestbedCanRun), .serialized)
struct LiveBuilderGroundTruthTests {
    let testbed = Testbed.current!

    @Test(arguments: Testbed.current?.drivers ?? [])
    func readsEachBuilderAsTheEnvFileStates(_ driver: Driver) throws {
        let machine = try testbed.live(driver)
        let name = testbed.builders[driver] ?? "default"
        #expect(machine.selected == name)
        #expect(machine.selectedBy == (testbed.builders[driver] == nil ? "current" : "--builder"))
        let builder = try #require(machine.selectedBuilder)
        #expect(builder.driver(engineStore: machine.engineStore) == driver)
        #expect(machine.engineStore == testbed.store(of: driver))
        // TESTBED_BUILDX_VERSION is `docker buildx version`'s line; TESTBED_ENGINE_VERSION the server's version.
        #expect(machine.buildxVersion == testbed.values["TESTBED_BUILDX_VERSION"].flatMap { LiveBuilderParsing.buildxVersion(from: $0) })
        #expect(machine.engineVersion == testbed.values["TESTBED_ENGINE_VERSION"])
        #expect(builder.nodes.first?.status == "running")
        #expect(builder.platforms.first == "linux/amd64")
        let endpoint = builder.nodes.first?.endpoint ?? ""
        switch driver {
        case .docker: #expect(endpoint == "default")
        case .dockerContainer: #expect(endpoint == testbed.hosts[.classic])
        default: #expect(endpoint.hasSuffix("/run/buildkitd.sock"))
        }
        // The report names what it read.
        let report = try #require(BuilderReport(machine))
        #expect(report.text().hasPrefix("builder    \(name) (\(machine.selectedBy == "current" ? "the current builder" : "chosen by --builder")), \(driver)\n"))
    }

    /// Each command line of the matrix, guarded and then really built: the guard says it fails exactly when
    /// the build fails. gha has no service on the testbed, so where the model lets the driver take a gha
    /// export the build still fails configuring the exporter: that cell checks that the refusal did not
    /// come from buildx or the daemon, as the ground-truth matrix does.
    @Test(arguments: guardCases)
    func guardVerdictIsTheRealOutcome(_ guardCase: GuardCase) throws {
        let machine = try testbed.live(guardCase.driver)
        let builder = testbed.builders[guardCase.driver].map { ["--builder", $0] } ?? []
        let verdict = BuildGuard.check(["docker", "buildx", "build"] + builder + guardCase.arguments + ["."], on: machine)
        #expect(verdict.buildCount == 1)
        let real = try testbed.build(guardCase.arguments, on: guardCase.driver)
        defer {
            if guardCase.arguments.contains("--load"), let tag = guardCase.arguments.last {
                _ = try? spawn(URL(fileURLWithPath: testbed.docker), ["image", "rm", "-f", tag], environment: testbed.environment(for: guardCase.driver))
            }
        }
        let findings = verdict.diagnostics.map { "\($0.rule): \($0.message)" }
        if guardCase.name == "cache-to gha", !verdict.wouldFail {
            #expect(real.stdout.contains("failed to configure gha cache exporter"), "\(real.stdout.suffix(400))")
            return
        }
        #expect(verdict.wouldFail == (real.status != 0), "guard: \(findings); real exit \(real.status): \(real.stdout.suffix(400))")
    }

    /// The command line through the built binary, as a Makefile calls it: exit 1 with the findings, or 0.
    @Test func guardCommandLineExitsAsDocumented() throws {
        let environment = testbed.environment(for: .docker(.classic))
        let failing = try run(
            ["builder", "--docker", testbed.docker, "--", "docker", "buildx", "build", "--cache-to", "type=local,dest=/tmp/x", "."],
            environment: environment)
        #expect(failing.status == 1, "\(failing.stderr)")
        #expect(failing.stdout.contains("[cache-export-unsupported-by-driver]"))
        #expect(failing.stdout.hasSuffix("buildx-doctor: this command would fail on builder `default`\n"))
        let passing = try run(
            ["builder", "--docker", testbed.docker, "--", "docker", "buildx", "build", "--cache-to", "type=inline", "."], environment: environment)
        #expect(passing.status == 0, "\(passing.stderr)")
        #expect(passing.stdout == "buildx-doctor: this command would build on builder `default`\n")
        let json = try run(["builder", "--docker", testbed.docker, "--format", "json"], environment: testbed.environment(for: .docker(.containerd)))
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["engine"] as? [String: Any])?["imageStore"] as? String == "containerd")
        #expect((object?["capabilities"] as? [String: Any])?["loadManifestList"] as? Bool == true)
        let noDaemon = try run(["builder", "--docker", testbed.docker], environment: environment.merging(["DOCKER_HOST": "unix:///nonexistent/docker.sock"]) { $1 })
        #expect(noDaemon.status == 2)
        #expect(noDaemon.stderr.hasPrefix("buildx-doctor: error: the Docker daemon does not answer: "))
    }
}
