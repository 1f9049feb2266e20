/// What happens when a build asks a driver for a cache backend in one direction: buildx's driver check,
/// then what the daemon registers (https://docs.docker.com/build/cache/backends/ has the export side).
public enum CacheSupport: Hashable, Sendable {
    /// The backend works.
    case supported
    /// buildx refuses before building: the driver lacks the `Cache export` feature (`docker/buildx build/opt.go`
    /// `toSolveOpt`, message from `build/utils.go` `notSupported`).
    case refusedByBuildx(DriverFeature)
    /// buildx lets it through, then the daemon fails the build with this message (`moby/buildkit control/control.go`).
    case refusedByDaemon(message: String)
    /// The import is skipped with this message on the import step; the build goes on without cache
    /// (`moby/buildkit solver/llbsolver/bridge.go`: importer errors are only logged).
    case importSkipped(message: String)

    /// Whether the build fails because of this entry.
    public var failsBuild: Bool {
        switch self {
        case .refusedByBuildx, .refusedByDaemon: true
        case .supported, .importSkipped: false
        }
    }
}

extension CacheBackend {
    /// The support matrix. Export: buildx refuses every non-inline export on a driver without the `Cache export`
    /// feature; Docker Engine with the containerd store registers gha, inline, local and registry exporters, the
    /// classic store only inline (`moby/moby daemon/internal/builder-next/controller.go`); BuildKit registers all
    /// six (`moby/buildkit cmd/buildkitd/main.go`). Import: the classic store has registry and local importers,
    /// the containerd store adds gha, BuildKit has every backend but inline. Observed on real engines: docs/ground-truth.md.
    public func support(_ direction: CacheDirection, on driver: Driver) -> CacheSupport {
        switch direction {
        case .export: exportSupport(on: driver)
        case .import: importSupport(on: driver)
        }
    }

    private func exportSupport(on driver: Driver) -> CacheSupport {
        // buildx exempts `inline` from the feature check; every daemon registers an inline exporter.
        if self == .inline { return .supported }
        guard driver.supports(.cacheExport) else { return .refusedByBuildx(.cacheExport) }
        if driver == .docker(.containerd), self == .s3 || self == .azblob {
            // Docker Engine's containerd-store controller registers gha, inline, local and registry only.
            return .refusedByDaemon(message: "unknown cache exporter: \"\(rawValue)\"")
        }
        return .supported
    }

    private func importSupport(on driver: Driver) -> CacheSupport {
        let skipped = CacheSupport.importSkipped(message: "unknown cache importer: \(rawValue)")
        // No daemon registers an inline importer: inline caches are read with `type=registry`.
        if self == .inline { return skipped }
        switch driver {
        case .docker(.classic):
            return self == .registry || self == .local ? .supported : skipped
        case .docker(.containerd):
            return self == .s3 || self == .azblob ? skipped : .supported
        case .dockerContainer, .kubernetes, .remote:
            return .supported
        }
    }
}
