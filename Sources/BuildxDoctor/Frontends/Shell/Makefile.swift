import BuildxModel

/// A Makefile (`Makefile`, `GNUmakefile`, `*.mk`) read into its rules, recipes and variables, for following
/// the commands CI runs through `make`.
///
/// Recipes are expanded the way GNU make expands them before handing each line to the shell: `$(VAR)` and
/// `${VAR}` whose value is known (literal `=`, `:=`, `::=`, `:::=`, `?=`, `+=` assignments, expanded
/// recursively; command-line `overrides`; `$(MAKE)` as `make`), `$$`, `$@`, `$<` and `$^`; anything else (`$(shell …)`, other
/// functions, `!=`, variables defined inside `ifeq`/`ifdef` or per target, or not at all, since the
/// environment may define them) is an unknown part. Each logical recipe line is then read as its own shell
/// script (make runs each in a new shell), with ranges into the Makefile. `.ONESHELL` and `.RECIPEPREFIX`
/// are not modelled; `include`d files are recorded, not read; `define … endef` bodies are skipped.
///
/// Reference: GNU make manual, "Writing Rules", "Writing Recipes in Rules", "How to Use Variables",
/// "Conditional Parts of Makefiles" (https://www.gnu.org/software/make/manual/make.html).
public struct Makefile: Sendable, Equatable {
    /// A target or prerequisite name.
    public struct Name: Sendable, Equatable {
        /// The name after expansion; nil when it depends on something unknown.
        public let value: String?
        /// The name as written.
        public let text: String
        public let range: Range<Int>
    }

    /// One line of a recipe after expansion, as the shell receives it.
    public struct RecipeLine: Sendable, Equatable {
        /// From the byte after the recipe tab (or `;`) to the end of the last continuation line.
        public let range: Range<Int>
        /// The shell text after expansion with the `@`, `-` and `+` prefixes removed; unknown parts are
        /// placeholders whose ranges `text.unknown` gives.
        public let text: MaskedText
        /// From offsets in `text` to offsets in the Makefile; an expanded variable maps to its reference.
        public let map: OffsetMap
        /// `@`: make does not echo the line.
        public let isSilent: Bool
        /// `-`: make goes on when the line fails.
        public let ignoresErrors: Bool
        /// `+`: runs even under `make -n`.
        public let alwaysRuns: Bool
        /// Inside an `ifeq`/`ifneq`/`ifdef`/`ifndef` block.
        public let isConditional: Bool
        /// The line read as a shell script, with ranges in the Makefile.
        public let script: ShellScript
    }

    /// A rule: `targets: prerequisites` and its recipe. Pattern rules (`%.o: %.c`) and special targets
    /// (`.PHONY`) are rules too.
    public struct Rule: Sendable, Equatable {
        public let targets: [Name]
        public let prerequisites: [Name]
        /// The rule line, continuation lines included.
        public let range: Range<Int>
        /// `target::`
        public let isDoubleColon: Bool
        public let isConditional: Bool
        public let recipe: [RecipeLine]
    }

    /// How a variable was assigned.
    public enum Flavor: String, Sendable, Equatable {
        /// `=`: expanded each time it is used.
        case recursive = "="
        /// `:=`, `::=` or `:::=`: expanded once, where assigned.
        case simple = ":="
        /// `?=`: assigned only when not yet defined.
        case conditional = "?="
        /// `+=`
        case append = "+="
        /// `!=`: the output of a shell command.
        case shell = "!="
        /// `define NAME … endef`.
        case define
    }

    /// One assignment of a variable, as written.
    public struct Variable: Sendable, Equatable {
        public let name: String
        public let nameRange: Range<Int>
        public let flavor: Flavor
        /// The value as written (after joining continuation lines and removing a comment).
        public let text: String
        /// The assignment line.
        public let range: Range<Int>
        public let isConditional: Bool
        public let isOverride: Bool
        public let isExported: Bool
    }

    /// An `include` line; the files are not read.
    public struct Include: Sendable, Equatable {
        public let files: [Name]
        public let range: Range<Int>
        /// `-include` or `sinclude`: a missing file is not an error.
        public let isOptional: Bool
    }

