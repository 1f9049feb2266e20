import BuildxModel

/// The builder a build runs on, as far as the plan can tell.
public enum BuilderState: Sendable {
    case known(Builder)
    /// Something the plan cannot follow decides the builder; the text says what.
    case unknown(reason: String)

    public var builder: Builder? {
        if case .known(let builder) = self { return builder }
        return nil
    }
}

/// A builder: the drivers it may run (one when everything is known; the docker driver with either
/// image store when the runner's Docker Engine is not known) and where it came from.
public struct Builder: Sendable {
    public enum Origin: Sendable, Equatable {
        /// The runner's default builder: the Docker Engine's own BuildKit.
        case runnerDefault
        /// Created by the step at this index (setup-buildx-action, `docker buildx create`).
        case step(index: Int)
        /// The own BuildKit of a Docker Engine that the step at this index installed (docker/setup-docker-action).
        case installedEngine(stepIndex: Int)
    }

    public let possibleDrivers: [Driver]
    public let origin: Origin
    /// The BuildKit image the builder runs (`driver-opts: image=…`), when one is given.
    public let buildkitImage: WrittenText?
    /// The builder's name when it is one of this machine's builders, read live (`check --builder`).
    public let liveName: String?
    /// The BuildKit version that live builder reports, when it is a release.
    public let liveBuildKitVersion: SemanticVersion?

    public init(
        possibleDrivers: [Driver], origin: Origin, buildkitImage: WrittenText? = nil, liveName: String? = nil,
        liveBuildKitVersion: SemanticVersion? = nil
    ) {
        self.possibleDrivers = possibleDrivers
        self.origin = origin
        self.buildkitImage = buildkitImage
        self.liveName = liveName
        self.liveBuildKitVersion = liveBuildKitVersion
    }
}

/// A value as written in the file, with where.
public struct WrittenText: Sendable, Equatable {
    public let text: String
    public let span: Span

    public init(text: String, span: Span) {
        self.text = text
        self.span = span
    }
}

/// A step that sets up buildx: the builder it creates and the tools it pins.
public struct BuilderSetup: Sendable {
    /// `nil` inside for the docker driver, which is the runner's Docker Engine rather than a new BuildKit.
    public let driver: Value<Driver?>
    /// false for setup-buildx-action `use: false`: later builds reach the builder only by name.
    public let makesCurrent: Bool
    /// The buildx version the step installs for the rest of the job (`version:`).
    public let buildxVersion: WrittenText?
    /// The BuildKit image of the builder (`driver-opts: image=…`).
    public let buildkitImage: WrittenText?

    public init(
        driver: Value<Driver?>, makesCurrent: Bool, buildxVersion: WrittenText? = nil,
        buildkitImage: WrittenText? = nil
    ) {
        self.driver = driver
        self.makesCurrent = makesCurrent
        self.buildxVersion = buildxVersion
        self.buildkitImage = buildkitImage
    }
}

/// A Docker Engine a step installs and makes the job's engine from then on (docker/setup-docker-action
/// starts its own `dockerd` and switches the Docker CLI to it with `docker context use`, see
/// `docker/actions-toolkit src/docker/install.ts`).
public struct EngineSetup: Sendable, Equatable {
    /// What decided the image store.
    public enum StoreSource: Sendable, Equatable {
        /// `"containerd-snapshotter"` in the `daemon-config` features, or an expression there.
        case daemonConfig(Value<Bool>)
        /// The `version` input as written (empty for the default, the newest release), and its major
        /// version when it can be read (`nil` for the newest release or an unreadable version).
        case version(String, major: Int?)
    }

    /// The first Docker Engine major that starts a fresh install with the containerd image store
    /// (https://docs.docker.com/engine/storage/containerd/).
    public static let firstMajorWithContainerdStore = 29

    /// The image stores the new engine may use: one when its version and `daemon-config` decide it.
    public let possibleImageStores: [ImageStore]
    public let storeSource: StoreSource

    public init(possibleImageStores: [ImageStore], storeSource: StoreSource) {
        self.possibleImageStores = possibleImageStores
        self.storeSource = storeSource
    }
}

/// How a step changes the job's builder.
public enum BuilderChange: Sendable {
    /// Creates a builder (or, with the docker driver, names the Docker Engine's own).
    case create(BuilderSetup)
    /// Makes a builder current by name (`docker buildx use NAME`); `nil` when the name is not literal.
    case use(name: String?)
    /// Installs a Docker Engine that later steps use, with its own BuildKit as the current builder.
    case installEngine(EngineSetup)
    /// Changes the builder or the Docker Engine in a way the plan cannot follow.
    case unknown(reason: String)
}

/// Which builder a build asks for.
public enum BuilderSelection: Sendable {
    /// The current builder (no `builder:` input, or an empty one).
    case current
    /// The builder created by the step with this `id` (`${{ steps.<id>.outputs.name }}`).
    case createdByStep(id: String, span: Span)
    /// Any other name or expression.
    case other(String, span: Span)
    /// The Docker Engine's own builder, whatever is current: what `docker build` uses unless it is given
    /// `--builder` (https://docs.docker.com/build/builders/, "Difference between docker build and docker
    /// buildx build"; docker/cli#3676).
    case engineDefault
}
