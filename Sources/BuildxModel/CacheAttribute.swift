/// What BuildKit (or buildx) reads from one `key=value` of a cache entry. Each backend reads its attributes in
/// its own `getConfig`/resolver under `moby/buildkit cache/remotecache/<backend>/`; the tables of
/// https://docs.docker.com/build/cache/backends/ describe the same keys.
public struct CacheAttribute: Hashable, Sendable {
    /// The values an attribute accepts; anything else is an error or silently ignored, as `invalidValueEffect` says.
    public enum Values: Hashable, Sendable {
        case text
        case boolean
        case integer
        case duration
        case oneOf([String])
    }

    /// What BuildKit does with a value outside `values`: the backends parse with Go's `strconv` and either
    /// return the error or keep the default (`moby/buildkit control/control.go` `parseCacheExportMode` ignores a bad
    /// `mode`; `cache/remotecache/s3/s3.go` returns an error for a bad `upload_parallelism`).
    public enum InvalidValueEffect: Hashable, Sendable {
        /// The build fails with this message (`{}` stands for the value).
        case fails(String)
        /// BuildKit silently uses the default instead.
        case ignored
        /// Not established whether BuildKit fails or ignores it.
        case unverified
    }

    public let name: String
    /// The directions in which the backend reads the attribute; elsewhere it is silently ignored.
    public let directions: Set<CacheDirection>
    /// Whether buildx or BuildKit fails without it.
    public let isRequired: Bool
    public let values: Values
    public let invalidValueEffect: InvalidValueEffect
    /// The upstream file that reads it (`moby/buildkit cache/remotecache/registry/registry.go`, …): where to
    /// look when a new BuildKit release changes an attribute.
    public let source: String

    public init(
        _ name: String, _ directions: Set<CacheDirection>, required: Bool = false, values: Values = .text,
        whenInvalid: InvalidValueEffect = .unverified, source: String
    ) {
        self.name = name
        self.directions = directions
        self.isRequired = required
        self.values = values
        self.invalidValueEffect = whenInvalid
        self.source = source
    }

    /// Whether `value` is one the attribute accepts.
    public func accepts(_ value: String) -> Bool {
        switch values {
        case .text: true
        case .boolean: GoBool.parse(value) != nil
        case .integer: Int(value) != nil
        case .duration: Self.isGoDuration(value)
        case .oneOf(let allowed): allowed.contains(value)
        }
    }

    /// Go's `time.ParseDuration` syntax: signed decimal numbers with units, e.g. `10m`, `1h30m`, `1.5s`.
    private static func isGoDuration(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        if rest == "0" { return true }
        guard !rest.isEmpty else { return false }
        let units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, number != "." else { return false }
            rest = rest.dropFirst(number.count)
            guard let unit = units.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }
}

extension CacheBackend {
    /// Every attribute the backend reads, common export attributes first, then the backend's own in the order
    /// https://docs.docker.com/build/cache/backends/ lists them.
    public var attributes: [CacheAttribute] {
        switch self {
        case .registry: Self.commonExportAttributes + Self.registryAttributes
        case .local: Self.commonExportAttributes + Self.localAttributes
        case .inline: Self.commonExportAttributes
        case .gha: Self.commonExportAttributes + Self.ghaAttributes
        case .s3: Self.commonExportAttributes + Self.s3Attributes
        case .azblob: Self.commonExportAttributes + Self.azblobAttributes
        }
    }

    /// The attribute named `name` that this backend reads, if any (keys are already lowercased by buildx).
    public func attribute(named name: String) -> CacheAttribute? {
        attributes.first { $0.name == name }
    }

    /// Layer compression keys: read by registry and local (`attrsToCompression` in `moby/buildkit
    /// cache/remotecache/registry/registry.go` and `local/local.go`); gha, s3 and azblob always use gzip
    /// (their `Config()` returns `compression.New(compression.Default)`), inline follows the image.
    public static let compressionKeys: Set<String> = ["compression", "compression-level", "force-compression"]

    /// The attribute with this name that the backend reads in `direction`, if any.
    public func attribute(named name: String, for direction: CacheDirection) -> CacheAttribute? {
        attributes.first { $0.name == name && $0.directions.contains(direction) }
    }

    /// Attributes without which this direction fails (the `requires …`/`not set` errors of each backend's
    /// `getConfig`, and of `moby/buildkit client/solve.go` `parseCacheOptions` for local and registry).
    public func requiredAttributes(for direction: CacheDirection) -> [CacheAttribute] {
        attributes.filter { $0.isRequired && $0.directions.contains(direction) }
    }

    private static let controlSource = "moby/buildkit control/control.go"
    private static let layerFormatSource = "moby/buildkit cache/remotecache/registry/registry.go, local/local.go"
    private static let registrySource = "moby/buildkit cache/remotecache/registry/registry.go, client/solve.go"
    private static let localSource = "moby/buildkit cache/remotecache/local/local.go, client/solve.go"
    private static let ghaSource = "moby/buildkit cache/remotecache/gha/gha.go"
    private static let s3Source = "moby/buildkit cache/remotecache/s3/s3.go"
    private static let azblobSource = "moby/buildkit cache/remotecache/azblob/utils.go"

