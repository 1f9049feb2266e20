/// What BuildKit (or buildx) reads from one `key=value` of a cache entry (facts §3).
public struct CacheAttribute: Hashable, Sendable {
    /// The values an attribute accepts; anything else is an error or silently ignored, as the fact says.
    public enum Values: Hashable, Sendable {
        case text
        case boolean
        case integer
        case duration
        case oneOf([String])
    }

    /// What BuildKit does with a value outside `values` (facts §3, §3.7).
    public enum InvalidValueEffect: Hashable, Sendable {
        /// The build fails with this message (`{}` stands for the value).
        case fails(String)
        /// BuildKit silently uses the default instead.
        case ignored
        /// The reference does not say whether BuildKit fails or ignores it.
        case unverified
    }

    public let name: String
    /// The directions in which the backend reads the attribute; elsewhere it is silently ignored.
    public let directions: Set<CacheDirection>
    /// Whether buildx or BuildKit fails without it.
    public let isRequired: Bool
    public let values: Values
    public let invalidValueEffect: InvalidValueEffect
    /// The section of buildx-facts.md that documents it.
    public let fact: String

    public init(
        _ name: String, _ directions: Set<CacheDirection>, required: Bool = false, values: Values = .text,
        whenInvalid: InvalidValueEffect = .unverified, fact: String
    ) {
        self.name = name
        self.directions = directions
        self.isRequired = required
        self.values = values
        self.invalidValueEffect = whenInvalid
        self.fact = fact
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
    /// Every attribute the backend reads, in the order the reference lists them.
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

    /// Layer compression keys: read by registry and local, ignored by every other backend (facts §3.4, §3.7 #5).
    public static let compressionKeys: Set<String> = ["compression", "compression-level", "force-compression"]

    /// The attribute with this name that the backend reads in `direction`, if any.
    public func attribute(named name: String, for direction: CacheDirection) -> CacheAttribute? {
        attributes.first { $0.name == name && $0.directions.contains(direction) }
    }

    /// Attributes without which this direction fails (facts §3.1–§3.6).
    public func requiredAttributes(for direction: CacheDirection) -> [CacheAttribute] {
        attributes.filter { $0.isRequired && $0.directions.contains(direction) }
    }

    /// facts §3 "Common to every exporter".
    private static let commonExportAttributes: [CacheAttribute] = [
        CacheAttribute("mode", [.export], values: .oneOf(["min", "max"]), whenInvalid: .ignored, fact: "§3 common"),
        CacheAttribute("ignore-error", [.export], values: .boolean, whenInvalid: .ignored, fact: "§3 common"),
    ]

    /// Compression of exported layers, shared by registry and local (facts §3.1, §3.2).
    private static let layerFormatAttributes: [CacheAttribute] = [
        CacheAttribute("oci-mediatypes", [.export], values: .boolean, fact: "§3.1"),
        CacheAttribute("image-manifest", [.export], values: .boolean, fact: "§3.1"),
        CacheAttribute(
            "compression", [.export], values: .oneOf(["uncompressed", "gzip", "estargz", "zstd"]),
            whenInvalid: .fails("unsupported compression type {}"), fact: "§3.1"),
        CacheAttribute(
            "compression-level", [.export], values: .integer,
            whenInvalid: .fails("non-integer value {} specified for compression-level"), fact: "§3.1"),
        CacheAttribute("force-compression", [.export], values: .boolean, fact: "§3.1"),
    ]

    private static let registryAttributes: [CacheAttribute] =
        [
            CacheAttribute("ref", [.import, .export], required: true, fact: "§3.1"),
            CacheAttribute("registry.insecure", [.import, .export], values: .boolean, fact: "§3.1"),
        ] + layerFormatAttributes

    private static let localAttributes: [CacheAttribute] =
        [
            CacheAttribute("dest", [.export], required: true, fact: "§3.2"),
            CacheAttribute("src", [.import], required: true, fact: "§3.2"),
            CacheAttribute("tag", [.import, .export], fact: "§3.2"),
            CacheAttribute("digest", [.import], fact: "§3.2"),
            CacheAttribute(
                "reset", [.export], values: .boolean, whenInvalid: .fails("failed to parse reset attribute: {}"),
                fact: "§3.2"),
        ] + layerFormatAttributes

    private static let ghaAttributes: [CacheAttribute] = [
        CacheAttribute("token", [.import, .export], fact: "§3.4"),
        CacheAttribute("url", [.import, .export], fact: "§3.4"),
        CacheAttribute("url_v2", [.import, .export], fact: "§3.4"),
        CacheAttribute(
            "version", [.import, .export], values: .integer,
            whenInvalid: .fails("failed to parse api version \"{}\", expected positive integer"), fact: "§3.4"),
        CacheAttribute("scope", [.import, .export], fact: "§3.4"),
        CacheAttribute("timeout", [.import, .export], values: .duration, fact: "§3.4"),
        CacheAttribute("repository", [.export], fact: "§3.4"),
        CacheAttribute("ghtoken", [.export], fact: "§3.4"),
    ]

    private static let s3Attributes: [CacheAttribute] = [
        CacheAttribute("bucket", [.import, .export], required: true, fact: "§3.5"),
        CacheAttribute("region", [.import, .export], required: true, fact: "§3.5"),
        CacheAttribute("prefix", [.import, .export], fact: "§3.5"),
        CacheAttribute("manifests_prefix", [.import, .export], fact: "§3.5"),
        CacheAttribute("blobs_prefix", [.import, .export], fact: "§3.5"),
        CacheAttribute("name", [.import, .export], fact: "§3.5"),
        CacheAttribute("touch_refresh", [.import, .export], values: .duration, whenInvalid: .ignored, fact: "§3.5"),
        CacheAttribute("endpoint_url", [.import, .export], fact: "§3.5"),
        CacheAttribute("use_path_style", [.import, .export], values: .boolean, whenInvalid: .ignored, fact: "§3.5"),
        CacheAttribute("access_key_id", [.import, .export], fact: "§3.5"),
        CacheAttribute("secret_access_key", [.import, .export], fact: "§3.5"),
        CacheAttribute("session_token", [.import, .export], fact: "§3.5"),
        CacheAttribute(
            "upload_parallelism", [.import, .export], values: .integer,
            whenInvalid: .fails("upload_parallelism must be a positive integer"), fact: "§3.5"),
        CacheAttribute("disable_accept_encoding", [.import, .export], values: .boolean, fact: "§3.5"),
        CacheAttribute(
            "retry_mode", [.import, .export], values: .oneOf(["standard", "adaptive"]),
            whenInvalid: .fails("retry_mode must be \"standard\" or \"adaptive\""), fact: "§3.5"),
        CacheAttribute(
            "retry_max_attempts", [.import, .export], values: .integer,
            whenInvalid: .fails("retry_max_attempts must be a positive integer"), fact: "§3.5"),
    ]

    private static let azblobAttributes: [CacheAttribute] = [
        CacheAttribute("account_url", [.import, .export], required: true, fact: "§3.6"),
        CacheAttribute("account_name", [.import, .export], fact: "§3.6"),
        CacheAttribute("container", [.import, .export], fact: "§3.6"),
        CacheAttribute("prefix", [.import, .export], fact: "§3.6"),
        CacheAttribute("manifests_prefix", [.import, .export], fact: "§3.6"),
        CacheAttribute("blobs_prefix", [.import, .export], fact: "§3.6"),
        CacheAttribute("name", [.import, .export], fact: "§3.6"),
        CacheAttribute("secret_access_key", [.import, .export], fact: "§3.6"),
    ]
}
