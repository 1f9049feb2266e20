import BuildxModel

/// One build buildx will run, with what it asks for and the text each request came from.
public struct BuildInvocation: Sendable {
    /// The step's `uses:` (or the command) that starts the build.
    public let span: Span
    public let selection: BuilderSelection
    /// Decided by `BuilderSimulation` from the steps before the build.
    public internal(set) var builder: BuilderState
    /// The buildx version a setup step before the build pinned (`version:`), if any.
    public internal(set) var buildxVersion: WrittenText?
    /// This machine's buildx, read live, when the build runs here and no setup step installed another.
    public internal(set) var liveBuildxVersion: SemanticVersion?
    /// The image stores the job's Docker Engine may use when the build runs: where `load` sends the
    /// image, whatever the builder. `nil` when the engine is not known (a composite action's caller).
    public internal(set) var engineStores: [ImageStore]?
    public let cacheImports: [CacheEntry]
    public let cacheExports: [CacheEntry]
    /// The requested platforms, `nil` when none is requested.
    public let platforms: PlatformList?
    /// What the build does with its result besides caching.
    public let result: BuildResult
    /// Attestation requests (`provenance`, `sbom`, `attests`) as written; `false` values are left out.
    public let attestations: [WrittenText]
    /// What decides the image the build makes (context, file, target, build args, platforms), used to
    /// see whether two builds make the same image.
    public let identity: BuildIdentity
    /// Whether buildx finds the GitHub Actions cache service's token and URL in its environment.
    public let actionsRuntime: ActionsRuntime
    /// The bake target the build is, when bake runs it: findings about its values name the target.
    public let bakeTarget: BakeTargetOrigin?

    public init(
        span: Span, selection: BuilderSelection, builder: BuilderState = .unknown(reason: "not simulated"),
        cacheImports: [CacheEntry], cacheExports: [CacheEntry], platforms: PlatformList?,
        result: BuildResult = BuildResult(), attestations: [WrittenText] = [], identity: BuildIdentity = BuildIdentity(),
        actionsRuntime: ActionsRuntime = .providedByAction, bakeTarget: BakeTargetOrigin? = nil
    ) {
        self.span = span
        self.selection = selection
        self.builder = builder
        self.cacheImports = cacheImports
        self.cacheExports = cacheExports
        self.platforms = platforms
        self.result = result
        self.attestations = attestations
        self.identity = identity
        self.actionsRuntime = actionsRuntime
        self.bakeTarget = bakeTarget
    }

    /// Imports and exports together.
    public var cacheEntries: [CacheEntry] { cacheImports + cacheExports }

    /// Whether buildx drops the entry before the build starts: a `type=gha` entry without a `token`
    /// attribute when the environment has no `ACTIONS_RUNTIME_TOKEN` (`docker/buildx build/opt.go`
    /// `CreateCaches` keeps a gha entry only with a token and a URL, and says nothing when it drops one).
    public func dropsEntry(_ entry: CacheEntry) -> Bool {
        guard actionsRuntime == .missing || actionsRuntime == .noService else { return false }
        return entry.specs.contains { $0.backend == .gha && entry.value(of: "token", in: $0) == .absent }
    }
}

/// Whether a build's environment holds the GitHub Actions cache service's credentials.
public enum ActionsRuntime: Sendable, Equatable {
    /// A JavaScript or container action runs buildx: the runner hands it the token and URLs.
    case providedByAction
    /// A shell step, where the job exposes them (an env, or crazy-max/ghaction-github-runtime before it).
    case exposed
    /// A shell step of a GitHub Actions job that does not expose them.
    case missing
    /// Outside GitHub Actions: there is no such service.
    case noService
    /// A script or Makefile checked on its own: whoever runs it decides its environment.
    case unknown
}

/// Where a build's image goes.
public struct BuildResult: Sendable {
    /// `push: true`, or an expression.
    public let push: Value<Bool>?
    /// `load: true`, or an expression.
    public let load: WrittenFlag?
    /// `outputs` entries, parsed where they are literal.
    public let outputs: [(written: WrittenText, spec: OutputSpec?)]
    /// `tags`, each known or an expression.
    public let tags: [(value: Value<String>, span: Span)]

    public init(
        push: Value<Bool>? = nil, load: WrittenFlag? = nil, outputs: [(written: WrittenText, spec: OutputSpec?)] = [],
        tags: [(value: Value<String>, span: Span)] = []
    ) {
        self.push = push
        self.load = load
        self.outputs = outputs
        self.tags = tags
    }

