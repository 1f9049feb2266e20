/// A buildx driver as the build sees it: which kind of BuildKit runs the build.
///
/// The docker driver's abilities depend on the Docker Engine's image store (`docker/buildx
/// driver/docker/driver.go` `Features()`), so the
/// store is part of the value rather than a separate flag that rules could forget to consult.
public enum Driver: Hashable, Sendable, CustomStringConvertible {
    /// The BuildKit built into Docker Engine (`docker` driver).
    case docker(ImageStore)
    /// A BuildKit container started by buildx (`docker-container`, setup-buildx-action's default).
    case dockerContainer
    /// BuildKit pods in a Kubernetes cluster.
    case kubernetes
    /// An existing BuildKit daemon reached over a socket or TCP.
    case remote

    /// The name buildx prints and accepts in `--driver`.
    public var name: String {
        switch self {
        case .docker: "docker"
        case .dockerContainer: "docker-container"
        case .kubernetes: "kubernetes"
        case .remote: "remote"
        }
    }

    public var description: String {
        switch self {
        case .docker(.classic): "docker driver (classic image store)"
        case .docker(.containerd): "docker driver (containerd image store)"
        default: "\(name) driver"
        }
    }

    /// Resolves a `--driver` / `driver:` value; `nil` for names buildx does not know (or `cloud`, whose
    /// abilities depend on a remote service).
    public init?(name: String) {
        switch name {
        case "docker-container": self = .dockerContainer
        case "kubernetes": self = .kubernetes
        case "remote": self = .remote
        default: return nil
        }
    }

    /// Whether buildx lets this driver use a feature (the `Features()` of each `docker/buildx driver/*/driver.go`).
    ///
    /// The docker driver reports every feature only when Docker Engine runs the containerd image store;
    /// kubernetes cannot load into a Docker image store unless a Docker API is reachable, which a plan
    /// cannot know, so it is treated as supported.
    public func supports(_ feature: DriverFeature) -> Bool {
        switch self {
        case .docker(.classic): false
        case .docker(.containerd), .dockerContainer, .kubernetes, .remote: true
        }
    }
}

/// Where Docker Engine keeps images (https://docs.docker.com/engine/storage/containerd/). The classic
/// (graphdriver) store is what every
/// Docker Engine before 29.0 and every upgraded installation uses, including GitHub-hosted runners.
public enum ImageStore: Hashable, Sendable, CaseIterable {
    case classic
    case containerd

    /// Whether `--load` can put a manifest list (several platforms, or attestations) into an engine with this
    /// store: buildx switches to the OCI exporter only when `docker info` shows the containerd store
    /// (`docker/buildx util/dockerutil/client.go`), else `docker exporter does not currently support exporting
    /// manifest lists`.
    public var loadsManifestLists: Bool { self == .containerd }
}

/// The driver features buildx checks before a build (`docker/buildx driver/features.go`). The raw
/// value is the wording buildx puts in front of "is not supported for the docker driver".
public enum DriverFeature: String, Hashable, Sendable, CaseIterable {
    case cacheExport = "Cache export"
    case multiPlatform = "Multi-platform build"
    case ociExporter = "OCI exporter"
    case dockerExporter = "Docker exporter"
    case attestation = "Attestation"

    /// The docs page buildx links in its refusal (`docker/buildx build/opt.go`, `build/utils.go` `notSupported`).
    public var documentationURL: String {
        switch self {
        case .cacheExport: "https://docs.docker.com/go/build-cache-backends/"
        case .multiPlatform: "https://docs.docker.com/go/build-multi-platform/"
        case .ociExporter, .dockerExporter: "https://docs.docker.com/go/build-exporters/"
        case .attestation: "https://docs.docker.com/go/attestations/"
        }
    }

    /// The first line of the error buildx ≥ v0.13 prints when a driver lacks the feature (`docker/buildx
    /// build/utils.go` `notSupported`).
    public func refusal(by driver: Driver) -> String {
        "\(rawValue) is not supported for the \(driver.name) driver."
    }
}