    /// A line GNU make refuses (`missing separator`, an `endif` without `if`…), or an unclosed block.
    public struct Problem: Sendable, Equatable {
        public let message: String
        /// UTF-8 byte offset of the line (or block opener) in the Makefile.
        public let offset: Int
    }

    public let rules: [Rule]
    /// Every assignment, in order.
    public let variables: [Variable]
    public let includes: [Include]
    public let problems: [Problem]
    /// The goal `make` builds without arguments: `.DEFAULT_GOAL`, or the first target of the first rule whose
    /// target does not start with `.` and is not a pattern.
    public let defaultGoal: String?
    let finalValues: [String: MakeValue]

    /// The known value of variable `name` once the whole Makefile is read; nil when unknown or undefined.
    public func value(of name: String) -> String? {
        guard let value = finalValues[name] else { return nil }
        var expander = MakeExpander(variables: finalValues, automatic: [:])
        return MakeExpander.literal(expander.expand(value))
    }

    /// The rules that have `target` among their targets, in order.
    public func rules(for target: String) -> [Rule] {
        rules.filter { rule in rule.targets.contains { $0.value == target } }
    }

    /// Reads `text`. `overrides` are command-line variables (`make IMAGE=x`), which win over every
    /// assignment that is not marked `override`.
    public static func parse(_ text: String, overrides: [String: String] = [:]) -> Makefile {
        var reader = MakefileReader(bytes: Array(text.utf8), overrides: overrides)
        return reader.read()
    }
}

/// A variable's definition as make keeps it.
enum MakeValue: Sendable, Equatable {
    /// `=`: the raw text, expanded when used.
    case recursive([UInt8])
    /// `:=`: already expanded.
    case simple([MakeSegment])
    case unknown
}

/// A piece of expanded text.
enum MakeSegment: Sendable, Equatable {
    case text(String)
    case unknown(source: String)
}

/// Text derived from the input with a map back to it, and the unknown parts it holds.
struct MappedBytes {
    var bytes: [UInt8] = []
    var runs: [OffsetMap.Run] = []
    var masks: [Range<Int>] = []
    var maskSources: [String] = []

    mutating func appendInput(_ source: [UInt8], _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let start = bytes.count
        bytes.append(contentsOf: source[range])
        if let last = runs.last, last.exact, last.valueEnd == start, last.inputEnd == range.lowerBound {
            runs[runs.count - 1].valueLength += range.count
            runs[runs.count - 1].inputLength += range.count
        } else {
            runs.append(OffsetMap.Run(valueStart: start, valueLength: range.count, inputStart: range.lowerBound, inputLength: range.count, exact: true))
        }
    }

    /// `text` standing for the input `range` as a whole.
    mutating func appendSubstitute<C: Collection>(_ text: C, for range: Range<Int>) where C.Element == UInt8 {
        let start = bytes.count
        bytes.append(contentsOf: text)
        guard bytes.count > start else { return }
        runs.append(OffsetMap.Run(valueStart: start, valueLength: bytes.count - start, inputStart: range.lowerBound,
                                  inputLength: range.count, exact: false))
    }

    mutating func appendUnknown(_ source: String, for range: Range<Int>) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(MaskedText.placeholder, count: max(1, source.utf8.count)))
        masks.append(start..<bytes.count)
        maskSources.append(source)
        runs.append(OffsetMap.Run(valueStart: start, valueLength: bytes.count - start, inputStart: range.lowerBound,
                                  inputLength: range.count, exact: bytes.count - start == range.count))
    }

    var map: OffsetMap { OffsetMap(runs: runs, anchor: runs.first?.inputStart ?? 0) }
}

/// Expands make references in text.
struct MakeExpander {
    /// How deep a recursive variable may refer to others before it is taken as unknown (a loop, for make an error).
    static let maximumDepth = 32

    let variables: [String: MakeValue]
    /// `$@`, `$<`, `$^` in a recipe.
    let automatic: [String: String]
    var depth = 0

    /// A reference found in text.
    enum Piece {
        case text(Range<Int>)
        /// `$$`
        case dollar(Range<Int>)
        /// `$(NAME)`, `${NAME}` or `$N`
        case variable(String, Range<Int>)
        /// A function call, substitution reference or unterminated reference.
        case other(Range<Int>)
    }

