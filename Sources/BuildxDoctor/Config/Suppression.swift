/// The comment syntaxes an inline suppression can be written in. YAML files are the only ones read today;
/// the others are for the shell, Makefile and HCL (bake) frontends, and tested on text.
public enum CommentSyntax: Sendable, CaseIterable {
    /// YAML: `#` at the start of a line or after white space (YAML 1.2.2, 6.6 "Comments").
    case yaml
    /// POSIX shell: `#` at the start of a word (POSIX.1-2017, Shell Command Language, 2.3 "Token Recognition", rule 9).
    case shell
    /// make: `#` anywhere outside a `\#` escape (POSIX make, "Makefile Syntax").
    case makefile
    /// HCL: `#` or `//` (hashicorp/hcl `hclsyntax/spec.md`, "Comments and Whitespace").
    case hcl

    /// The comment syntax of a file, by name; YAML when the name says nothing else.
    public static func of(path: String) -> CommentSyntax {
        let name = path.splitting("/").last.map(String.init) ?? path
        if name == "Makefile" || name == "makefile" || name == "GNUmakefile" || name.hasSuffix(".mk") { return .makefile }
        if name.hasSuffix(".hcl") { return .hcl }
        if name.hasSuffix(".sh") || name.hasSuffix(".bash") { return .shell }
        return .yaml
    }
}

/// One `# buildx-doctor: ignore[rule-id, …] reason` comment.
public struct SuppressionDirective: Sendable, Equatable {
    /// A rule id in the list, with the byte range of its text.
    public struct Entry: Sendable, Equatable {
        public let rule: String
        public let range: Range<Int>
    }

    /// The line the comment is on.
    public let line: Int
    /// The line whose findings it suppresses: its own line after code, the next line that is not a
    /// comment when the comment stands alone.
    public let target: Int
    /// The last line it covers: `target`, or in YAML, when the target line opens a block scalar
    /// (`cache-to: |`), the block's last line. A comment inside a block scalar is part of the value
    /// (docker/build-push-action would read it as a cache entry), so the block's lines can only be
    /// suppressed from above its key.
    public let lastTarget: Int
    public let entries: [Entry]
    /// The text after the list, trimmed; `nil` when there is none.
    public let reason: String?
    /// The bytes between the brackets.
    public let listRange: Range<Int>
    /// The bytes to delete to remove the comment: its whole line when it stands alone, else from the white
    /// space before the comment marker to the end of the line.
    public let removalRange: Range<Int>
}

/// Finds suppression comments in a file and applies them to its findings.
public enum Suppressions {
    /// What a suppression comment begins with, after the comment marker and white space.
    public static let marker = "buildx-doctor:"

    /// A suppression that suppresses nothing.
    public static let unused = RuleDescription(
        id: "suppression-unused", severity: .info,
        summary: "A `buildx-doctor: ignore[…]` comment that suppresses nothing.",
        explanation: """
            A suppression comment names rules whose findings it hides on its line (written after the code) or \
            on the next line (written on a line of its own). When no finding of a named rule starts there — \
            the problem was fixed, the line moved, or the id is for another line — the comment hides nothing \
            and would silently hide a new finding that appears there later.

            Remove the comment, or the id from its list; `buildx-doctor fix` does this. A suppression of a rule \
            the configuration turns off is not reported.
            """,
        helpURI: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html",
        triggeringExamples: [
            RuleExample.steps(
                """
                # buildx-doctor: ignore[↓cache-export-unsupported-by-driver] registry cache is on purpose
                - uses: docker/setup-buildx-action@v3
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    # buildx-doctor: ignore[cache-export-unsupported-by-driver] the runner has the containerd store
                    cache-to: type=gha
                """)
        ])

