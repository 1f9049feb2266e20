import BuildxModel

extension CacheReport {
    /// Connects each build's imports and exports to the cache entries of the configuration `check` read
    /// (when given) and says what to change when the cache was cold. Without configuration the advice
    /// comes from the `--cache-from`/`--cache-to` values the log printed, when it printed any.
    public func advised(using check: CheckReport?) -> CacheReport {
        var report = self
        let invocations: [Invocation] =
            check.map { check in
                check.files.compactMap { check.plan(of: $0.path) }.flatMap { plan in plan.builds.map { Invocation(path: plan.file.path, build: $0.build) } }
            } ?? []
        for index in report.builds.indices {
            var build = report.builds[index]
            let chosen = Self.sources(of: build, among: invocations)
            build.configuration = chosen.flatMap { invocation in
                invocation.entries(for: build).map { entry in
                    ConfiguredCache(
                        direction: entry.direction, path: invocation.path, line: entry.span.start.line, text: entry.text,
                        isGuess: chosen.count > 1 || entry.hasUnknownParts)
                }
            }
            build.advice = Self.advice(for: build, configured: chosen.count == 1 ? chosen.first : nil, among: invocations)
            report.builds[index] = build
        }
        return report
    }

    /// A build step of the configuration.
    struct Invocation {
        let path: String
        let build: BuildInvocation

        /// How well the log's build agrees with this invocation: refs the log names count most.
        func score(_ logged: CacheBuild) -> Int {
            var score = 0
            for transfer in logged.imports {
                for entry in build.cacheImports {
                    for spec in entry.specs {
                        let type = spec.typeField == nil ? "registry" : spec.type.lowercased()
                        guard type == transfer.type else { continue }
                        if let name = transfer.name, type == "registry" {
                            if entry.value(of: "ref", in: spec) == .known(name) || (spec.typeField == nil && entry.received == name) { score += 4 }
                        } else {
                            score += 1
                        }
                    }
                }
            }
            for written in logged.commandCacheFrom + logged.commandCacheTo where build.cacheEntries.contains(where: { $0.received == written }) {
                score += 4
            }
            for transfer in logged.exports where build.cacheExports.contains(where: { $0.specs.contains { $0.type.lowercased() == transfer.type } }) {
                score += 1
            }
            return score
        }

        /// The entries the log's imports and exports came from; every entry of a direction the log names
        /// no transfer of (a cache the build configures but whose step the log does not show).
        func entries(for logged: CacheBuild) -> [CacheEntry] {
            let types = Set(logged.imports.map(\.type) + logged.exports.map(\.type))
            let matching = build.cacheEntries.filter { entry in
                entry.hasUnknownParts || entry.specs.contains { types.contains($0.typeField == nil ? "registry" : $0.type.lowercased()) }
            }
            return matching.isEmpty ? build.cacheEntries : matching
        }
    }

    /// The configuration's builds that agree best with the log's build; none when nothing agrees.
    static func sources(of build: CacheBuild, among invocations: [Invocation]) -> [Invocation] {
        let scored = invocations.map { ($0, $0.score(build)) }.filter { $0.1 > 0 }
        guard let best = scored.map(\.1).max() else { return [] }
        return scored.filter { $0.1 == best }.map(\.0)
    }

    /// What to change for a cold cache: where the import reads and the export writes, compared.
    static func advice(for build: CacheBuild, configured: Invocation?, among invocations: [Invocation]) -> [String] {
        let cold: Set<CacheBuild.Verdict> = [.coldNothingFound, .coldNoImport, .coldImportFailed]
        guard cold.contains(build.verdict) else { return [] }
        let imports: [CacheLocation]
        let exports: [CacheLocation]
        if let configured {
            imports = configured.build.cacheImports.flatMap { entry in entry.specs.compactMap { CacheLocation($0, of: entry) } }
            exports = configured.build.cacheExports.flatMap { entry in entry.specs.compactMap { CacheLocation($0, of: entry) } }
        } else {
            let parse = { (values: [String], direction: CacheDirection) in
                values.flatMap { value in ((try? CacheSpecParser.parse(value)) ?? []).compactMap { CacheLocation($0, direction: direction) } }
            }
            imports = parse(build.commandCacheFrom, .import)
            exports = parse(build.commandCacheTo, .export)
        }
        var advice: [String] = []
        if imports.isEmpty, let export = exports.first {
            advice.append("the build exports \(export.type) cache to `\(export.written)` but imports none: add a cache-from that reads `\(export.written)`")
        }
        for location in imports where !location.isUnknown {
            let sameType = exports.filter { $0.type == location.type }
            if sameType.contains(where: { $0.compare(location) != .different }) {
                // The import found a cache there: what it lacked is for the verdict and notes to say.
                guard build.imports.contains(where: \.foundNothing) else { continue }
                advice.append(
                    "nothing was at `\(location.written)` yet although this build exports there: the next run should start warm; "
                        + "if every run is cold, make sure the export runs (not only on another branch or event) and succeeds")
            } else if let other = sameType.first {
                advice.append("the import reads `\(location.written)` but the export writes `\(other.written)`: make them the same \(Self.attribute(location))")
            } else if let writer = invocations.first(where: { invocation in
                invocation.build.cacheExports.contains { entry in entry.specs.contains { CacheLocation($0, of: entry)?.compare(location) == .same } }
            }) {
                advice.append("`\(location.written)` is written by the build in \(writer.path): it was empty, so that build has not run (or not exported) before this one")
            } else {
                advice.append("nothing exports the cache this build imports from `\(location.written)`: add a cache-to that writes it (with mode=max)")
            }
        }
        return advice
    }

    private static func attribute(_ location: CacheLocation) -> String {
        switch location.type {
        case "registry": "ref"
        case "gha": "scope"
        case "local": "folder (src of cache-from, dest of cache-to)"
        default: "name"
        }
    }
}
