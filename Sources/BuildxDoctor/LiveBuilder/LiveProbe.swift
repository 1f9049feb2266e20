import BuildxModel
import Foundation

/// Reads this machine's builders without changing anything: `docker info`, `docker buildx version`,
/// `docker buildx ls --format json` (buildx ≥ v0.13.0) or `docker buildx inspect` (older buildx), and the
/// emulators registered in `/proc/sys/fs/binfmt_misc`. Never `--bootstrap`: a builder that is not running
/// stays stopped, and its BuildKit version and platforms are reported as unknown.
public struct LiveProbe: Sendable {
    /// The docker CLI: a path, or a name looked up in `environment`'s `PATH`.
    public let docker: String
    /// The environment docker runs with (`DOCKER_HOST`, `DOCKER_CONFIG`, `DOCKER_CONTEXT`, `BUILDX_BUILDER`…).
    public let environment: [String: String]
    /// Seconds each command may run.
    public let timeout: Double
    /// Where the kernel lists registered binary formats.
    public let binfmtFolder: String

    /// The first buildx with `ls --format json` (`docker/buildx` commit `20c947990`).
    static let firstBuildxWithListFormat = SemanticVersion(0, 13, 0)

    public init(
        docker: String = "docker", environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 20,
        binfmtFolder: String = "/proc/sys/fs/binfmt_misc"
    ) {
        self.docker = docker
        self.environment = environment
        self.timeout = timeout
        self.binfmtFolder = binfmtFolder
    }

    /// Reads the machine; `builder` names the builder builds use (`--builder`), else `BUILDX_BUILDER` or the
    /// current builder decides, as buildx decides (`docker/buildx commands/root.go`: the `--builder` flag defaults to `BUILDX_BUILDER`).
    public func read(builder requested: String? = nil) throws(LiveBuilderError) -> LiveMachine {
        let command = TimedCommand(executable: docker, environment: environment, timeout: timeout)
        guard command.resolvedExecutable != nil else { throw .dockerNotFound(docker) }
        let info = try command.run(["info", "--format", "{{json .DriverStatus}}\t{{.ServerVersion}}"])
        guard info.status == 0 else { throw .daemonUnreachable(info.firstErrorLine) }
        let infoParts = info.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t", maxSplits: 1)
        let engineStore = infoParts.first.flatMap { LiveBuilderParsing.imageStore(fromDriverStatus: String($0)) }
        let engineVersion = infoParts.count > 1 ? String(infoParts[1]) : nil

        let version = try command.run(["buildx", "version"])
        guard version.status == 0 else {
            throw .commandFailed(command: "\(docker) buildx version", status: version.status, message: version.firstErrorLine)
        }
        let buildxVersion = LiveBuilderParsing.buildxVersion(from: version.standardOutput)

        let fromEnvironment = environment["BUILDX_BUILDER"].flatMap { $0.isEmpty ? nil : $0 }
        let name = requested ?? fromEnvironment
        let selectedBy = requested != nil ? "--builder" : fromEnvironment != nil ? "BUILDX_BUILDER" : "current"
        var builders: [LiveBuilder]
        if let release = buildxVersion.flatMap(LiveBuilder.releaseVersion), release < Self.firstBuildxWithListFormat {
            let arguments = ["buildx", "inspect"] + (name.map { [$0] } ?? [])
            let inspect = try command.run(arguments)
            guard inspect.status == 0 else {
                if let name { throw .noSuchBuilder(name, known: []) }
                throw .commandFailed(command: "\(docker) \(arguments.joined(separator: " "))", status: inspect.status, message: inspect.firstErrorLine)
            }
            builders = [try LiveBuilderParsing.builder(fromInspect: inspect.standardOutput, isCurrent: name == nil)]
        } else {
            let list = try command.run(["buildx", "ls", "--format", "json"])
            guard list.status == 0 else {
                throw .commandFailed(command: "\(docker) buildx ls --format json", status: list.status, message: list.firstErrorLine)
            }
            builders = try LiveBuilderParsing.builders(fromListJSON: list.standardOutput)
        }
        let selected: String
        if let name {
            guard builders.contains(where: { $0.name == name }) else { throw .noSuchBuilder(name, known: builders.map(\.name)) }
            selected = name
        } else {
            guard let current = builders.first(where: \.isCurrent) else {
                throw .unreadableOutput(command: "\(docker) buildx ls --format json", line: 1, reason: "no builder is marked current")
            }
            selected = current.name
        }
        return LiveMachine(
            builders: builders, selected: selected, selectedBy: selectedBy, engineStore: engineStore, engineVersion: engineVersion,
            buildxVersion: buildxVersion, emulators: emulators())
    }

    /// The registered binary formats, by name; none when the folder is not mounted.
    func emulators() -> [Emulator] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: binfmtFolder)) ?? []).sorted()
        return names.filter { $0 != "register" && $0 != "status" }.compactMap { name in
            guard let contents = try? String(contentsOfFile: binfmtFolder + "/" + name, encoding: .utf8) else { return nil }
            return LiveBuilderParsing.emulator(name: name, contents: contents)
        }
    }
}