    /// A comment that starts like a suppression but cannot be read as one.
    public static let invalid = RuleDescription(
        id: "suppression-invalid", severity: .warning,
        summary: "A `buildx-doctor:` comment that is not a valid suppression: it suppresses nothing.",
        explanation: """
            A comment that starts with `buildx-doctor:` must read `buildx-doctor: ignore[rule-id, …] reason`: \
            the word `ignore`, a bracketed, comma-separated list of rule ids (`buildx-doctor rules` lists them), \
            then an optional reason. A comment that does not — a misspelt verb, no brackets, an empty list, an \
            unknown rule id — suppresses nothing, so the finding it was meant for is still reported.

            Correct the comment; the message names the nearest rule id for a misspelt one.
            """,
        helpURI: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha # buildx-doctor: ignore[↓cache-export-unsuported-by-driver]
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha # buildx-doctor: ignore[cache-export-unsupported-by-driver] containerd store
                """)
        ])

    public static let descriptions = [unused, invalid]

    /// The suppression comments of `file` and, for comments that start like one but cannot be read,
    /// `suppression-invalid` findings. `knownRules` are the ids a list may name.
    public static func directives(in file: SourceFile, syntax: CommentSyntax, knownRules: [String])
        -> (directives: [SuppressionDirective], problems: [Diagnostic])
    {
        guard file.text.containsText(marker) else { return ([], []) }
        var directives: [SuppressionDirective] = []
        var problems: [Diagnostic] = []
        for line in 1...file.lineCount {
            let range = file.byteRange(ofLine: line)
            let bytes = file.bytes[range]
            guard let comment = commentStart(in: bytes, syntax: syntax) else { continue }
            var cursor = comment.textStart
            skipBlanks(bytes, &cursor)
            guard bytes[cursor...].starts(with: marker.utf8) else { continue }
            let isAlone = bytes[range.lowerBound..<comment.markerStart].allSatisfy(isBlank)
            let parsed = parse(file: file, bytes: bytes, from: cursor + marker.utf8.count, knownRules: knownRules)
            switch parsed {
            case .problem(let problem):
                problems.append(problem)
            case .directive(let entries, let listRange, let reason):
                let removal: Range<Int>
                if isAlone {
                    let next = line < file.lineCount ? file.byteRange(ofLine: line + 1).lowerBound : range.upperBound
                    removal = range.lowerBound..<next
                } else {
                    var start = comment.markerStart
                    while start > range.lowerBound, isBlank(file.bytes[start - 1]) { start -= 1 }
                    removal = start..<range.upperBound
                }
                let target = isAlone ? target(after: line, in: file, syntax: syntax) : line
                let lastTarget = isAlone && syntax == .yaml ? lastLineOfBlockScalar(openedOn: target, in: file) : target
                directives.append(
                    SuppressionDirective(
                        line: line, target: target, lastTarget: lastTarget, entries: entries, reason: reason, listRange: listRange,
                        removalRange: removal))
            }
        }
        return (directives, problems)
    }

    /// Splits `diagnostics` into those still reported and those a directive suppresses, and reports every
    /// listed rule that suppressed nothing (`suppression-unused`) unless `isEnabled` says the rule does not run.
    public static func apply(
        _ directives: [SuppressionDirective], to diagnostics: [Diagnostic], in file: SourceFile, isEnabled: (String) -> Bool
    ) -> (reported: [Diagnostic], suppressed: [SuppressedDiagnostic], unused: [Diagnostic]) {
        guard !directives.isEmpty else { return (diagnostics, [], []) }
        var byTarget: [Int: [Int]] = [:]
        for (index, directive) in directives.enumerated() {
            for line in directive.target...directive.lastTarget { byTarget[line, default: []].append(index) }
        }
        var used = Set<[Int]>()
        var reported: [Diagnostic] = []
        var suppressed: [SuppressedDiagnostic] = []
        for diagnostic in diagnostics {
            let candidates = byTarget[diagnostic.span.start.line] ?? []
            var match: (directive: Int, entry: Int)?
            for index in candidates {
                if let entry = directives[index].entries.firstIndex(where: { $0.rule == diagnostic.rule }) {
                    match = (index, entry)
                    break
                }
            }
            guard let match else {
                reported.append(diagnostic)
                continue
            }
            used.insert([match.directive, match.entry])
            suppressed.append(SuppressedDiagnostic(diagnostic: diagnostic, kind: .inSource, justification: directives[match.directive].reason))
        }
        var unused: [Diagnostic] = []
        for (index, directive) in directives.enumerated() {
            let idle = directive.entries.indices.filter { !used.contains([index, $0]) && isEnabled(directive.entries[$0].rule) }
            guard !idle.isEmpty else { continue }
            let fix = removal(of: idle, from: directive, in: file)
            for entry in idle.map({ directive.entries[$0] }) {
                let place =
                    directive.target == directive.line
                    ? "on this line"
                    : directive.lastTarget > directive.target
                        ? "on lines \(directive.target)–\(directive.lastTarget)" : "on line \(directive.target)"
                unused.append(
                    Self.unused.diagnostic(
                        "this suppression of `\(entry.rule)` suppresses nothing: no `\(entry.rule)` finding starts \(place)",
                        at: file.span(entry.range), help: "remove it, or move it to the line the finding is on", fix: fix))
            }
        }
        return (reported, suppressed, unused)
    }

    /// The edit that removes unused ids: the whole comment when none is used, else those ids from the list.
    private static func removal(of idle: [Int], from directive: SuppressionDirective, in file: SourceFile) -> Fix {
        if idle.count == directive.entries.count {
            return Fix(
                summary: "remove the unused suppression comment", path: file.path,
                edits: [TextEdit(range: directive.removalRange, replacement: "")])
        }
        let kept = directive.entries.indices.filter { !idle.contains($0) }.map { directive.entries[$0].rule }
        return Fix(
            summary: "remove unused ids from the suppression comment", path: file.path,
            edits: [TextEdit(range: directive.listRange, replacement: kept.joined(separator: ", "))])
    }

    // MARK: Scanning

    private struct CommentStart {
        /// Where the comment marker (`#` or `//`) starts.
        let markerStart: Int
        /// Just past the marker.
        let textStart: Int
    }

    /// The first comment on a line (byte offsets into the file).
    private static func commentStart(in line: ArraySlice<UInt8>, syntax: CommentSyntax) -> CommentStart? {
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            let atWordStart = index == line.startIndex || isBlank(line[index - 1])
            switch syntax {
            case .yaml, .shell:
                if byte == UInt8(ascii: "#"), atWordStart { return CommentStart(markerStart: index, textStart: index + 1) }
            case .makefile:
                if byte == UInt8(ascii: "#"), index == line.startIndex || line[index - 1] != UInt8(ascii: "\\") {
                    return CommentStart(markerStart: index, textStart: index + 1)
                }
            case .hcl:
                if byte == UInt8(ascii: "#"), atWordStart { return CommentStart(markerStart: index, textStart: index + 1) }
                if byte == UInt8(ascii: "/"), atWordStart, index + 1 < line.endIndex, line[index + 1] == UInt8(ascii: "/") {
                    return CommentStart(markerStart: index, textStart: index + 2)
                }
            }
            index += 1
        }
        return nil
    }

    /// The line after `line` that is not a comment standing alone (stacked suppressions share a target).
    private static func target(after line: Int, in file: SourceFile, syntax: CommentSyntax) -> Int {
        var next = line + 1
        while next <= file.lineCount {
            let bytes = file.bytes[file.byteRange(ofLine: next)]
            guard let comment = commentStart(in: bytes, syntax: syntax),
                bytes[bytes.startIndex..<comment.markerStart].allSatisfy(isBlank)
            else { break }
            next += 1
        }
        return next
    }

    private enum Parsed {
        case directive(entries: [SuppressionDirective.Entry], list: Range<Int>, reason: String?)
        case problem(Diagnostic)
    }

    /// The last line of the block scalar the line opens (`key: |`, `- >-`, `run: |2 # comment`), or the
    /// line itself. The block holds the following lines that are blank or indented deeper than the
    /// line's key (YAML 1.2.2, 8.1.1.1 "Block Indentation Indicator": content is indented more than its parent).
    private static func lastLineOfBlockScalar(openedOn line: Int, in file: SourceFile) -> Int {
        guard line <= file.lineCount else { return line }
        let range = file.byteRange(ofLine: line)
        var end = commentStart(in: file.bytes[range], syntax: .yaml)?.markerStart ?? range.upperBound
        while end > range.lowerBound, isBlank(file.bytes[end - 1]) { end -= 1 }
        // Chomping and indentation indicators (`|-`, `>+`, `|2`) follow the `|` or `>`.
        var cursor = end
        while cursor > range.lowerBound, "+-0123456789".utf8.contains(file.bytes[cursor - 1]) { cursor -= 1 }
        guard cursor > range.lowerBound, file.bytes[cursor - 1] == UInt8(ascii: "|") || file.bytes[cursor - 1] == UInt8(ascii: ">"),
            cursor - 1 == range.lowerBound || isBlank(file.bytes[cursor - 2])
        else { return line }
        // The key's column: past the indentation and the `- ` of sequence items.
        var key = range.lowerBound
        while key < end, file.bytes[key] == UInt8(ascii: " ") || (file.bytes[key] == UInt8(ascii: "-") && key + 1 < end && isBlank(file.bytes[key + 1])) {
            key += 1
        }
        let keyColumn = key - range.lowerBound
        var last = line
        var next = line + 1
        while next <= file.lineCount {
            let bytes = file.bytes[file.byteRange(ofLine: next)]
            if !bytes.allSatisfy(isBlank) {
                guard bytes.prefix(while: { $0 == UInt8(ascii: " ") }).count > keyColumn else { break }
                last = next
            }
            next += 1
        }
        return last
    }

    /// Reads `ignore[a, b] reason` from `start` to the end of the line.
    private static func parse(file: SourceFile, bytes: ArraySlice<UInt8>, from start: Int, knownRules: [String]) -> Parsed {
        var cursor = start
        skipBlanks(bytes, &cursor)
        let verbStart = cursor
        while cursor < bytes.endIndex, isIdentifierByte(bytes[cursor]) { cursor += 1 }
        let verb = String(decoding: bytes[verbStart..<cursor], as: UTF8.self)
        func problem(_ message: String, _ range: Range<Int>) -> Parsed {
            .problem(
                invalid.diagnostic(message, at: file.span(range), help: "write `# buildx-doctor: ignore[rule-id, …] reason`"))
        }
        guard verb == "ignore" else {
            let hint = Suggestion.didYouMean(verb, among: ["ignore"])
            return problem(
                verb.isEmpty ? "a `buildx-doctor:` comment needs `ignore[rule-id, …]`" : "unknown directive `\(verb)`\(hint)",
                verbStart..<max(cursor, min(verbStart + 1, bytes.endIndex)))
        }
        skipBlanks(bytes, &cursor)
        guard cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "[") else {
            return problem("`ignore` must be followed by a list of rule ids in brackets: `ignore[rule-id]`", verbStart..<cursor)
        }
        let listStart = cursor + 1
        guard let close = bytes[listStart...].firstIndex(of: UInt8(ascii: "]")) else {
            return problem("the list of rule ids is not closed with `]`", cursor..<bytes.endIndex)
        }
        var entries: [SuppressionDirective.Entry] = []
        var itemStart = listStart
        for index in listStart...close where index == close || bytes[index] == UInt8(ascii: ",") {
            var low = itemStart
            var high = index
            while low < high, isBlank(bytes[low]) { low += 1 }
            while high > low, isBlank(bytes[high - 1]) { high -= 1 }
            itemStart = index + 1
            let rule = String(decoding: bytes[low..<high], as: UTF8.self)
            if rule.isEmpty {
                if index == close && !entries.isEmpty { continue }
                return problem("empty rule id in the list", (low == high ? max(listStart - 1, low - 1) : low)..<(index + 1))
            }
            guard knownRules.contains(rule) else {
                let suggestion = Suggestion.didYouMean(rule, among: knownRules)
                return problem("unknown rule `\(rule)`\(suggestion)", low..<high)
            }
            entries.append(SuppressionDirective.Entry(rule: rule, range: low..<high))
        }
        let reasonText = String(decoding: bytes[(close + 1)...], as: UTF8.self).trimmingWhitespace()
        return .directive(entries: entries, list: listStart..<close, reason: reasonText.isEmpty ? nil : reasonText)
    }

    private static func skipBlanks(_ bytes: ArraySlice<UInt8>, _ cursor: inout Int) {
        while cursor < bytes.endIndex, isBlank(bytes[cursor]) { cursor += 1 }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}

/// A finding that is not reported as such: an inline comment or the baseline accounts for it. Reports
/// count these and list them where the format has a place (JSON `suppressed`, SARIF `suppressions`).
public struct SuppressedDiagnostic: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A `buildx-doctor: ignore[…]` comment in the file (SARIF `inSource`).
        case inSource
        /// Recorded in the baseline file (SARIF `external`).
        case baseline
    }

    public let diagnostic: Diagnostic
    public let kind: Kind
    /// The comment's reason, or the baseline file.
    public let justification: String?

    public init(diagnostic: Diagnostic, kind: Kind, justification: String?) {
        self.diagnostic = diagnostic
        self.kind = kind
        self.justification = justification
    }
}
