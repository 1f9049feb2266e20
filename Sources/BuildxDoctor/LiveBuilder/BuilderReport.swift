import BuildxModel

/// What the selected builder of a live machine can do, asked of the same model `check` uses (`BuildxModel`:
/// `CacheBackend.support(_:on:)`, `Driver.supports(_:)`, `ImageStore.loadsManifestLists`), and printed by
/// `buildx-doctor builder` as text or JSON.
public struct BuilderReport: Sendable {
    public let machine: LiveMachine
    /// The selected builder.
    public let builder: LiveBuilder
    /// Its driver as the model knows it; `nil` for a `docker` driver whose store cannot be told, or a driver
    /// the model does not know.
    public let driver: Driver?

    public init?(_ machine: LiveMachine) {
        guard let builder = machine.selectedBuilder else { return nil }
        self.machine = machine
        self.builder = builder
        self.driver = builder.driver(engineStore: machine.engineStore)
    }

    /// The version of this report's JSON format; it changes only when a field changes meaning or goes.
    public static let jsonVersion = 1

    /// One row per backend: what an import and an export do on this builder.
    public var cacheSupport: [(backend: CacheBackend, import: CacheSupport, export: CacheSupport)] {
        guard let driver else { return [] }
        return CacheBackend.allCases.map { ($0, $0.support(.import, on: driver), $0.support(.export, on: driver)) }
    }

    /// Whether `--load` of several platforms (or of attestations) works: the engine the image goes to must
    /// hold manifest lists; `nil` when its store is unknown.
    public var loadsManifestLists: Bool? { machine.engineStore?.loadsManifestLists }

    /// Features the versions decide, each with the minimum and whether this machine has it (`nil`: unknown).
    public var versionGates: [(feature: String, minimum: String, met: Bool?)] {
        let buildx = machine.buildxRelease
        let buildkit = builder.buildkitVersion
        return [
            ("GitHub cache service v2 (buildx)", "buildx \(VersionFacts.buildxGitHubCacheV2)", buildx.map { $0 >= VersionFacts.buildxGitHubCacheV2 }),
            ("GitHub cache service v2 (BuildKit)", "BuildKit \(VersionFacts.buildkitGitHubCacheV2)", buildkit.map { $0 >= VersionFacts.buildkitGitHubCacheV2 }),
            ("local cache `reset=true`", "buildx \(VersionFacts.buildxLocalCacheReset)", buildx.map { $0 >= VersionFacts.buildxLocalCacheReset }),
        ]
    }

    // MARK: text

