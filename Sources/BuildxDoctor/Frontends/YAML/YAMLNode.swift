/// A YAML node with the position of its text, composed once from libyaml's events (see `YAMLDocument`).
///
/// The tree is `Sendable` and every node knows where its text starts and ends, so plans can keep nodes.
/// Not `indirect`: the arrays of mappings and sequences already break the recursion, and a boxed case
/// would cost one heap allocation (and its reference counting) for every node of every file.
public enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    /// Where the node's text starts (for a block scalar, its `|` or `>` indicator).
    public var start: Location {
        switch self {
        case .scalar(let scalar): scalar.start
        case .mapping(let mapping): mapping.start
        case .sequence(let sequence): sequence.start
        }
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    public var mapping: YAMLMapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    public var sequence: YAMLSequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    /// The scalar's text, or `nil` for collections and nulls.
    public var string: String? {
        guard let scalar, !scalar.isNull else { return nil }
        return scalar.value
    }
}

/// A scalar with its presentation, which decides how its value maps back to the file.
public struct YAMLScalar: Sendable {
    public enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public let value: String
    public let style: Style
    public let start: Location
    /// Just past the scalar's last character (a closing quote included; for a block scalar, where its
    /// content ends, trailing line breaks included).
    public let end: Location

    /// A plain `~`, `null`, `Null`, `NULL` or empty value.
    public var isNull: Bool {
        guard style == .plain else { return false }
        // A switch rather than `contains` on an array literal, which builds the array on every call.
        switch value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}

/// A mapping's entries in source order; `<<` merge keys are already applied.
public struct YAMLMapping: Sendable {
    public struct Entry: Sendable {
        public let key: YAMLScalar
        public let value: YAMLNode
    }

    public let entries: [Entry]
    public let start: Location
    public let end: Location
    /// Written as `{ … }` rather than as indented lines: edits there must keep the braces' syntax.
    public let isFlow: Bool

    /// The value of the first entry with this key (GitHub rejects duplicate keys, so which one is moot).
    public subscript(key: String) -> YAMLNode? {
        entries.first { $0.key.value == key }?.value
    }

    /// The entry with this key, for reporting at the key.
    public func entry(_ key: String) -> Entry? {
        entries.first { $0.key.value == key }
    }
}

public struct YAMLSequence: Sendable {
    public let items: [YAMLNode]
    public let start: Location
    public let end: Location
    /// Written as `[ … ]` rather than as `- ` lines.
    public let isFlow: Bool
    /// The node's tag as written (`!reference` in GitLab CI), `nil` when it has none.
    public let tag: String?

    public init(items: [YAMLNode], start: Location, end: Location, isFlow: Bool, tag: String? = nil) {
        self.items = items
        self.start = start
        self.end = end
        self.isFlow = isFlow
        self.tag = tag
    }
}