    /// Whether the image is pushed for sure (`push: true` or an image output with `push=true`).
    public var pushes: Bool {
        push == .known(true) || outputs.contains { $0.spec?.type == "image" && $0.spec?.attributes["push"] == "true" }
    }
}

/// A boolean input with where it is written.
public struct WrittenFlag: Sendable {
    public let value: Value<Bool>
    public let span: Span

    public init(value: Value<Bool>, span: Span) {
        self.value = value
        self.span = span
    }
}

/// The platforms a build targets, each known or unknown.
public struct PlatformList: Sendable {
    public let platforms: [Value<String>]
    /// The input's value.
    public let span: Span

    public init(platforms: [Value<String>], span: Span) {
        self.platforms = platforms
        self.span = span
    }

    /// The number of platforms when every entry is known; an expression could stand for several.
    public var knownCount: Int? {
        platforms.allSatisfy { $0.known != nil } ? platforms.count : nil
    }
}

/// One `cache-from` or `cache-to` entry as written, with buildx's reading of it.
public struct CacheEntry: Sendable {
    public enum Content: Sendable {
        /// Parsed entries (the ref-only shorthand can give several). Values may contain masked expressions.
        case specs([CacheSpec])
        /// buildx rejects the entry with this error.
        case invalid(CacheSpecError)
        /// The action cannot even split the list (an unclosed quote).
        case unsplittable(ActionInputList.SplitError)
        /// The entry is an expression, or an expression hides what buildx would make of it.
        case unknown
    }

    public let direction: CacheDirection
    /// The entry's text exactly as written.
    public let text: String
    /// What buildx receives after the action split the list (quotes it removed are gone), with every
    /// expression replaced by placeholders (see `Expression.mask`).
    public let received: String
    /// Where expressions stand in `received`: what only the run decides.
    public let unknownParts: [Range<Int>]
    public let span: Span
    public let content: Content
    /// Whether `received` is `text` with only its expressions masked (no quotes removed), so that offsets
    /// in `received` are offsets in the written text. Worked out once: rules ask it for every field.
    private let isVerbatim: Bool
    /// Whether fields can be located exactly: the entry is verbatim, on one line, and its span covers
    /// exactly its text.
    private let isLocatable: Bool
    /// The offsets of UTF-8 continuation bytes in `text` (empty when it is ASCII), so that a field's column
    /// is found by a binary search instead of a walk over the entry for every field.
    private let continuationBytes: [Int]

    public init(
        direction: CacheDirection, text: String, received: String, unknownParts: [Range<Int>] = [], span: Span, content: Content
    ) {
        self.direction = direction
        self.text = text
        self.received = received
        self.unknownParts = unknownParts
        self.span = span
        self.content = content
        let isVerbatim = Expression.mask(text).text == received
        self.isVerbatim = isVerbatim
        var continuationBytes: [Int] = []
        var lines = 1
        Self.withBytes(of: text) { bytes in
            for (offset, byte) in bytes.enumerated() where byte & 0xC0 == 0x80 { continuationBytes.append(offset) }
            // Columns are counted on the entry's first line, so any line break inside the entry (LF, CR, NEL,
            // U+2028, U+2029: see `LineBreaks`) leaves the whole entry's span.
            if isVerbatim { lines = LineBreaks.lineStarts(of: Array(bytes)).count }
        }
        self.continuationBytes = continuationBytes
        self.isLocatable = isVerbatim && lines == 1 && span.end.offset - span.start.offset == text.utf8.count
    }

    /// Calls `body` with the UTF-8 bytes of `text`, without copying them when the string is stored as UTF-8.
    private static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Parses one list item the way buildx will, keeping expressions opaque. `received` is the item
    /// after list splitting, expressions replaced by placeholders at `unknownParts`.
    public init(direction: CacheDirection, text: String, received: String, unknownParts: [Range<Int>], span: Span) {
        let masked = MaskedText(text: received, unknown: unknownParts)
        let content: Content
        do {
            let specs = try CacheSpecParser.parse(received)
            let hidden = specs.contains { spec in
                // A lone expression parses as a ref-only entry, but it may stand for any spec; an
                // expression in the type or in a key hides what the entry asks for.
                guard let typeField = spec.typeField else { return masked.isUnknown(0..<received.utf8.count) }
                return masked.isUnknown(Self.keyRange(of: typeField, in: received))
                    || spec.fields.contains { masked.isUnknown(Self.keyRange(of: $0, in: received)) }
                    || masked.isUnknown(typeField.range)
            }
            content = hidden ? .unknown : .specs(specs)
        } catch {
            content = unknownParts.isEmpty ? .invalid(error) : .unknown
        }
        self.init(direction: direction, text: text, received: received, unknownParts: unknownParts, span: span, content: content)
    }

