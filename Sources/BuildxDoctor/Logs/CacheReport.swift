import BuildxModel

/// Did the cache work? What a build log says about each build in it: its Dockerfile steps, which of them
/// BuildKit took from the cache, what the others cost, the cache imports and exports, and a verdict.
/// `LogScanner` fills it in the same streaming pass that explains errors (`LogScanner.withCacheReport`).
public struct CacheReport: Sendable {
    public internal(set) var builds: [CacheBuild] = []
    /// Builds past `CacheBuild.Tracker.buildLimit` and steps past `stepLimit` are counted, not kept, so
    /// memory stays bounded whatever the log holds.
    public internal(set) var omittedBuilds = 0

    public init() {}

    /// Several logs read as one report: their builds in the order the logs were given. A step cached in
    /// one build gets the time it took where another build of the same report ran it (`savedSeconds`).
    public init(merging reports: [CacheReport]) {
        builds = reports.flatMap(\.builds)
        omittedBuilds = reports.map(\.omittedBuilds).reduce(0, +)
        var ran: [String: Double] = [:]
        for build in builds {
            for step in build.steps where !step.cached && !step.failed { if let seconds = step.seconds { ran[step.key] = seconds } }
        }
        for index in builds.indices {
            for step in builds[index].steps.indices where builds[index].steps[step].cached {
                builds[index].steps[step].estimatedSeconds = ran[builds[index].steps[step].key]
            }
        }
    }

    /// True when every build that exports with `mode=min` (and imported something) rebuilt a builder
    /// stage: the pattern of a multi-stage Dockerfile whose builder layers are never exported.
    public var minModeRebuildsEveryRun: Bool {
        let minimal = builds.filter { $0.exportMode == "min" && $0.imports.contains { $0.outcome == .done } }
        return !minimal.isEmpty && minimal.allSatisfy(\.rebuiltBuilderStage)
    }
}

/// One build in a log (`#0 building with …` starts one): its steps, cache imports and exports.
public struct CacheBuild: Sendable {
    /// A Dockerfile step, `#N [stage i/n] INSTRUCTION` in BuildKit's plain progress.
    public struct Step: Sendable, Equatable {
        /// The progress vertex number (`#N`).
        public let vertex: Int
        /// The stage as BuildKit names it (`build`, `stage-3`, `linux/arm64 build`); nil for `[2/4]`.
        public let stage: String?
        public let index: Int
        public let count: Int
        public let instruction: String
        /// 1-based log line of the step's first header.
        public let logLine: Int
        /// `#N CACHED`, or the result fetched from an imported cache (`extracting sha256:…` on a step
        /// that is not a `FROM`): BuildKit loads a cached result's layers instead of running it.
        public internal(set) var cached = false
        public internal(set) var failed = false
        /// How long it took: `#N DONE 1.2s`, else the GitHub timestamps of its header and last line.
        public internal(set) var seconds: Double?
        /// For a cached step: how long it took where another build of the same report ran it.
        public internal(set) var estimatedSeconds: Double?
        var startedAt: Double?
        var endedAt: Double?
        var loadedLayers = false

        /// A base image: pulling it is no cache miss, and a warm cache lets BuildKit skip the pull.
        public var isBaseImage: Bool { instruction.uppercased().hasPrefix("FROM ") }
        /// `[deps 2/2] RUN …` as BuildKit prints it.
        public var label: String { "[\(stage.map { $0 + " " } ?? "")\(index)/\(count)] \(instruction)" }
        var key: String { label }
    }

    /// A cache import (`importing cache manifest from …`) or export (`exporting cache to …`, or the
    /// inline cache written into an image, `preparing layers for inline cache`).
    public struct Transfer: Sendable, Equatable {
        public enum Outcome: String, Sendable { case done, failed, unfinished }
        public let vertex: Int
        /// `registry`, `local`, `gha`, `s3`, `azblob` or `inline`.
        public let type: String
        /// What the log names: a registry ref for an import, nil where BuildKit names none.
        public let name: String?
        public let logLine: Int
        public internal(set) var outcome: Outcome = .unfinished
        public internal(set) var error: String?
        /// `writing layer sha256:… done` lines of an export.
        public internal(set) var layersWritten = 0
        public internal(set) var seconds: Double?

        /// The import found no cache at all: the ref or folder does not exist (yet), which is how
        /// BuildKit reports a first run or an import that reads another name than the export writes.
        public var foundNothing: Bool {
            guard let error = error?.lowercased() else { return false }
            return error.containsText("not found") || error.containsText("no such file")
        }
    }