    /// The references in `bytes`, in order.
    static func scan(_ bytes: [UInt8]) -> [Piece] {
        var pieces: [Piece] = []
        var index = 0
        var textStart = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count else {
                index += 1
                continue
            }
            if textStart < index { pieces.append(.text(textStart..<index)) }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "$") {
                pieces.append(.dollar(index..<(index + 2)))
                index += 2
            } else if next == UInt8(ascii: "(") || next == UInt8(ascii: "{") {
                // Find the matching close, counting both kinds of parentheses as make does.
                var depth = 0
                var cursor = index + 1
                var close: Int?
                while cursor < bytes.count {
                    let byte = bytes[cursor]
                    if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{") { depth += 1 }
                    if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "}") {
                        depth -= 1
                        if depth == 0 {
                            close = cursor
                            break
                        }
                    }
                    cursor += 1
                }
                guard let close else {
                    pieces.append(.other(index..<bytes.count))
                    index = bytes.count
                    textStart = index
                    continue
                }
                let content = bytes[(index + 2)..<close]
                let plain = !content.isEmpty && !content.contains { byte in
                    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "=")
                        || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: ",")
                }
                let range = index..<(close + 1)
                pieces.append(plain ? .variable(String(decoding: content, as: UTF8.self), range) : .other(range))
                index = close + 1
            } else {
                pieces.append(.variable(String(decoding: [next], as: UTF8.self), index..<(index + 2)))
                index += 2
            }
            textStart = index
        }
        if textStart < bytes.count { pieces.append(.text(textStart..<bytes.count)) }
        return pieces
    }

    /// A variable's value as segments.
    mutating func expand(_ value: MakeValue) -> [MakeSegment] {
        switch value {
        case .simple(let segments): return segments
        case .unknown: return [.unknown(source: "")]
        case .recursive(let raw): return expand(raw)
        }
    }

    /// Raw text expanded.
    mutating func expand(_ raw: [UInt8]) -> [MakeSegment] {
        var result: [MakeSegment] = []
        for piece in Self.scan(raw) {
            switch piece {
            case .text(let range): Self.append(.text(String(decoding: raw[range], as: UTF8.self)), to: &result)
            case .dollar: Self.append(.text("$"), to: &result)
            case .other(let range): Self.append(.unknown(source: String(decoding: raw[range], as: UTF8.self)), to: &result)
            case .variable(let name, let range):
                let source = String(decoding: raw[range], as: UTF8.self)
                for segment in lookup(name, source: source) { Self.append(segment, to: &result) }
            }
        }
        return result
    }

    /// The expansion of variable `name`, referenced as `source`.
    mutating func lookup(_ name: String, source: String) -> [MakeSegment] {
        if let value = automatic[name] { return [.text(value)] }
        guard let value = variables[name], depth < Self.maximumDepth else { return [.unknown(source: source)] }
        depth += 1
        defer { depth -= 1 }
        let segments = expand(value)
        // An unknown part keeps the reference that led to it, for messages.
        return segments.map { segment in
            if case .unknown(let inner) = segment, inner.isEmpty { return .unknown(source: source) }
            return segment
        }
    }

    static func append(_ segment: MakeSegment, to segments: inout [MakeSegment]) {
        if case .text(let text) = segment, text.isEmpty { return }
        if case .text(let text) = segment, case .text(let previous)? = segments.last {
            segments[segments.count - 1] = .text(previous + text)
        } else {
            segments.append(segment)
        }
    }

    static func literal(_ segments: [MakeSegment]) -> String? {
        var result = ""
        for segment in segments {
            guard case .text(let text) = segment else { return nil }
            result += text
        }
        return result
    }

    /// `text` (derived from the input through `text.runs`) with its references expanded, mapped back to the input.
    mutating func expand(mapped text: MappedBytes) -> MappedBytes {
        var output = MappedBytes()
        let map = text.map
        for piece in Self.scan(text.bytes) {
            switch piece {
            case .text(let range):
                let sliced = map.slice(range)
                let start = output.bytes.count
                output.bytes.append(contentsOf: text.bytes[range])
                for var run in sliced.runs {
                    run.valueStart += start
                    output.runs.append(run)
                }
            case .dollar(let range):
                // `$$` is a `$` for the shell, written with both bytes.
                output.appendSubstitute([UInt8(ascii: "$")], for: map.inputRange(of: range))
            case .other(let range):
                output.appendUnknown(String(decoding: text.bytes[range], as: UTF8.self), for: map.inputRange(of: range))
            case .variable(let name, let range):
                let source = String(decoding: text.bytes[range], as: UTF8.self)
                let input = map.inputRange(of: range)
                for segment in lookup(name, source: source) {
                    switch segment {
                    case .text(let value): output.appendSubstitute(value.utf8, for: input)
                    case .unknown(let inner): output.appendUnknown(inner, for: input)
                    }
                }
            }
        }
        return output
    }
}