    /// The bytes of a field's key (a quoted field's key starts after its quote).
    private static func keyRange(of field: CacheSpec.Field, in received: String) -> Range<Int> {
        let bytes = received.utf8
        let start = field.range.lowerBound
        let quoted = start < bytes.count && bytes[bytes.index(bytes.startIndex, offsetBy: start)] == UInt8(ascii: "\"")
        let lower = start + (quoted ? 1 : 0)
        return lower..<min(field.range.upperBound, lower + field.key.utf8.count)
    }

    /// Whether some part of the entry is an expression.
    public var hasUnknownParts: Bool { !unknownParts.isEmpty }

    /// Whether the text at `range` of `received` (a field's range, say) touches an expression.
    public func isUnknown(_ range: Range<Int>) -> Bool {
        MaskedText(text: received, unknown: unknownParts).isUnknown(range)
    }

    /// The effective value of `key` in one of this entry's specs, telling expressions apart from text.
    public func value(of key: String, in spec: CacheSpec) -> AttributeValue {
        guard let field = spec.field(key) else { return .absent }
        return isUnknown(field.range) ? .unknown : .known(field.value)
    }

    /// A field's value as written, expressions included; `nil` when the action changed the text
    /// (removed quotes), so received offsets no longer match the source.
    public func writtenValue(of field: CacheSpec.Field) -> String? {
        guard isVerbatim else { return nil }
        return Self.withBytes(of: text) { bytes in
            guard field.range.upperBound <= bytes.count, let equals = bytes[field.range].firstIndex(of: UInt8(ascii: "=")) else {
                return nil
            }
            return String(decoding: bytes[(equals + 1)..<field.range.upperBound], as: UTF8.self)
        }
    }

    /// The span of one field of the entry, so a finding about an attribute points at the attribute; the
    /// whole entry when the action changed the text or the entry spans lines.
    public func span(of field: CacheSpec.Field) -> Span { exactSpan(of: field) ?? span }

    /// The field's own span, or `nil` when it cannot be located exactly (what fixes need).
    public func exactSpan(of field: CacheSpec.Field) -> Span? {
        guard isLocatable, field.range.upperBound <= text.utf8.count else { return nil }
        func location(_ offset: Int) -> Location {
            // Columns count Unicode scalars: every byte before `offset` but a continuation byte.
            var low = 0
            var high = continuationBytes.count
            while low < high {
                let middle = (low + high) / 2
                if continuationBytes[middle] < offset { low = middle + 1 } else { high = middle }
            }
            return Location(line: span.start.line, column: span.start.column + offset - low, offset: span.start.offset + offset)
        }
        return Span(path: span.path, start: location(field.range.lowerBound), end: location(field.range.upperBound))
    }

    /// An edit that replaces one field's whole `key=value` text, when the field can be located exactly.
    public func replacing(_ field: CacheSpec.Field, with text: String) -> TextEdit? {
        exactSpan(of: field).map { TextEdit(range: $0.byteRange, replacement: text) }
    }

    /// An edit that removes one field with the comma that separates it from its neighbour.
    public func removing(_ field: CacheSpec.Field) -> TextEdit? {
        guard let exact = exactSpan(of: field) else { return nil }
        return Self.withBytes(of: received) { bytes in
            if field.range.lowerBound > 0, bytes[field.range.lowerBound - 1] == UInt8(ascii: ",") {
                return TextEdit(range: (exact.start.offset - 1)..<exact.end.offset, replacement: "")
            }
            if field.range.upperBound < bytes.count, bytes[field.range.upperBound] == UInt8(ascii: ",") {
                return TextEdit(range: exact.start.offset..<(exact.end.offset + 1), replacement: "")
            }
            return nil
        }
    }

    /// The parsed specs, or none when the entry is invalid or unknown.
    public var specs: [CacheSpec] {
        if case .specs(let specs) = content { return specs }
        return []
    }
}

/// An attribute's value as a rule may use it.
public enum AttributeValue: Sendable, Equatable {
    case absent
    case known(String)
    /// Comes from an expression.
    case unknown
}

extension AttributeValue {
    /// A known value BuildKit reads as true.
    public var isTrue: Bool {
        guard case .known(let text) = self else { return false }
        return GoBool.parse(text) == true
    }

    /// A known value BuildKit does not read as true (an unparsable value counts as false, as it does there).
    public var isFalse: Bool {
        guard case .known(let text) = self else { return false }
        return GoBool.parse(text) != true
    }
}