    /// Read for every exporter by `moby/buildkit control/control.go` (`parseCacheExportMode`, `ignore-error`).
    private static let commonExportAttributes: [CacheAttribute] = [
        CacheAttribute("mode", [.export], values: .oneOf(["min", "max"]), whenInvalid: .ignored, source: Self.controlSource),
        CacheAttribute("ignore-error", [.export], values: .boolean, whenInvalid: .ignored, source: Self.controlSource),
    ]

    /// Compression of exported layers, shared by registry and local.
    private static let layerFormatAttributes: [CacheAttribute] = [
        CacheAttribute("oci-mediatypes", [.export], values: .boolean, source: Self.layerFormatSource),
        CacheAttribute("image-manifest", [.export], values: .boolean, source: Self.layerFormatSource),
        CacheAttribute(
            "compression", [.export], values: .oneOf(["uncompressed", "gzip", "estargz", "zstd"]),
            whenInvalid: .fails("unsupported compression type {}"), source: Self.layerFormatSource),
        CacheAttribute(
            "compression-level", [.export], values: .integer,
            whenInvalid: .fails("non-integer value {} specified for compression-level"), source: Self.layerFormatSource),
        CacheAttribute("force-compression", [.export], values: .boolean, source: Self.layerFormatSource),
    ]

    private static let registryAttributes: [CacheAttribute] =
        [
            CacheAttribute("ref", [.import, .export], required: true, source: Self.registrySource),
            CacheAttribute("registry.insecure", [.import, .export], values: .boolean, source: Self.registrySource),
        ] + layerFormatAttributes

    private static let localAttributes: [CacheAttribute] =
        [
            CacheAttribute("dest", [.export], required: true, source: Self.localSource),
            CacheAttribute("src", [.import], required: true, source: Self.localSource),
            CacheAttribute("tag", [.import, .export], source: Self.localSource),
            CacheAttribute("digest", [.import], source: Self.localSource),
            CacheAttribute(
                "reset", [.export], values: .boolean, whenInvalid: .fails("failed to parse reset attribute: {}"),
                source: Self.localSource),
        ] + layerFormatAttributes

    private static let ghaAttributes: [CacheAttribute] = [
        CacheAttribute("token", [.import, .export], source: Self.ghaSource),
        CacheAttribute("url", [.import, .export], source: Self.ghaSource),
        CacheAttribute("url_v2", [.import, .export], source: Self.ghaSource),
        CacheAttribute(
            "version", [.import, .export], values: .integer,
            whenInvalid: .fails("failed to parse api version \"{}\", expected positive integer"), source: Self.ghaSource),
        CacheAttribute("scope", [.import, .export], source: Self.ghaSource),
        CacheAttribute("timeout", [.import, .export], values: .duration, source: Self.ghaSource),
        CacheAttribute("repository", [.export], source: Self.ghaSource),
        CacheAttribute("ghtoken", [.export], source: Self.ghaSource),
    ]

    private static let s3Attributes: [CacheAttribute] = [
        CacheAttribute("bucket", [.import, .export], required: true, source: Self.s3Source),
        CacheAttribute("region", [.import, .export], required: true, source: Self.s3Source),
        CacheAttribute("prefix", [.import, .export], source: Self.s3Source),
        CacheAttribute("manifests_prefix", [.import, .export], source: Self.s3Source),
        CacheAttribute("blobs_prefix", [.import, .export], source: Self.s3Source),
        CacheAttribute("name", [.import, .export], source: Self.s3Source),
        CacheAttribute("touch_refresh", [.import, .export], values: .duration, whenInvalid: .ignored, source: Self.s3Source),
        CacheAttribute("endpoint_url", [.import, .export], source: Self.s3Source),
        CacheAttribute("use_path_style", [.import, .export], values: .boolean, whenInvalid: .ignored, source: Self.s3Source),
        CacheAttribute("access_key_id", [.import, .export], source: Self.s3Source),
        CacheAttribute("secret_access_key", [.import, .export], source: Self.s3Source),
        CacheAttribute("session_token", [.import, .export], source: Self.s3Source),
        CacheAttribute(
            "upload_parallelism", [.import, .export], values: .integer,
            whenInvalid: .fails("upload_parallelism must be a positive integer"), source: Self.s3Source),
        CacheAttribute("disable_accept_encoding", [.import, .export], values: .boolean, source: Self.s3Source),
        CacheAttribute(
            "retry_mode", [.import, .export], values: .oneOf(["standard", "adaptive"]),
            whenInvalid: .fails("retry_mode must be \"standard\" or \"adaptive\""), source: Self.s3Source),
        CacheAttribute(
            "retry_max_attempts", [.import, .export], values: .integer,
            whenInvalid: .fails("retry_max_attempts must be a positive integer"), source: Self.s3Source),
    ]

    private static let azblobAttributes: [CacheAttribute] = [
        CacheAttribute("account_url", [.import, .export], required: true, source: Self.azblobSource),
        CacheAttribute("account_name", [.import, .export], source: Self.azblobSource),
        CacheAttribute("container", [.import, .export], source: Self.azblobSource),
        CacheAttribute("prefix", [.import, .export], source: Self.azblobSource),
        CacheAttribute("manifests_prefix", [.import, .export], source: Self.azblobSource),
        CacheAttribute("blobs_prefix", [.import, .export], source: Self.azblobSource),
        CacheAttribute("name", [.import, .export], source: Self.azblobSource),
        CacheAttribute("secret_access_key", [.import, .export], source: Self.azblobSource),
    ]
}
