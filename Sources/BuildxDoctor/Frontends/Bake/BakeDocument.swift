/// One bake definition file (HCL or JSON) read into bake's blocks, before bake's own semantics: the
/// HCL reader evaluates variables, functions and `matrix` here, as buildx does while decoding
/// (`docker/buildx bake/hclparser`); `inherits`, groups, the merging of several files and `--set`
/// overrides are applied later to the blocks (`docker/buildx bake/bake.go`).
public struct BakeDocument: Sendable {
    /// The file's path, as in every report.
    public let path: String
    /// `target` blocks in source order, one per matrix combination; a name may repeat (buildx merges
    /// blocks of the same name, later attributes over earlier ones).
    public var targets: [BakeBlock]
    /// `group` blocks in source order.
    public var groups: [BakeBlock]
    /// What could not be read: syntax errors, unknown variables, cycles, expansion limits. A reader
    /// that meets a problem keeps the rest of the file.
    public var problems: [BakeProblem]

    public init(path: String, targets: [BakeBlock] = [], groups: [BakeBlock] = [], problems: [BakeProblem] = []) {
        self.path = path
        self.targets = targets
        self.groups = groups
        self.problems = problems
    }
}

/// A `target` or `group` block (or a JSON object under `"target"`/`"group"`), with its attributes evaluated.
public struct BakeBlock: Sendable {
    /// The block's label after evaluation (a matrix target's `name`).
    public let name: String
    /// The label as written; for a matrix target, the `name` attribute's value.
    public let nameSpan: Span
    /// The attributes in source order.
    public let attributes: [BakeAttribute]

    public init(name: String, nameSpan: Span, attributes: [BakeAttribute]) {
        self.name = name
        self.nameSpan = nameSpan
        self.attributes = attributes
    }

    /// The last attribute of that name (HCL rejects duplicates; JSON keeps the last).
    public func attribute(_ name: String) -> BakeAttribute? {
        attributes.last { $0.name == name }
    }
}

/// One `name = value` of a block.
public struct BakeAttribute: Sendable {
    public let name: String
    public let nameSpan: Span
    public let value: BakeValue

    public init(name: String, nameSpan: Span, value: BakeValue) {
        self.name = name
        self.nameSpan = nameSpan
        self.value = value
    }
}

/// An evaluated value with where it is written. A value is known only when every input of the
/// expression that makes it is literal; anything else is `unknown`, never guessed.
public indirect enum BakeValue: Sendable {
    case string(BakeString)
    case bool(Bool, Span)
    /// A number as written (`1`, `1.5e3`).
    case number(String, Span)
    case null(Span)
    /// A list, each element with its own span.
    case list([BakeValue], Span)
    /// An object (`{ KEY = "v" }`, `args`, `labels`), keys in source order.
    case object([(key: String, value: BakeValue)], Span)
    /// An expression whose value the file alone does not decide (an unknown variable or function,
    /// `%{ }` directives over unknown values); the text says what, for messages.
    case unknown(String, Span)

    /// Where the value is written.
    public var span: Span {
        switch self {
        case .string(let string): string.span
        case .bool(_, let span), .number(_, let span), .null(let span), .list(_, let span), .object(_, let span),
            .unknown(_, let span):
            span
        }
    }
}

/// A string value: literal text, or a template (`"${REGISTRY}/app:cache"`) of which some parts are unknown.
public struct BakeString: Sendable {
    /// The value; the bytes of unknown parts are replaced by placeholders (as `MaskedText` does for
    /// GitHub expressions), so that a parser reading the value never splits inside one.
    public let text: String
    /// UTF-8 byte ranges of `text` that only the run decides.
    public let unknownParts: [Range<Int>]
    /// The value as written, without its quotes (or the heredoc's body).
    public let span: Span
    /// Whether byte `i` of `text` is byte `i` of the span (a literal without escapes, interpolations
    /// or heredoc indentation), so that a part of the value can be pointed at and edited exactly.
    public let isVerbatim: Bool

    public init(text: String, unknownParts: [Range<Int>] = [], span: Span, isVerbatim: Bool) {
        self.text = text
        self.unknownParts = unknownParts
        self.span = span
        self.isVerbatim = isVerbatim
    }

    /// Whether the whole value is known.
    public var isKnown: Bool { unknownParts.isEmpty }
}

/// Something in a bake file that bake itself would refuse or that cannot be read.
public struct BakeProblem: Sendable, Equatable {
    public let message: String
    public let span: Span

    public init(message: String, span: Span) {
        self.message = message
        self.span = span
    }
}

/// What a reader knows of the environment bake runs in: a bake `variable` takes its value from an
/// environment variable of the same name when one is set (`docker/buildx bake/hclparser`).
public struct BakeEnvironment: Sendable {
    /// Variables known to be set, each known or an expression.
    public let variables: [String: Value<String>]

    public init(variables: [String: Value<String>] = [:]) {
        self.variables = variables
    }
}