    public enum Verdict: String, Sendable {
        /// Every step was taken from the cache.
        case warm
        /// Nothing was cached and every import failed for another reason than a missing cache.
        case coldImportFailed = "cold-import-failed"
        /// Nothing was cached: the imports found no cache, or nothing in it matched.
        case coldNothingFound = "cold-nothing-found"
        /// Nothing was cached and nothing was imported, though a cache is exported.
        case coldNoImport = "cold-no-import"
        /// Some steps were cached, then one missed (`invalidatedAt`).
        case invalidated
        /// No import, no export, nothing cached.
        case noCache = "no-cache"
    }

    /// The GitHub Actions step the build ran in, when the log says.
    public internal(set) var ciStep: String?
    /// 1-based log line where the build starts.
    public internal(set) var logLine: Int
    public internal(set) var steps: [Step] = []
    /// Steps past `Tracker.stepLimit`, counted but not kept.
    public internal(set) var omittedSteps = 0
    public internal(set) var imports: [Transfer] = []
    public internal(set) var exports: [Transfer] = []
    /// `--cache-from`/`--cache-to` values (or `cache-from:`/`cache-to:` action inputs) the log printed
    /// before the build, as written.
    public internal(set) var commandCacheFrom: [String] = []
    public internal(set) var commandCacheTo: [String] = []
    /// Wall time from the first to the last line of the build, from GitHub timestamps.
    public internal(set) var wallSeconds: Double?
    /// Cache entries of the configuration the imports and exports came from (`correlated(with:)`).
    public internal(set) var configuration: [ConfiguredCache] = []
    /// What to change, when the configuration (or the printed command) explains a cold cache.
    public internal(set) var advice: [String] = []
    var firstTimestamp: Double?
    var lastTimestamp: Double?

    init(logLine: Int) { self.logLine = logLine }

    /// Steps that decide the verdict: every Dockerfile step but base images.
    public var judgedSteps: [Step] { steps.filter { !$0.isBaseImage } }

    public var verdict: Verdict {
        let judged = judgedSteps
        let cached = judged.filter(\.cached).count
        if !judged.isEmpty, cached == judged.count { return .warm }
        if cached > 0 { return .invalidated }
        if !imports.isEmpty {
            return imports.allSatisfy({ $0.outcome == .failed && !$0.foundNothing }) ? .coldImportFailed : .coldNothingFound
        }
        if !exports.isEmpty || !commandCacheFrom.isEmpty { return .coldNoImport }
        return .noCache
    }

    /// Where the cache stopped working: the first step (in log order) that ran after some step was
    /// cached, or, when nothing was cached, the first step that ran.
    public var invalidatedAt: Step? {
        judgedSteps.filter { !$0.cached }.min { $0.logLine < $1.logLine }
    }

    /// Time spent on steps that ran: what a warm cache would have skipped.
    public var lostSeconds: Double { judgedSteps.filter { !$0.cached }.compactMap(\.seconds).reduce(0, +) }
    /// Time the cache saved, estimated from other builds of the same report that ran those steps.
    public var savedSeconds: Double? {
        let estimates = judgedSteps.filter(\.cached).compactMap(\.estimatedSeconds)
        return estimates.isEmpty ? nil : estimates.reduce(0, +)
    }

    /// `min`, `max`, or nil when neither the printed command nor the configuration says. BuildKit's
    /// default for every exporter but `inline` (which has no mode) is `min` (`docs.docker.com/build/cache/backends/`).
    public var exportMode: String? {
        let written = commandCacheTo + configuration.filter { $0.direction == .export }.map(\.text)
        guard !written.isEmpty else { return exports.contains { $0.type == "inline" } ? "min" : nil }
        return written.contains { $0.lowercased().containsText("mode=max") } ? "max" : "min"
    }

    /// The stage the build ends in: the stage of the last step BuildKit numbered.
    public var finalStage: String? { steps.max { $0.vertex < $1.vertex }?.stage }

    /// A builder stage (any stage but the final one) ran steps although an import succeeded.
    public var rebuiltBuilderStage: Bool {
        guard imports.contains(where: { $0.outcome == .done }) else { return false }
        let final = finalStage
        return judgedSteps.contains { !$0.cached && $0.stage != final }
    }

    /// The mode=min pattern for this build: builder stages rebuilt although a cache was imported, and
    /// the export keeps only the final stage's layers.
    public var minModeRebuild: Bool { exportMode == "min" && rebuiltBuilderStage && Set(steps.map(\.stage)).count > 1 }
}

/// A cache entry of the configuration that a log's import or export came from.
public struct ConfiguredCache: Sendable, Equatable {
    public let direction: CacheDirection
    public let path: String
    public let line: Int
    /// The entry as written.
    public let text: String
    /// The entry has expressions: it may be the one, the log cannot tell.
    public let isGuess: Bool
}

