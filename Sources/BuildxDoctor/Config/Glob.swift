/// A path pattern of the configuration file (`exclude:`, `overrides[].files`, `runners[].labels`).
///
/// The syntax is the common subset of POSIX `fnmatch(3)` with `FNM_PATHNAME` and gitignore(5):
/// `*` matches any run of characters except `/`, `?` one character except `/`, `[abc]`, `[a-z]` and
/// `[!a]` (or `[^a]`) one character of a class (never `/`), `**` as a whole path segment any number of
/// segments (none included), and `\` makes the next character literal. Matching is by Unicode scalar
/// and case-sensitive unless asked otherwise (runner labels are compared without case, as GitHub does).
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]

    private enum Token: Equatable {
        case literal(Unicode.Scalar)
        case anyRun
        case anyOne
        /// `**/` at the start or between slashes: zero or more whole segments.
        case anySegments
        /// `/**` at the end: everything below.
        case everythingBelow
        case characterClass(ranges: [ClosedRange<Unicode.Scalar>], negated: Bool)
    }

    /// Why a pattern cannot be used.
    public struct SyntaxError: Error, Sendable, Equatable {
        public let message: String
    }

    public init(_ pattern: String) throws(SyntaxError) {
        self.pattern = pattern
        self.tokens = try Self.tokens(of: Array(pattern.unicodeScalars))
    }

    public var description: String { pattern }

    /// Whether the pattern contains `/` (before its last character): such patterns are anchored to the
    /// configuration file's folder; others match a name in any folder.
    public var isAnchored: Bool {
        pattern.dropLast().contains("/")
    }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String, ignoringCase: Bool = false) -> Bool {
        let subject = Array((ignoringCase ? text.lowercased() : text).unicodeScalars)
        let tokens = ignoringCase ? self.tokens.map(Self.lowercased) : self.tokens
        return Self.match(tokens[...], subject[...])
    }

    /// Whether a relative path (`/`-separated, no leading `./`) matches, gitignore-style: an anchored
    /// pattern matches the path or one of its leading folders; an unanchored one matches any name in it,
    /// or a run of names ending in a folder that holds the file.
    public func matches(path: String) -> Bool {
        var pattern = self
        if pattern.pattern.hasSuffix("/") { pattern = (try? Glob(String(self.pattern.dropLast()))) ?? self }
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return false }
        if isAnchored {
            let trimmed = pattern.pattern.hasPrefix("/") ? (try? Glob(String(pattern.pattern.dropFirst()))) ?? pattern : pattern
            return (1...components.count).contains { trimmed.matches(components[0..<$0].joined(separator: "/")) }
        }
        // A pattern without `/` names a file or folder anywhere: any single component matches.
        return components.contains { pattern.matches($0) }
    }

    private static func lowercased(_ token: Token) -> Token {
        switch token {
        case .literal(let scalar): .literal(Unicode.Scalar(String(scalar).lowercased()) ?? scalar)
        case .characterClass(let ranges, let negated):
            .characterClass(
                ranges: ranges.map { range in
                    let low = Unicode.Scalar(String(range.lowerBound).lowercased()) ?? range.lowerBound
                    let high = Unicode.Scalar(String(range.upperBound).lowercased()) ?? range.upperBound
                    return low <= high ? low...high : range
                }, negated: negated)
        default: token
        }
    }

    private static func tokens(of scalars: [Unicode.Scalar]) throws(SyntaxError) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "*":
                var end = index
                while end < scalars.count, scalars[end] == "*" { end += 1 }
                let startsSegment = index == 0 || scalars[index - 1] == "/"
                let endsSegment = end == scalars.count || scalars[end] == "/"
                if end - index >= 2, startsSegment, endsSegment {
                    if end == scalars.count {
                        // `dir/**` matches everything inside dir; a lone `**` matches everything.
                        if tokens.last == .literal("/") { tokens.removeLast() }
                        tokens.append(.everythingBelow)
                        index = end
                    } else {
                        tokens.append(.anySegments)
                        index = end + 1
                    }
                } else if end - index >= 2 {
                    throw SyntaxError(message: "`**` must be a whole path segment (`a/**/b`), not part of a name")
                } else {
                    tokens.append(.anyRun)
                    index = end
                }
            case "?":
                tokens.append(.anyOne)
                index += 1
            case "[":
                let (token, next) = try characterClass(scalars, from: index)
                tokens.append(token)
                index = next
            case "\\":
                guard index + 1 < scalars.count else { throw SyntaxError(message: "the pattern ends with an escaping `\\`") }
                tokens.append(.literal(scalars[index + 1]))
                index += 2
            default:
                tokens.append(.literal(scalar))
                index += 1
            }
        }
        return tokens
    }

    /// A `[...]` class starting at `start`; `]` right after `[` or `[!` is a member, as in fnmatch(3).
    private static func characterClass(_ scalars: [Unicode.Scalar], from start: Int) throws(SyntaxError) -> (Token, Int) {
        var index = start + 1
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while index < scalars.count, scalars[index] != "]" || first {
            first = false
            var low = scalars[index]
            if low == "\\", index + 1 < scalars.count {
                index += 1
                low = scalars[index]
            }
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                let high = scalars[index + 2]
                guard low <= high else {
                    throw SyntaxError(message: "the range `\(low)-\(high)` in `[...]` runs backwards")
                }
                ranges.append(low...high)
                index += 3
            } else {
                ranges.append(low...low)
                index += 1
            }
        }
        guard index < scalars.count else { throw SyntaxError(message: "`[` opens a character class that is never closed") }
        return (.characterClass(ranges: ranges, negated: negated), index + 1)
    }

    /// Backtracking match; `*` and `**` are the only branching tokens, and patterns are a few tokens long.
    private static func match(_ tokens: ArraySlice<Token>, _ subject: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let token = tokens.first else { return subject.isEmpty }
        let rest = tokens.dropFirst()
        switch token {
        case .literal(let scalar):
            return subject.first == scalar && match(rest, subject.dropFirst())
        case .anyOne:
            guard let first = subject.first, first != "/" else { return false }
            return match(rest, subject.dropFirst())
        case .characterClass(let ranges, let negated):
            guard let first = subject.first, first != "/" else { return false }
            let inClass = ranges.contains { $0.contains(first) }
            return inClass != negated && match(rest, subject.dropFirst())
        case .anyRun:
            var candidate = subject
            while true {
                if match(rest, candidate) { return true }
                guard let first = candidate.first, first != "/" else { return false }
                candidate = candidate.dropFirst()
            }
        case .anySegments:
            // Zero segments, or skip to just after each following `/`.
            if match(rest, subject) { return true }
            var candidate = subject
            while let slash = candidate.firstIndex(of: "/") {
                candidate = subject[(slash + 1)...]
                if match(rest, candidate) { return true }
            }
            return false
        case .everythingBelow:
            // `dir/**` needs something below dir; a lone `**` matches anything.
            if tokens.startIndex == 0 { return true }
            return subject.first == "/" && subject.count > 1
        }
    }
}