    /// The short report `buildx-doctor builder` prints.
    public func text() -> String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(label.padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
        row("builder", "\(builder.name) (\(machine.selectedBy == "current" ? "the current builder" : "chosen by \(machine.selectedBy)")), \(driverText)")
        if let error = builder.error ?? builder.nodes.first?.error { row("error", error) }
        if let status = builder.nodes.first?.status, status != "running" { row("status", "\(status): BuildKit version and platforms are known once it runs") }
        row("engine", "Docker Engine \(machine.engineVersion ?? "?"), \(storeText(machine.engineStore)) (`docker info`)")
        row("buildx", machine.buildxVersion.map { versionText($0, release: machine.buildxRelease) } ?? "unknown")
        row("BuildKit", builder.nodes.first?.buildkitVersion.map { versionText($0, release: builder.buildkitVersion) } ?? "unknown")
        row("platforms", builder.platforms.isEmpty ? "unknown" : builder.platforms.joined(separator: ", "))
        let emulators = machine.emulators.filter(\.isEnabled)
        row("emulators", emulators.isEmpty ? "none registered (/proc/sys/fs/binfmt_misc)" : emulators.map { emulator in emulator.platform.map { "\($0) (\(emulator.name))" } ?? emulator.name }.joined(separator: ", "))
        lines.append("")
        guard let driver else {
            lines.append("capabilities: unknown (\(driverText))")
            return lines.joined(separator: "\n") + "\n"
        }
        let backends = CacheBackend.allCases.map(\.rawValue)
        let width = 16
        func cells(_ label: String, _ values: [String]) -> String {
            label.padding(toLength: width, withPad: " ", startingAt: 0) + values.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined()
        }
        lines.append(cells("cache backend", backends).trimmingTrailingSpaces)
        lines.append(cells("  --cache-to", cacheSupport.map { Self.word($0.export) }).trimmingTrailingSpaces)
        lines.append(cells("  --cache-from", cacheSupport.map { Self.word($0.import) }).trimmingTrailingSpaces)
        lines.append("")
        let refused = "buildx refuses it on the \(driver)"
        let features: [(String, Bool?, String)] = [
            ("multi-platform build", driver.supports(.multiPlatform), refused),
            ("--load of a manifest list", loadsManifestLists, "the engine's classic image store holds one platform per image"),
            ("attestations", driver.supports(.attestation), refused),
            ("OCI export", driver.supports(.ociExporter), refused),
            ("docker export to a file", driver.supports(.dockerExporter), refused),
        ]
        for (name, supported, reason) in features {
            lines.append(name.padding(toLength: 27, withPad: " ", startingAt: 0) + (supported.map { $0 ? "yes" : "no: \(reason)" } ?? "unknown"))
        }
        for gate in versionGates where gate.met == false {
            lines.append(gate.feature.padding(toLength: max(27, gate.feature.count + 1), withPad: " ", startingAt: 0) + "no: needs \(gate.minimum)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var driverText: String {
        if let driver { return "\(driver)" }
        if builder.driverName == "docker" { return "docker driver (image store unknown)" }
        return "`\(builder.driverName)` driver (not in the model: its abilities are not known)"
    }

    private func storeText(_ store: ImageStore?) -> String {
        switch store {
        case .classic?: "classic image store"
        case .containerd?: "containerd image store"
        case nil: "image store unknown"
        }
    }

    private func versionText(_ text: String, release: SemanticVersion?) -> String {
        release == nil ? "\(text) (not a release version: version-dependent checks are skipped)" : text
    }

    /// A cache support value in a word or two.
    static func word(_ support: CacheSupport) -> String {
        switch support {
        case .supported: "yes"
        case .refusedByBuildx: "refused"
        case .refusedByDaemon: "fails"
        case .importSkipped: "skipped"
        }
    }

    /// A cache support value as a JSON keyword.
    static func keyword(_ support: CacheSupport) -> String {
        switch support {
        case .supported: "supported"
        case .refusedByBuildx: "refused-by-buildx"
        case .refusedByDaemon: "refused-by-daemon"
        case .importSkipped: "import-skipped"
        }
    }

    // MARK: JSON

    /// The report as JSON (documented in README, "buildx-doctor builder").
    public func json() -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        func optional(_ flag: Bool?) -> JSONValue { flag.map(JSONValue.bool) ?? .null }
        func store(_ store: ImageStore?) -> JSONValue {
            switch store {
            case .classic?: .string("classic")
            case .containerd?: .string("containerd")
            case nil: .null
            }
        }
        var builderStore: ImageStore?
        if case .docker(let store)? = driver { builderStore = store }
        var capabilities: [(String, JSONValue)] = []
        if let driver {
            capabilities = [
                ("cacheExport", .object(cacheSupport.map { ($0.backend.rawValue, .string(Self.keyword($0.export))) })),
                ("cacheImport", .object(cacheSupport.map { ($0.backend.rawValue, .string(Self.keyword($0.import))) })),
                ("multiPlatform", .bool(driver.supports(.multiPlatform))),
                ("loadManifestList", optional(loadsManifestLists)),
                ("attestations", .bool(driver.supports(.attestation))),
                ("ociExport", .bool(driver.supports(.ociExporter))),
                ("dockerExportToFile", .bool(driver.supports(.dockerExporter))),
            ]
        }
        return .object([
            ("version", .number(Self.jsonVersion)),
            (
                "builder",
                .object([
                    ("name", .string(builder.name)), ("selectedBy", .string(machine.selectedBy)), ("driver", .string(builder.driverName)),
                    ("imageStore", store(builderStore)), ("status", optional(builder.nodes.first?.status)),
                    ("error", optional(builder.error ?? builder.nodes.first?.error)),
                ])
            ),
            ("engine", .object([("version", optional(machine.engineVersion)), ("imageStore", store(machine.engineStore))])),
            (
                "versions",
                .object([
                    ("buildx", optional(machine.buildxVersion)), ("buildkit", optional(builder.nodes.first?.buildkitVersion)),
                    ("buildxRelease", optional(machine.buildxRelease?.description)), ("buildkitRelease", optional(builder.buildkitVersion?.description)),
                ])
            ),
            ("platforms", .array(builder.platforms.map(JSONValue.string))),
            (
                "emulators",
                .array(machine.emulators.map { .object([("name", .string($0.name)), ("enabled", .bool($0.isEnabled)), ("platform", optional($0.platform))]) })
            ),
            ("capabilities", driver == nil ? .null : .object(capabilities)),
            (
                "versionGates",
                .array(versionGates.map { .object([("feature", .string($0.feature)), ("minimum", .string($0.minimum)), ("met", optional($0.met))]) })
            ),
        ])
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
