/// What happens when a build asks a driver for a cache backend in one direction (facts §1.4, §1.5).
public enum CacheSupport: Hashable, Sendable {
    /// The backend works.
    case supported
    /// buildx refuses before building: the driver lacks the `Cache export` feature (facts §1.1, §1.2).
    case refusedByBuildx(DriverFeature)
    /// buildx lets it through, then the daemon fails the build with this message (facts §1.3).
    case refusedByDaemon(message: String)
    /// The import is skipped with this message on the import step; the build goes on without cache (facts §1.3).
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
    /// The support matrix, export side from facts §1.4 and import side from facts §1.5.
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
