import Testing

@testable import BuildxModel

@Suite("Versions, outputs, attribute values and action inputs")
struct VersionAndOutputTests {
    @Test(arguments: [
        ("v0.20.1", SemanticVersion(0, 20, 1)), ("0.21", SemanticVersion(0, 21, 0)), ("v0.35.0-rc1", SemanticVersion(0, 35, 0)),
        ("v1", SemanticVersion(1, 0, 0)),
    ])
    func parsesVersions(_ text: String, _ expected: SemanticVersion) {
        #expect(SemanticVersion(parsing: text) == expected)
    }

    @Test(arguments: ["latest", "master", "", "v0.x", "${{ inputs.version }}", "buildx-stable-1"])
    func rejectsNonVersions(_ text: String) {
        #expect(SemanticVersion(parsing: text) == nil)
    }

    @Test func versionsOrderNumerically() {
        #expect(SemanticVersion(0, 9, 0) < SemanticVersion(0, 20, 0))
        #expect(!(VersionFacts.buildxLocalCacheReset < SemanticVersion(0, 35, 0)))
    }

    @Test func outputsNeedingDriverFeatures() {
        #expect(OutputSpec(parsing: "type=oci,dest=out.tar")?.requiredFeature == .ociExporter)
        #expect(OutputSpec(parsing: "type=docker,dest=out.tar")?.requiredFeature == .dockerExporter)
        #expect(OutputSpec(parsing: "type=docker")?.requiredFeature == nil)
        #expect(OutputSpec(parsing: "./out")?.type == "local")
        #expect(OutputSpec(parsing: "-")?.type == "tar")
        #expect(OutputSpec(parsing: "type=image,\"name=a,b\",push=true")?.attributes["name"] == "a,b")
    }

    @Test(arguments: [
        ("10m", true), ("1h30m", true), ("1.5s", true), ("0", true), ("10", false), ("ten minutes", false), ("", false),
    ])
    func goDurations(_ text: String, _ valid: Bool) throws {
        let timeout = try #require(CacheBackend.gha.attribute(named: "timeout"))
        #expect(timeout.accepts(text) == valid)
    }

    @Test func invalidValueEffectsAreBuildKits() throws {
        let mode = try #require(CacheBackend.registry.attribute(named: "mode"))
        #expect(mode.invalidValueEffect == .ignored)
        let compression = try #require(CacheBackend.local.attribute(named: "compression"))
        #expect(compression.invalidValueEffect == .fails("unsupported compression type {}"))
        #expect(!compression.accepts("lz4") && compression.accepts("zstd"))
        #expect(CacheBackend.gha.attribute(named: "compression") == nil)
    }

    @Test func actionInputsByMajor() throws {
        let v3 = try #require(DockerActionInputs.inputs(of: "docker/build-push-action", major: 3))
        let v6 = try #require(DockerActionInputs.inputs(of: "docker/build-push-action", major: 6))
        #expect(!v3.contains("provenance") && v6.contains("provenance") && v6.contains("annotations"))
        #expect(DockerActionInputs.inputs(of: "docker/build-push-action", major: 1)?.contains("cache_froms") == true)
        #expect(DockerActionInputs.inputs(of: "docker/setup-buildx-action", major: 4)?.contains("install") == false)
        #expect(DockerActionInputs.inputs(of: "docker/setup-buildx-action", major: 2)?.contains("platforms") == false)
        #expect(DockerActionInputs.anyVersionInputs(of: "docker/setup-buildx-action")?.contains("install") == true)
        #expect(DockerActionInputs.inputs(of: "actions/cache", major: 4) == nil)
    }
}