/// Reads a Makefile line by line.
struct MakefileReader {
    let bytes: [UInt8]
    let overrides: [String: String]
    var variables: [String: MakeValue] = [:]
    /// Variables assigned with `override`: command-line values do not replace them.
    var overridden: Set<String> = []
    /// Variables that some target or pattern assigns for itself: their value in a recipe is unknown.
    var targetSpecific: Set<String> = []
    var definitions: [Makefile.Variable] = []
    var includes: [Makefile.Include] = []
    var problems: [Makefile.Problem] = []
    var pendingRules: [PendingRule] = []
    var conditionals: [Int] = []
    var defaultGoal: String?

    struct PendingRule {
        var targets: [Makefile.Name]
        var prerequisites: [Makefile.Name]
        var range: Range<Int>
        var isDoubleColon: Bool
        var isConditional: Bool
        var recipe: [(text: MappedBytes, range: Range<Int>, isConditional: Bool)] = []
    }

    /// A physical line: its content without the line break, and where the next one starts.
    struct Line {
        let start: Int
        let contentEnd: Int
        let end: Int
    }

    init(bytes: [UInt8], overrides: [String: String]) {
        self.bytes = bytes
        self.overrides = overrides
        // GNU make defines `MAKE` as the name it was run as, so that `$(MAKE) -C sub` runs make again.
        variables["MAKE"] = .simple([.text("make")])
        for (name, value) in overrides { variables[name] = .simple([.text(value)]) }
    }

