import BuildxModel

/// A builder as `docker buildx ls --format json` or `docker buildx inspect` reports it on a live machine
/// (`buildx-doctor builder`, `check --builder`). Only what the capability model needs is kept: the
/// driver, the nodes' BuildKit versions, platforms and worker labels.
public struct LiveBuilder: Sendable, Equatable {
    /// One BuildKit node of the builder (`docker/buildx builder/node.go`).
    public struct Node: Sendable, Equatable {
        public let name: String
        public let endpoint: String
        /// `running`, `inactive`, `error`… as buildx prints it; empty when it printed none.
        public let status: String
        /// The BuildKit version the node reports (`v0.23.2`; a commit or `v0.0.0+unknown` for builds
        /// made outside BuildKit's release process), as printed; `nil` when not printed.
        public let buildkitVersion: String?
        /// The node's platforms, without the `*` buildx puts after platforms set by hand.
        public let platforms: [String]
        /// The BuildKit worker labels; `nil` when the output does not show them (a node that is not running,
        /// or `inspect` of a buildx before v0.13, which prints no labels).
        public let labels: [String: String]?
        public let error: String?

        public init(
            name: String, endpoint: String, status: String, buildkitVersion: String?, platforms: [String],
            labels: [String: String]?, error: String? = nil
        ) {
            self.name = name
            self.endpoint = endpoint
            self.status = status
            self.buildkitVersion = buildkitVersion
            self.platforms = platforms
            self.labels = labels
            self.error = error
        }
    }

    public let name: String
    /// The driver's name as buildx prints it (`docker`, `docker-container`, `remote`, `kubernetes`, `cloud`…).
    public let driverName: String
    /// Whether buildx marks it as the current builder (`Current` in `ls --format json`).
    public let isCurrent: Bool
    public let nodes: [Node]
    public let error: String?

    public init(name: String, driverName: String, isCurrent: Bool, nodes: [Node], error: String? = nil) {
        self.name = name
        self.driverName = driverName
        self.isCurrent = isCurrent
        self.nodes = nodes
        self.error = error
    }

    /// The worker label Docker Engine's BuildKit sets only with the containerd image store; buildx's own test
    /// for that store (`docker/buildx driver/docker/driver.go` `Features()`, moby `builder-next/controller.go`).
    public static let snapshotterLabel = "org.mobyproject.buildkit.worker.snapshotter"

    /// The driver as the model knows it. For the `docker` driver the image store comes from the node's worker
    /// labels as buildx decides it, else from `engineStore` (`docker info`); `nil` when neither tells, or for
    /// a driver the model does not know (`cloud`).
    public func driver(engineStore: ImageStore?) -> Driver? {
        guard driverName == "docker" else { return Driver(name: driverName) }
        if let labels = nodes.first?.labels { return .docker(labels[Self.snapshotterLabel] != nil ? .containerd : .classic) }
        return engineStore.map(Driver.docker)
    }

    /// The BuildKit version of the first node, when it is a release: `v0.0.0+unknown` (BuildKit built by a
    /// distribution) and commit hashes say nothing about features.
    public var buildkitVersion: SemanticVersion? {
        nodes.first?.buildkitVersion.flatMap(LiveBuilder.releaseVersion)
    }

    /// Every node's platforms, in order, each once.
    public var platforms: [String] {
        var seen = Set<String>()
        return nodes.flatMap(\.platforms).filter { seen.insert($0).inserted }
    }

    /// A version that names a release: `v0.23.2`, `0.29.1+ds1`; `nil` for `v0.0.0+unknown` or a commit.
    static func releaseVersion(_ text: String) -> SemanticVersion? {
        guard let first = text.unicodeScalars.first, first == "v" || ("0"..."9").contains(first),
            let version = SemanticVersion(parsing: text), version != SemanticVersion(0, 0, 0)
        else { return nil }
        return version
    }
}

/// A QEMU emulator registered with the kernel (`/proc/sys/fs/binfmt_misc`, see the kernel's
/// `Documentation/admin-guide/binfmt-misc.rst`): BuildKit runs `RUN` steps of foreign platforms through it.
public struct Emulator: Sendable, Equatable {
    /// The entry's name (`qemu-aarch64`).
    public let name: String
    public let isEnabled: Bool
    /// The platform it runs, for the names tonistiigi/binfmt and qemu-user-static register; `nil` otherwise.
    public var platform: String? { Self.platforms[name.hasPrefix("qemu-") ? String(name.dropFirst(5)) : name] }

    public init(name: String, isEnabled: Bool) {
        self.name = name
        self.isEnabled = isEnabled
    }

    /// QEMU's architecture names and the platforms they run (tonistiigi/binfmt `cmd/binfmt/config.go`).
    private static let platforms: [String: String] = [
        "aarch64": "linux/arm64", "arm": "linux/arm/v7", "riscv64": "linux/riscv64", "ppc64le": "linux/ppc64le",
        "s390x": "linux/s390x", "i386": "linux/386", "x86_64": "linux/amd64", "mips64el": "linux/mips64le",
        "mips64": "linux/mips64", "loongarch64": "linux/loong64",
    ]
}

/// Everything read from a live machine: its builders, the builder builds use by default, the Docker
/// Engine's image store and the tools' versions. Handed to the builder simulation (`RunnerHost.thisMachine`)
/// as `RunnerFacts` are, so builds that run here are judged against the real builder.
public struct LiveMachine: Sendable, Equatable {
    /// The builders buildx knows here (only the selected one when read with `inspect`).
    public let builders: [LiveBuilder]
    /// The builder a build uses unless it names another: `--builder`, `BUILDX_BUILDER`, or the current one.
    public let selected: String
    /// How the selected builder was chosen, for the report: `--builder`, `BUILDX_BUILDER` or `current`.
    public let selectedBy: String
    /// The Docker Engine's image store (`docker info` `DriverStatus`): where `--load` sends images.
    public let engineStore: ImageStore?
    /// The Docker Engine's version as it prints it.
    public let engineVersion: String?
    /// buildx's version as `docker buildx version` prints it (`v0.36.1`, `0.29.1+ds1`).
    public let buildxVersion: String?
    public let emulators: [Emulator]

    public init(
        builders: [LiveBuilder], selected: String, selectedBy: String, engineStore: ImageStore?, engineVersion: String?,
        buildxVersion: String?, emulators: [Emulator]
    ) {
        self.builders = builders
        self.selected = selected
        self.selectedBy = selectedBy
        self.engineStore = engineStore
        self.engineVersion = engineVersion
        self.buildxVersion = buildxVersion
        self.emulators = emulators
    }

    public func builder(named name: String) -> LiveBuilder? { builders.first { $0.name == name } }

    public var selectedBuilder: LiveBuilder? { builder(named: selected) }

    /// buildx's version when it names a release.
    public var buildxRelease: SemanticVersion? { buildxVersion.flatMap(LiveBuilder.releaseVersion) }

    /// The image stores `--load` may send images to.
    public var possibleEngineStores: [ImageStore] { engineStore.map { [$0] } ?? ImageStore.allCases }
}