extension CacheBuild {
    /// Follows one build log's cache lines while `LogScanner` streams it. Only lines holding one of
    /// `fragments` (or another line the scanner looks at) are handed to it.
    struct Tracker: Sendable {
        /// BuildKit's progress lines (`progressui` plain mode in `moby/buildkit util/progress/progressui/printer.go`:
        /// `#N [vertex name]`, `#N CACHED`, `#N DONE 1.2s`, `#N ERROR: …`, `#N CANCELED`, status lines such as
        /// `#N extracting sha256:…` and `#N writing layer sha256:…`), buildx's `#0 building with …`, and
        /// the cache flags of a printed command.
        static let fragments = [
            " [", " cached", " done ", " canceled", "building with ", "preparing build cache for export", "writing layer ",
            "preparing layers for inline cache", "extracting sha256:", "--cache-from", "--cache-to", "cache-from:", "cache-to:",
            "local cache import at ",
        ]
        /// The fragments of lines that are no BuildKit progress line.
        static let otherFragments: Set<String> = ["--cache-from", "--cache-to", "cache-from:", "cache-to:", "local cache import at "]

        /// Whether a raw line (after a GitHub timestamp) is `#N ` followed by a status the tracker reads:
        /// a vertex header, `CACHED`, `DONE`, `ERROR`, `CANCELED`, or a cache or layer status. Output lines
        /// (`#N 0.512 …`) are not, however many brackets they hold.
        static func isStatusLine(_ bytes: [UInt8]) -> Bool {
            var index = 0
            if bytes.count > 28, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                let zulu = bytes[..<min(bytes.count, 40)].firstIndex(of: UInt8(ascii: "Z"))
            {
                index = zulu + 1
            }
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "#") else { return false }
            index += 1
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits, index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return false }
            let rest = bytes[(index + 1)...]
            return statusPrefixes.contains { rest.starts(with: $0) }
        }

        private static let statusPrefixes: [[UInt8]] = [
            "[", "CACHED", "DONE ", "ERROR", "CANCELED", "extracting sha256:", "writing layer ", "preparing ", "building with ",
            "importing cache", "exporting ",
        ].map { Array($0.utf8) }

        /// Most builds kept for one log, and most steps, imports and exports for one build: far beyond any
        /// real build, and what keeps a hostile or runaway log's report small.
        static let buildLimit = 1000
        static let stepLimit = 5000

        private(set) var builds: [CacheBuild] = []
        private(set) var omittedBuilds = 0
        private var current: CacheBuild?
        /// Progress vertex → what it is in the current build.
        private var vertices: [Int: Vertex] = [:]
        private var pendingFrom: [String] = []
        private var pendingTo: [String] = []
        private var ciStep: String?

        private enum Vertex {
            case step(Int)
            case importing(Int)
            case exporting(Int)
            /// `[internal] …`, `exporting to image` and the like.
            case other(String)
        }

        /// Reads one cleaned line; `timestamp` is its GitHub timestamp in seconds, when it has one.
        mutating func read(_ text: String, line: Int, timestamp: Double?) {
            if text.hasPrefix("Run ") {
                finishBuild()
                ciStep = String(text.dropFirst(4)).trimmingWhitespace()
                pendingFrom = []
                pendingTo = []
                return
            }
            if let range = text.range(of: "local cache import at "), text.contains(" not found") {
                skippedLocalImport(text, after: range.upperBound, line: line)
                return
            }
            guard text.hasPrefix("#"), let space = text.firstIndex(of: " "), let vertex = Int(text[text.index(after: text.startIndex)..<space]) else {
                readCommand(text)
                return
            }
            let rest = text[text.index(after: space)...]
            if vertex == 0 {
                if rest.hasPrefix("building with ") { finishBuild() }
                return
            }
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                header(vertex, name: rest[rest.index(after: rest.startIndex)..<close], instruction: rest[rest.index(after: close)...], line: line, timestamp: timestamp)
                return
            }
            if rest.hasPrefix("importing cache manifest from ") {
                let source = String(rest.dropFirst("importing cache manifest from ".count).prefix { !$0.isWhitespace })
                let colon = source.firstIndex(of: ":")
                let prefix = colon.map { source[..<$0].lowercased() }
                let type = prefix.flatMap { ["gha", "local", "s3", "azblob"].contains($0) ? $0 : nil } ?? "registry"
                start(line)
                guard current!.imports.count < Self.stepLimit else { return }
                current!.imports.append(Transfer(vertex: vertex, type: type, name: type == "registry" ? source : nil, logLine: line))
                vertices[vertex] = .importing(current!.imports.count - 1)
                touch(timestamp)
                return
            }
            if let type = Self.exportType(of: rest), vertices[vertex] == nil || type == "inline" {
                if case .exporting = vertices[vertex] {} else {
                    start(line)
                    guard current!.exports.count < Self.stepLimit else { return }
                    current!.exports.append(Transfer(vertex: vertex, type: type, name: nil, logLine: line))
                    vertices[vertex] = .exporting(current!.exports.count - 1)
                }
            }
            guard current != nil, let known = vertices[vertex] else { return }
            touch(timestamp)
            status(known, rest, timestamp: timestamp)
        }

        /// The build that ends the log; call once at the end.
        mutating func finished() -> [CacheBuild] {
            finishBuild()
            return builds
        }

        private mutating func header(_ vertex: Int, name: Substring, instruction: Substring, line: Int, timestamp: Double?) {
            let words = name.split(separator: " ")
            let position = words.last.flatMap { word -> (Int, Int)? in
                let parts = word.split(separator: "/")
                guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
                return (index, count)
            }
            let label = String(name) + "]" + String(instruction)
            switch vertices[vertex] {
            case .step(let index)?:
                // BuildKit prints a vertex's header again when its output resumes; another name under a
                // known number is the next build's first step.
                if current?.steps[index].label == Step.label(words.dropLast(), position, instruction) { return }
                finishBuild()
            case .other(let known)?:
                if known == label { return }
                finishBuild()
            case .importing?, .exporting?:
                return
            case nil: break
            }
            start(line)
            touch(timestamp)
            guard let (index, count) = position else {
                if vertices.count < 4 * Self.stepLimit { vertices[vertex] = .other(label) }
                return
            }
            let stage = words.dropLast().joined(separator: " ")
            guard current!.steps.count < Self.stepLimit else {
                current!.omittedSteps += 1
                return
            }
            var step = Step(
                vertex: vertex, stage: stage.isEmpty ? nil : stage, index: index, count: count,
                instruction: String(instruction).trimmingWhitespace(), logLine: line)
            step.startedAt = timestamp
            current!.steps.append(step)
            vertices[vertex] = .step(current!.steps.count - 1)
        }

        private mutating func status(_ vertex: Vertex, _ rest: Substring, timestamp: Double?) {
            guard var build = current else { return }
            defer { current = build }
            let outcome: Transfer.Outcome?
            var seconds: Double?
            var error: String?
            if rest == "CACHED" {
                outcome = .done
            } else if rest.hasPrefix("DONE ") {
                outcome = .done
                let value = rest.dropFirst(5)
                seconds = Double(value.hasSuffix("s") ? value.dropLast() : value)
            } else if rest.hasPrefix("ERROR") {
                outcome = .failed
                error = String(rest.drop { $0 != " " }).trimmingWhitespace()
            } else if rest == "CANCELED" {
                outcome = .failed
            } else {
                outcome = nil
            }
            switch vertex {
            case .step(let index):
                if rest == "CACHED" { build.steps[index].cached = true }
                if rest.hasPrefix("extracting sha256:"), !build.steps[index].isBaseImage { build.steps[index].loadedLayers = true }
                if outcome == .failed { build.steps[index].failed = true }
                if let seconds { build.steps[index].seconds = seconds }
                if outcome != nil {
                    build.steps[index].endedAt = timestamp
                    // A result loaded from an imported cache is a hit, whether or not `CACHED` is printed.
                    if build.steps[index].loadedLayers && !build.steps[index].failed { build.steps[index].cached = true }
                }
            case .importing(let index):
                update(&build.imports[index], outcome, seconds, error)
            case .exporting(let index):
                update(&build.exports[index], outcome, seconds, error)
                if rest.hasPrefix("writing layer "), rest.hasSuffix(" done") { build.exports[index].layersWritten += 1 }
            case .other: break
            }
        }

        private func update(_ transfer: inout Transfer, _ outcome: Transfer.Outcome?, _ seconds: Double?, _ error: String?) {
            guard let outcome else { return }
            transfer.outcome = outcome
            if let seconds { transfer.seconds = seconds }
            if let error { transfer.error = error }
        }

        /// Starts a build at `line` when none is current.
        private mutating func start(_ line: Int) {
            if current == nil {
                var build = CacheBuild(logLine: line)
                build.ciStep = ciStep
                build.commandCacheFrom = pendingFrom
                build.commandCacheTo = pendingTo
                pendingFrom = []
                pendingTo = []
                current = build
            }
        }

        private mutating func touch(_ timestamp: Double?) {
            guard let timestamp, current != nil else { return }
            if current!.firstTimestamp == nil { current!.firstTimestamp = timestamp }
            current!.lastTimestamp = timestamp
        }

        private mutating func finishBuild() {
            defer {
                current = nil
                vertices = [:]
            }
            guard var build = current, !build.steps.isEmpty || !build.imports.isEmpty || !build.exports.isEmpty else { return }
            for index in build.steps.indices where build.steps[index].seconds == nil && !build.steps[index].cached {
                if let start = build.steps[index].startedAt, let end = build.steps[index].endedAt { build.steps[index].seconds = end - start }
                if build.steps[index].loadedLayers && !build.steps[index].failed { build.steps[index].cached = true }
            }
            if let first = build.firstTimestamp, let last = build.lastTimestamp { build.wallSeconds = last - first }
            guard builds.count < Self.buildLimit else {
                omittedBuilds += 1
                return
            }
            builds.append(build)
        }

        /// `WARNING: local cache import at DIR not found due to err: …`: buildx skips a local import whose
        /// folder has no `index.json` before the build starts (`docker/buildx build/opt.go`), so BuildKit never
        /// shows an import step. It prints the warning after the build, so it belongs to the build just read.
        private mutating func skippedLocalImport(_ text: String, after start: String.Index, line: Int) {
            let folder = String(text[start...].prefix { !$0.isWhitespace })
            var transfer = Transfer(vertex: 0, type: "local", name: folder, logLine: line)
            transfer.outcome = .failed
            transfer.error = "not found" + (text.range(of: " due to err: ").map { ": " + text[$0.upperBound...] } ?? "")
            if current != nil {
                current!.imports.append(transfer)
            } else if !builds.isEmpty {
                builds[builds.count - 1].imports.append(transfer)
            }
        }

        /// `exporting cache to registry` and its kin (each exporter's `Name()` in
        /// `moby/buildkit cache/remotecache/*`), and the image exporter's inline cache.
        private static func exportType(of rest: Substring) -> String? {
            let lowered = rest.lowercased()
            if lowered.hasPrefix("preparing layers for inline cache") { return "inline" }
            if lowered.hasPrefix("exporting to github actions cache") { return "gha" }
            guard lowered.hasPrefix("exporting cache to ") else { return nil }
            let names = [("github actions", "gha"), ("registry", "registry"), ("client directory", "local"), ("s3", "s3"), ("azure", "azblob")]
            return names.first { lowered.containsText($0.0) }?.1 ?? "unknown"
        }

        /// `--cache-from X`, `--cache-from=X` in a printed command; `cache-from: X` in a step's inputs.
        private mutating func readCommand(_ text: String) {
            for (flag, isImport) in [("cache-from", true), ("cache-to", false)] {
                var values: [String] = []
                var rest = Substring(text)
                while let range = rest.range(of: flag) {
                    let before = rest[..<range.lowerBound]
                    var after = rest[range.upperBound...]
                    rest = after
                    let isFlag = before.hasSuffix("--")
                    let isInput = !isFlag && before.allSatisfy({ $0 == " " }) && after.hasPrefix(":")
                    guard isFlag || isInput else { continue }
                    after = after.dropFirst(after.hasPrefix("=") || after.hasPrefix(":") || after.hasPrefix(" ") ? 1 : 0).drop { $0 == " " }
                    let value = Self.word(after)
                    if !value.isEmpty && value != "|" && value != ">" { values.append(value) }
                }
                // build-push-action's inputs are echoed and then the command it runs: each value once.
                for value in values {
                    if isImport, !pendingFrom.contains(value) { pendingFrom.append(value) }
                    if !isImport, !pendingTo.contains(value) { pendingTo.append(value) }
                }
            }
            // Flags printed after the build started (bake prints none) belong to the next build.
        }

        /// A shell word: up to white space, or a quoted string without its quotes.
        private static func word(_ text: Substring) -> String {
            if let quote = text.first, quote == "\"" || quote == "'" {
                return String(text.dropFirst().prefix { $0 != quote })
            }
            return String(text.prefix { !$0.isWhitespace })
        }
    }
}

extension CacheBuild.Step {
    static func label(_ stageWords: ArraySlice<Substring>, _ position: (Int, Int)?, _ instruction: Substring) -> String {
        let stage = stageWords.joined(separator: " ")
        guard let (index, count) = position else { return "" }
        return "[\(stage.isEmpty ? "" : stage + " ")\(index)/\(count)] \(String(instruction).trimmingWhitespace())"
    }
}