    func lines() -> [Line] {
        var result: [Line] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            result.append(Line(start: start, contentEnd: contentEnd, end: min(bytes.count, end + 1)))
            start = end + 1
        }
        return result
    }

    /// Whether a line ends with an odd number of backslashes: it continues on the next.
    func continues(_ line: Line) -> Bool {
        var count = 0
        var index = line.contentEnd - 1
        while index >= line.start, bytes[index] == UInt8(ascii: "\\") {
            count += 1
            index -= 1
        }
        return count % 2 == 1
    }

    mutating func read() -> Makefile {
        let lines = lines()
        var index = 0
        var currentRule: Int?
        var defineDepth = 0
        var defineStart = 0
        while index < lines.count {
            let line = lines[index]
            if defineDepth > 0 {
                let word = firstWord(line.start..<line.contentEnd)
                if word == "endef" { defineDepth -= 1 }
                if word == "define" { defineDepth += 1 }
                index += 1
                continue
            }
            if let rule = currentRule, line.start < line.contentEnd, bytes[line.start] == UInt8(ascii: "\t") {
                // A recipe line: make hands it to the shell with its continuation lines, each without its leading tab.
                var text = MappedBytes()
                var last = index
                text.appendInput(bytes, (line.start + 1)..<line.contentEnd)
                while continues(lines[last]), last + 1 < lines.count {
                    text.appendInput(bytes, lines[last].contentEnd..<lines[last].end)
                    last += 1
                    let next = lines[last]
                    let contentStart = next.start < next.contentEnd && bytes[next.start] == UInt8(ascii: "\t") ? next.start + 1 : next.start
                    text.appendInput(bytes, contentStart..<next.contentEnd)
                }
                pendingRules[rule].recipe.append((text, (line.start + 1)..<lines[last].contentEnd, !conditionals.isEmpty))
                index = last + 1
                continue
            }
            // Any other line: continuation lines join with one space, then a comment is removed.
            var last = index
            while continues(lines[last]), last + 1 < lines.count { last += 1 }
            let logical = joined(lines[index...last])
            let range = line.start..<lines[last].contentEnd
            index = last + 1
            var content = withoutComment(logical)
            trimLeadingBlanks(&content)
            guard !content.bytes.isEmpty else { continue }
            let keyword = firstWord(of: content.bytes)
            switch keyword {
            case "ifeq", "ifneq", "ifdef", "ifndef":
                conditionals.append(range.lowerBound)
                continue
            case "else":
                if conditionals.isEmpty { problems.append(.init(message: "`else` without `ifeq`, `ifneq`, `ifdef` or `ifndef`", offset: range.lowerBound)) }
                continue
            case "endif":
                if conditionals.isEmpty {
                    problems.append(.init(message: "`endif` without `ifeq`, `ifneq`, `ifdef` or `ifndef`", offset: range.lowerBound))
                } else {
                    conditionals.removeLast()
                }
                continue
            default:
                break
            }
            currentRule = nil
            readDirective(content, keyword: keyword, range: range, currentRule: &currentRule, defineDepth: &defineDepth, defineStart: &defineStart)
        }
        if defineDepth > 0 { problems.append(.init(message: "`define` without `endef`", offset: defineStart)) }
        for opener in conditionals {
            problems.append(.init(message: "conditional without `endif`", offset: opener))
        }
        return finish()
    }

    mutating func readDirective(
        _ content: MappedBytes, keyword: String, range: Range<Int>, currentRule: inout Int?, defineDepth: inout Int, defineStart: inout Int
    ) {
        var content = content
        var isOverride = false
        var isExported = false
        var keyword = keyword
        // `export`, `override` and `private` may prefix an assignment.
        while ["export", "override", "private", "unexport"].contains(keyword) {
            if keyword == "override" { isOverride = true }
            if keyword == "export" { isExported = true }
            content = dropFirstWord(content)
            keyword = firstWord(of: content.bytes)
            if content.bytes.isEmpty { return }
        }
        switch keyword {
        case "define":
            defineDepth = 1
            defineStart = range.lowerBound
            let rest = dropFirstWord(content)
            let name = firstWord(of: rest.bytes)
            if !name.isEmpty {
                assign(name, nameRange: rest.map.inputRange(of: 0..<name.utf8.count), flavor: .define, value: [], text: "", range: range,
                       isOverride: isOverride, isExported: isExported)
            }
            return
        case "endef":
            problems.append(.init(message: "`endef` without `define`", offset: range.lowerBound))
            return
        case "include", "-include", "sinclude":
            let rest = dropFirstWord(content)
            includes.append(Makefile.Include(files: names(rest), range: range, isOptional: keyword != "include"))
            return
        case "vpath", "load", "-load":
            return
        case "undefine":
            let name = firstWord(of: dropFirstWord(content).bytes)
            if !name.isEmpty { variables[name] = .unknown }
            return
        default:
            break
        }
        let text = content.bytes
        // The first `=` or `:` outside references decides between an assignment and a rule.
        var depth = 0
        var separator: Int?
        for (offset, byte) in text.enumerated() {
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{") { depth += 1 }
            if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "}") { depth = max(0, depth - 1) }
            if depth == 0, byte == UInt8(ascii: "=") || byte == UInt8(ascii: ":") {
                separator = offset
                break
            }
        }
        guard let separator else {
            if isExported || isOverride { return }  // `export NAME`
            if text.first == UInt8(ascii: "$") { return }  // a function call such as `$(info …)` or `$(eval …)`
            problems.append(.init(message: "missing separator: neither a rule (`target:`) nor an assignment (`NAME = value`)", offset: range.lowerBound))
            return
        }
        if text[separator] == UInt8(ascii: ":") {
            for (operatorText, flavor) in [(":::=", Makefile.Flavor.simple), ("::=", .simple), (":=", .simple)]
                where text[separator...].starts(with: operatorText.utf8)
            {
                assignment(content, nameEnd: separator, valueStart: separator + operatorText.utf8.count, flavor: flavor, range: range,
                           isOverride: isOverride, isExported: isExported)
                return
            }
            readRule(content, separator: separator, range: range, currentRule: &currentRule)
            return
        }
        var nameEnd = separator
        var flavor = Makefile.Flavor.recursive
        if separator > 0 {
            switch text[separator - 1] {
            case UInt8(ascii: "?"): flavor = .conditional
            case UInt8(ascii: "+"): flavor = .append
            case UInt8(ascii: "!"): flavor = .shell
            default: break
            }
            if flavor != .recursive { nameEnd -= 1 }
        }
        assignment(content, nameEnd: nameEnd, valueStart: separator + 1, flavor: flavor, range: range, isOverride: isOverride, isExported: isExported)
    }

    mutating func assignment(
        _ content: MappedBytes, nameEnd: Int, valueStart: Int, flavor: Makefile.Flavor, range: Range<Int>, isOverride: Bool, isExported: Bool
    ) {
        var nameBytes = Array(content.bytes[..<nameEnd])
        while let last = nameBytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { nameBytes.removeLast() }
        var value = Array(content.bytes[valueStart...])
        // Blanks after the operator are not part of the value; blanks at its end are.
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value.removeFirst() }
        let name = String(decoding: nameBytes, as: UTF8.self)
        assign(name, nameRange: content.map.inputRange(of: 0..<nameBytes.count), flavor: flavor, value: value,
               text: String(decoding: value, as: UTF8.self), range: range, isOverride: isOverride, isExported: isExported)
    }

    mutating func assign(
        _ name: String, nameRange: Range<Int>, flavor: Makefile.Flavor, value: [UInt8], text: String, range: Range<Int>, isOverride: Bool,
        isExported: Bool
    ) {
        let isConditional = !conditionals.isEmpty
        definitions.append(Makefile.Variable(name: name, nameRange: nameRange, flavor: flavor, text: text, range: range,
                                             isConditional: isConditional, isOverride: isOverride, isExported: isExported))
        if isOverride { overridden.insert(name) } else if overrides[name] != nil && !overridden.contains(name) { return }
        if isConditional {
            // Which branch make takes is not followed.
            variables[name] = .unknown
            return
        }
        var expander = MakeExpander(variables: variables, automatic: [:])
        switch flavor {
        case .recursive: variables[name] = .recursive(value)
        case .simple: variables[name] = .simple(expander.expand(value))
        case .conditional: if variables[name] == nil { variables[name] = .recursive(value) }
        case .append:
            switch variables[name] {
            case nil: variables[name] = .recursive(value)
            case .recursive(let old)?: variables[name] = .recursive(old.isEmpty ? value : old + [UInt8(ascii: " ")] + value)
            case .simple(var old)?:
                let added = expander.expand(value)
                if !old.isEmpty, !added.isEmpty { MakeExpander.append(.text(" "), to: &old) }
                for segment in added { MakeExpander.append(segment, to: &old) }
                variables[name] = .simple(old)
            case .unknown?: break
            }
        case .shell, .define: variables[name] = .unknown
        }
        if name == ".DEFAULT_GOAL" { defaultGoal = self.value(of: name) }
    }

    func value(of name: String) -> String? {
        guard let value = variables[name] else { return nil }
        var expander = MakeExpander(variables: variables, automatic: [:])
        return MakeExpander.literal(expander.expand(value))?.trimmingWhitespace()
    }

    mutating func readRule(_ content: MappedBytes, separator: Int, range: Range<Int>, currentRule: inout Int?) {
        let text = content.bytes
        var prerequisitesStart = separator + 1
        let isDoubleColon = prerequisitesStart < text.count && text[prerequisitesStart] == UInt8(ascii: ":")
        if isDoubleColon { prerequisitesStart += 1 }
        // A recipe may follow `;` on the rule line.
        var recipeStart: Int?
        var depth = 0
        for offset in prerequisitesStart..<text.count {
            let byte = text[offset]
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{") { depth += 1 }
            if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "}") { depth = max(0, depth - 1) }
            if depth == 0, byte == UInt8(ascii: ";") {
                recipeStart = offset
                break
            }
        }
        let prerequisitesEnd = recipeStart ?? text.count
        let prerequisiteText = Array(text[prerequisitesStart..<prerequisitesEnd])
        if prerequisiteText.contains(UInt8(ascii: "=")) {
            // `target: NAME = value` assigns NAME for that target (and what it builds).
            var variablePart = slice(content, prerequisitesStart..<prerequisitesEnd)
            trimLeadingBlanks(&variablePart)
            var keyword = firstWord(of: variablePart.bytes)
            while ["export", "override", "private"].contains(keyword) {
                variablePart = dropFirstWord(variablePart)
                keyword = firstWord(of: variablePart.bytes)
            }
            let name = variablePart.bytes.prefix { byte in
                byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "=") && byte != UInt8(ascii: ":")
                    && byte != UInt8(ascii: "+") && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "!")
            }
            targetSpecific.insert(String(decoding: name, as: UTF8.self))
            return
        }
        let targets = names(slice(content, 0..<separator))
        // Static pattern rules `targets: pattern: prerequisites` keep the last list.
        var prerequisites = slice(content, prerequisitesStart..<prerequisitesEnd)
        if let colon = prerequisites.bytes.lastIndex(of: UInt8(ascii: ":")) {
            prerequisites = slice(prerequisites, (colon + 1)..<prerequisites.bytes.count)
        }
        let rule = PendingRule(targets: targets, prerequisites: names(prerequisites), range: range, isDoubleColon: isDoubleColon,
                               isConditional: !conditionals.isEmpty)
        pendingRules.append(rule)
        currentRule = pendingRules.count - 1
        if let recipeStart {
            let recipe = slice(content, (recipeStart + 1)..<text.count)
            if !recipe.bytes.isEmpty {
                let input = recipe.map.inputRange(of: 0..<recipe.bytes.count)
                pendingRules[pendingRules.count - 1].recipe.append((recipe, input, !conditionals.isEmpty))
            }
        }
        if defaultGoal == nil, let first = targets.first?.value, !first.hasPrefix(".") || first.contains("/"), !first.contains("%") {
            defaultGoal = first
        }
    }

    /// The blank-separated names in `text`, each expanded with the variables known now.
    mutating func names(_ text: MappedBytes) -> [Makefile.Name] {
        var result: [Makefile.Name] = []
        var start: Int?
        var depth = 0
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        for offset in 0...text.bytes.count {
            let byte = offset < text.bytes.count ? text.bytes[offset] : UInt8(ascii: " ")
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{") { depth += 1 }
            if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "}") { depth = max(0, depth - 1) }
            if isBlank(byte), depth == 0 || offset == text.bytes.count {
                if let wordStart = start {
                    let raw = Array(text.bytes[wordStart..<offset])
                    var expander = MakeExpander(variables: variables, automatic: [:])
                    let value = MakeExpander.literal(expander.expand(raw))
                    result.append(Makefile.Name(value: value?.trimmingWhitespace(), text: String(decoding: raw, as: UTF8.self),
                                                range: text.map.inputRange(of: wordStart..<offset)))
                }
                start = nil
            } else if start == nil {
                start = offset
            }
        }
        return result
    }

    mutating func finish() -> Makefile {
        var rules: [Makefile.Rule] = []
        var finalVariables = variables
        for name in targetSpecific { finalVariables[name] = .unknown }
        for pending in pendingRules {
            var automatic: [String: String] = [:]
            if pending.targets.count == 1, let target = pending.targets[0].value { automatic["@"] = target }
            let prerequisites = pending.prerequisites.compactMap(\.value)
            if prerequisites.count == pending.prerequisites.count {
                if let first = prerequisites.first { automatic["<"] = first }
                automatic["^"] = prerequisites.joined(separator: " ")
            }
            var expander = MakeExpander(variables: finalVariables, automatic: automatic)
            let recipe = pending.recipe.compactMap { line -> Makefile.RecipeLine? in
                recipeLine(expander.expand(mapped: line.text), range: line.range, isConditional: line.isConditional || pending.isConditional)
            }
            rules.append(Makefile.Rule(targets: pending.targets, prerequisites: pending.prerequisites, range: pending.range,
                                       isDoubleColon: pending.isDoubleColon, isConditional: pending.isConditional, recipe: recipe))
        }
        return Makefile(rules: rules, variables: definitions, includes: includes, problems: problems, defaultGoal: defaultGoal,
                        finalValues: finalVariables)
    }

    /// The expanded line with make's prefixes (`@`, `-`, `+`, blanks) taken off, read as a shell script.
    func recipeLine(_ expanded: MappedBytes, range: Range<Int>, isConditional: Bool) -> Makefile.RecipeLine? {
        var start = 0
        var silent = false
        var ignoresErrors = false
        var always = false
        // An unknown part ends the prefixes: make would see whatever it expands to.
        prefixes: while start < expanded.bytes.count, expanded.masks.first.map({ $0.lowerBound > start }) ?? true {
            switch expanded.bytes[start] {
            case UInt8(ascii: "@"): silent = true
            case UInt8(ascii: "-"): ignoresErrors = true
            case UInt8(ascii: "+"): always = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            default: break prefixes
            }
            start += 1
        }
        let body = slice(expanded, start..<expanded.bytes.count)
        guard !body.bytes.isEmpty else { return nil }
        let text = MaskedText(text: String(decoding: body.bytes, as: UTF8.self), unknown: body.masks)
        let map = body.map
        let script = ShellScript.parse(text, unknownSources: body.maskSources, map: map)
        return Makefile.RecipeLine(range: range, text: text, map: map, isSilent: silent, ignoresErrors: ignoresErrors, alwaysRuns: always,
                                   isConditional: isConditional, script: script)
    }

    // MARK: Text

    /// Physical lines joined as make joins them outside recipes: a backslash-newline and the blanks around it
    /// become one space.
    func joined(_ lines: ArraySlice<Line>) -> MappedBytes {
        var text = MappedBytes()
        for (position, line) in zip(lines.indices, lines) {
            var start = line.start
            var end = line.contentEnd
            if position > lines.startIndex {
                while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            }
            if position < lines.endIndex - 1 {
                end -= 1  // the backslash
                var blankEnd = end
                while blankEnd > start, bytes[blankEnd - 1] == UInt8(ascii: " ") || bytes[blankEnd - 1] == UInt8(ascii: "\t") { blankEnd -= 1 }
                text.appendInput(bytes, start..<blankEnd)
                text.appendSubstitute([UInt8(ascii: " ")], for: blankEnd..<line.contentEnd)
            } else {
                text.appendInput(bytes, start..<end)
            }
        }
        return text
    }

    /// The text before an unescaped `#`.
    func withoutComment(_ text: MappedBytes) -> MappedBytes {
        var index = 0
        while index < text.bytes.count {
            if text.bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if text.bytes[index] == UInt8(ascii: "#") { return slice(text, 0..<index) }
            index += 1
        }
        return text
    }

    func slice(_ text: MappedBytes, _ range: Range<Int>) -> MappedBytes {
        var result = MappedBytes()
        result.bytes = Array(text.bytes[range])
        result.runs = text.map.slice(range).runs
        for (mask, source) in zip(text.masks, text.maskSources) where mask.lowerBound >= range.lowerBound && mask.upperBound <= range.upperBound {
            result.masks.append((mask.lowerBound - range.lowerBound)..<(mask.upperBound - range.lowerBound))
            result.maskSources.append(source)
        }
        return result
    }

    func trimLeadingBlanks(_ text: inout MappedBytes) {
        var start = 0
        while start < text.bytes.count, text.bytes[start] == UInt8(ascii: " ") || text.bytes[start] == UInt8(ascii: "\t") { start += 1 }
        if start > 0 { text = slice(text, start..<text.bytes.count) }
    }

    func dropFirstWord(_ text: MappedBytes) -> MappedBytes {
        var index = 0
        while index < text.bytes.count, text.bytes[index] != UInt8(ascii: " "), text.bytes[index] != UInt8(ascii: "\t") { index += 1 }
        var rest = slice(text, index..<text.bytes.count)
        trimLeadingBlanks(&rest)
        return rest
    }

    func firstWord(of bytes: [UInt8]) -> String {
        let word = bytes.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        return String(decoding: word, as: UTF8.self)
    }

    func firstWord(_ range: Range<Int>) -> String {
        var start = range.lowerBound
        while start < range.upperBound, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        return firstWord(of: Array(bytes[start..<range.upperBound]))
    }
}
