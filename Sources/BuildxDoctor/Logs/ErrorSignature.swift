/// A recognisable failure (or cold-cache warning) in a CI log, with its cause and fix.
public struct ErrorSignature: Sendable {
    public enum Kind: String, Sendable {
        /// The build (or the job) fails.
        case failure
        /// The build goes on, but without cache: the reason builds are slow, not why they fail.
        case coldCache = "cold-cache"
        /// Worth knowing, changes nothing by itself.
        case notice
    }

    /// Stable kebab-case id; part of the interface.
    public let id: String
    public let title: String
    public let kind: Kind
    public let rootCause: String
    public let fix: [String]
    /// The `check` rule that finds the same cause in the configuration.
    public let rule: String?
    public let documentation: String
    /// Text that identifies the error, matched case-insensitively; any one is enough.
    public let fragments: [String]
    /// Further text the same line must contain, for fragments too common on their own.
    public let alsoRequires: [String]

    public init(
        id: String, title: String, kind: Kind = .failure, rootCause: String, fix: [String], rule: String? = nil,
        documentation: String, fragments: [String], alsoRequires: [String] = []
    ) {
        self.id = id
        self.title = title
        self.kind = kind
        self.rootCause = rootCause
        self.fix = fix
        self.rule = rule
        self.documentation = documentation
        self.fragments = fragments
        self.alsoRequires = alsoRequires
    }
}
