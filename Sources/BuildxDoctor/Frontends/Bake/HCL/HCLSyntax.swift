/// The syntax tree of an HCL native-syntax file (hashicorp/hcl `hclsyntax`), as the bake reader needs
/// it: bodies of attributes and blocks, and expressions with the byte ranges they were read from.
///
/// Ranges are UTF-8 byte offsets in one file of the files read together (`SourceRange.file`), so that
/// a user function defined in one file and called from another still points at its own text.

/// A byte range in one of the files read together.
struct SourceRange: Sendable, Hashable {
    let file: Int
    let bytes: Range<Int>

    init(file: Int, _ bytes: Range<Int>) {
        self.file = file
        self.bytes = bytes
    }

    /// From the start of `self` to the end of `other` (same file).
    func through(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, bytes.lowerBound..<max(bytes.lowerBound, other.bytes.upperBound))
    }
}

/// One `name = expression` of a body.
struct HCLAttribute: Sendable {
    let name: String
    let nameRange: SourceRange
    let expression: HCLExpression
}

/// A block: `type "label" … { body }`.
struct HCLBlock: Sendable {
    let type: String
    let typeRange: SourceRange
    let labels: [(text: String, range: SourceRange)]
    /// Where hclsyntax says the body starts (its `{`, or the attribute of a one-line block): where buildx
    /// reports a variable's bad environment value.
    let openRange: SourceRange
    let body: HCLBody
}

/// A body's items in source order.
struct HCLBody: Sendable {
    enum Item: Sendable {
        case attribute(HCLAttribute)
        case block(HCLBlock)
    }

    var items: [Item] = []

    var attributes: [HCLAttribute] {
        items.compactMap { if case .attribute(let attribute) = $0 { attribute } else { nil } }
    }

    var blocks: [HCLBlock] {
        items.compactMap { if case .block(let block) = $0 { block } else { nil } }
    }
}

/// The binary operators, by HCL precedence level (hclsyntax `binaryOps`; higher binds tighter).
enum HCLBinaryOperator: String, Sendable {
    case or = "||", and = "&&"
    case equal = "==", notEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", modulo = "%"

    var level: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual: 3
        case .less, .lessOrEqual, .greater, .greaterOrEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide, .modulo: 6
        }
    }
}

/// One step after a splat (`[*].name`, `.*.name`, `[*][0]`).
enum HCLTraversalStep: Sendable {
    case attribute(String, SourceRange)
    case index(HCLExpression)
}

/// A key of an object constructor: a bare identifier is the key's text, anything else is evaluated.
enum HCLObjectKey: Sendable {
    case identifier(String, SourceRange)
    case expression(HCLExpression)
}

/// `for` clauses shared by `[for …]` and `{for …}` and by the `%{ for }` directive.
struct HCLForClause: Sendable {
    let keyName: String?
    let valueName: String
    let collection: HCLExpression
}

/// An expression of HCL's native syntax (hclsyntax `spec.md` "Expressions"), each with its range.
indirect enum HCLExpression: Sendable {
    /// A number literal as written.
    case number(String, SourceRange)
    case bool(Bool, SourceRange)
    case null(SourceRange)
    /// A quoted string or heredoc; `content` is the text between the quotes (the heredoc's body).
    case template(HCLTemplate)
    case variable(String, SourceRange)
    case tuple([HCLExpression], SourceRange)
    case object([(key: HCLObjectKey, value: HCLExpression)], SourceRange)
    case call(name: String, nameRange: SourceRange, arguments: [HCLExpression], expandsLast: Bool, range: SourceRange)
    case index(HCLExpression, HCLExpression, SourceRange)
    case attribute(HCLExpression, String, SourceRange)
    case splat(HCLExpression, steps: [HCLTraversalStep], range: SourceRange)
    case not(HCLExpression, SourceRange)
    case negate(HCLExpression, SourceRange)
    case binary(HCLBinaryOperator, HCLExpression, HCLExpression, SourceRange)
    case conditional(HCLExpression, HCLExpression, HCLExpression, SourceRange)
    case forTuple(HCLForClause, value: HCLExpression, condition: HCLExpression?, range: SourceRange)
    case forObject(HCLForClause, key: HCLExpression, value: HCLExpression, grouped: Bool, condition: HCLExpression?, range: SourceRange)
    case parenthesized(HCLExpression, SourceRange)
    /// What a syntax error left; its problem is already reported.
    case invalid(SourceRange)

    var range: SourceRange {
        switch self {
        case .number(_, let range), .bool(_, let range), .null(let range), .variable(_, let range), .tuple(_, let range),
            .object(_, let range), .index(_, _, let range), .attribute(_, _, let range), .not(_, let range),
            .negate(_, let range), .binary(_, _, _, let range), .conditional(_, _, _, let range),
            .parenthesized(_, let range), .invalid(let range):
            range
        case .template(let template): template.range
        case .call(_, _, _, _, let range), .splat(_, _, let range), .forTuple(_, _, _, let range),
            .forObject(_, _, _, _, _, let range):
            range
        }
    }
}

/// A string template: literal text, interpolations and directives.
struct HCLTemplate: Sendable {
    /// The whole expression (quotes or heredoc header and end marker included).
    let range: SourceRange
    /// The value as written: between the quotes, or the heredoc's body lines.
    let content: SourceRange
    let parts: [HCLTemplatePart]
    /// Whether the parts are exactly the content's bytes (no escapes, no stripped indentation).
    let isVerbatim: Bool
}

/// A part of a template after strip markers and heredoc indentation are applied; `%{ if }` and
/// `%{ for }` directives hold their bodies.
indirect enum HCLTemplatePart: Sendable {
    /// Text after escapes and stripping.
    case literal([UInt8], SourceRange)
    /// `${ … }`; the range covers the delimiters.
    case interpolation(HCLExpression, SourceRange)
    case conditional(HCLExpression, then: [HCLTemplatePart], else: [HCLTemplatePart], range: SourceRange)
    case loop(HCLForClause, body: [HCLTemplatePart], range: SourceRange)
}
