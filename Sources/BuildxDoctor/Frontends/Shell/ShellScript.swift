/// What connects a command to the next one in a script.
public enum ShellSeparator: Sendable, Equatable {
    /// `&&`: the next command runs only if this one succeeds.
    case and
    /// `||`: the next command runs only if this one fails.
    case or
    /// `|` or `|&`: this command's output is the next one's input; both run.
    case pipe
    /// `&`: this command runs in the background.
    case background
    /// `;`
    case semicolon
    /// A line break.
    case newline
    /// `;;`, `;&` or `;;&` ending a `case` item.
    case caseEnd
    /// Nothing: the end of the script, of a `( … )`, `$( … )` or backtick substitution, or a keyword such as `fi`.
    case end
}

/// A syntax error that stops the shell from running (part of) a script: an unterminated quote, `$(`,
/// here-document or compound command. Never thrown; the reader goes on after it.
public struct ShellSyntaxProblem: Sendable, Equatable {
    /// What is wrong, in a sentence that names the construct (`unterminated single quote: no closing `'``).
    public let message: String
    /// UTF-8 byte offset in the input of the construct that is not closed (its opening quote, `<<`, `if`…).
    public let offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
}

/// One simple command of a script (`docker buildx build --push .`), after quote removal and the expansions the
/// reader can follow, with command wrappers such as `sudo` and `env` taken off.
public struct ShellCommand: Sendable, Equatable {
    /// A `NAME=value` environment prefix (`DOCKER_BUILDKIT=0 docker build .`), an `env NAME=value` or
    /// `sudo NAME=value` argument, or a variable assignment standing alone.
    public struct Assignment: Sendable, Equatable {
        public let name: String
        public let nameRange: Range<Int>
        /// The value after `=` (or `+=`), its range starting right after the `=`.
        public let value: ShellWord
        /// The whole `NAME=value` text.
        public let range: Range<Int>
        /// `NAME+=value` (bash): appends to the variable.
        public let isAppend: Bool
    }

    /// A redirection (`> file`, `2>&1`, `<<EOF`). Its target is never one of the command's words.
    public struct Redirection: Sendable, Equatable {
        /// The operator as written: `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `&>`…
        public let `operator`: String
        /// The operator's range, a leading file descriptor number (`2>`) included.
        public let range: Range<Int>
        public let fileDescriptor: Int?
        /// The file, descriptor or here-document delimiter; nil when missing (a syntax problem is reported).
        public let target: ShellWord?
        /// The lines of a here-document, which are data, never commands.
        public let hereDocumentBody: Range<Int>?
    }

    /// Where a command stands, beyond plain top-level sequence.
    public struct Context: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Inside a function body: runs only when the function is called.
        public static let function = Context(rawValue: 1)
        /// Inside `( … )`: runs, but its variable assignments and `cd` do not outlive the subshell.
        public static let subshell = Context(rawValue: 2)
        /// Inside `$( … )`, backticks or `<( … )`: runs, before the command whose word holds it.
        public static let commandSubstitution = Context(rawValue: 4)
    }

    /// The environment prefixes, then `env`/`sudo` assignments, in order.
    public let assignments: [Assignment]
    /// The command name and its arguments, wrappers removed. Empty for an assignment or redirection alone.
    public let words: [ShellWord]
    /// The wrapper words taken off the front (`sudo -E`, `time`, `env -i`, `exec`, `command`, `nohup`,
    /// `nice -n 5`, `timeout 10m`), in order; their `NAME=value` arguments are in `assignments` instead.
    public let wrappers: [ShellWord]
    /// The redirections, in order (a here-document's body is filled in when the reader reaches it).
    public internal(set) var redirections: [Redirection]
    /// From the first byte of the first assignment, word or redirection to the last byte of the last one.
    public let range: Range<Int>
    /// The operator after this command.
    public let separator: ShellSeparator
    /// `&&`, `||` or `|` when the command is not the first of its and-or list; nil otherwise.
    public let precedingOperator: ShellSeparator?
    /// Whether the command may not run when the script runs: inside a `then`/`elif`/`else` branch, a loop
    /// body, a `case` item or a function, or right after `||`. The condition of an `if` or `while` runs,
    /// so it is not conditional (unless it is itself inside something conditional). A command after `&&`
    /// is not counted as conditional either; `precedingOperator` tells.
    public let isConditional: Bool
    public let context: Context
    /// The variables of `environmentNames` this script exported before the command (`export NAME=value`, or a
    /// plain assignment to a variable already in the environment): the command's environment beyond
    /// `assignments` and the caller's `knownVariables`, with the value as written at the assignment (an
    /// unknown word when `read` or the like set it).
    public let environment: [String: ShellWord]

    /// The environment variables `environment` follows: those that choose the Docker Engine, the builder, the
    /// build backend or buildx defaults. Only these are kept per command, so that a script exporting many
    /// variables still reads in linear time.
    public static let environmentNames: Set<String> = [
        "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_BUILDKIT", "DOCKER_DEFAULT_PLATFORM", "DOCKER_TLS_VERIFY",
        "DOCKER_CERT_PATH", "BUILDX_BUILDER", "BUILDX_CONFIG", "BUILDX_NO_DEFAULT_LOAD", "BUILDX_EXPERIMENTAL", "BUILDKIT_PROGRESS",
    ]

    /// The value the command sees for environment variable `name`: its own prefix assignments first, then
    /// what the script exported; nil when the script does not set it.
    public func environmentValue(_ name: String) -> ShellWord? {
        if let assignment = assignments.last(where: { $0.name == name }) { return assignment.value }
        return environment[name]
    }

    /// The command name when it is known.
    public var name: String? { words.first?.literal }
}

/// A shell script read into its commands, for following what a CI step runs.
///
/// The reader implements the POSIX shell grammar's word splitting and quoting (and the bash additions CI
/// scripts use: `$'…'`, `[[ … ]]`, `(( … ))`, `<( … )`, `function f`, `|&`, `&>`), with exact byte ranges.
/// It never runs anything and never fails: what it cannot know becomes an unknown part of a word, and a
/// syntax error becomes a `ShellSyntaxProblem`. Text that only mentions a command — an `echo` argument, a
/// comment, a here-document, a quoted string — is never a command. Reading is linear in the input's size.
///
/// References: POSIX.1-2017 XCU §2 "Shell Command Language" (2.2 Quoting, 2.3 Token Recognition, 2.6 Word
/// Expansions, 2.7.4 Here-Document, 2.9 Shell Commands, 2.10 Shell Grammar) and bash(1) for its extensions.
public struct ShellScript: Sendable, Equatable {
    /// Every simple command in the order the shell meets them; commands of a `$( … )` come before the
    /// command whose word holds them, because they run first. A command containing a syntax error is left out.
    public let commands: [ShellCommand]
    public let problems: [ShellSyntaxProblem]
    /// The variables known at the end of the script: the caller's, updated by literal assignments.
    public let variables: [String: String]

    /// Reads `text`. `knownVariables` are variables with known values when the script starts (a workflow's
    /// `env:`); they are the environment, so a later plain assignment to one of them is exported.
    ///
    /// A literal assignment (`IMAGE=ghcr.io/acme/app`, `export IMAGE=…`, `readonly`, `declare`, `local`)
    /// makes later `$IMAGE`/`${IMAGE}` known, in textual order, even when the assignment is conditional; any
    /// other assignment, `read`, `unset`, `for IMAGE in` makes it unknown. Assignments inside `( … )` and
    /// `$( … )` end with them.
    public static func parse(_ text: String, knownVariables: [String: String] = [:]) -> ShellScript {
        var parser = ShellParser(bytes: Array(text.utf8), masks: [], maskSources: [], variables: knownVariables)
        return parser.run()
    }

    /// Reads the script held by a word, as in `sh -c '…'`: ranges point into the input the word came from,
    /// and the word's unknown parts stay unknown inside the script.
    public static func parse(shellString word: ShellWord, knownVariables: [String: String] = [:]) -> ShellScript {
        let masked = word.masked
        let sources = word.parts.compactMap { part -> String? in
            if case .unknown(let source) = part { return source }
            return nil
        }
        return parse(masked, unknownSources: sources, map: word.map, knownVariables: knownVariables)
    }

    /// Reads a derived text whose `unknown` ranges stand for text only the run decides (`sources` says how each
    /// was written), mapping every range through `map` back to the input.
    static func parse(
        _ text: MaskedText, unknownSources: [String], map: OffsetMap?, knownVariables: [String: String] = [:]
    ) -> ShellScript {
        var parser = ShellParser(bytes: Array(text.text.utf8), masks: text.unknown, maskSources: unknownSources, variables: knownVariables)
        let script = parser.run()
        guard let map else { return script }
        return script.remapped(through: map)
    }

    init(commands: [ShellCommand], problems: [ShellSyntaxProblem], variables: [String: String]) {
        self.commands = commands
        self.problems = problems
        self.variables = variables
    }

    /// The script with every range and word map taken through `map`.
    func remapped(through map: OffsetMap) -> ShellScript {
        func word(_ word: ShellWord) -> ShellWord {
            ShellWord(parts: word.parts, range: map.inputRange(of: word.range), map: word.map.composed(with: map),
                      mayExpandToSeveralWords: word.mayExpandToSeveralWords)
        }
        let commands = commands.map { command in
            ShellCommand(
                assignments: command.assignments.map {
                    ShellCommand.Assignment(name: $0.name, nameRange: map.inputRange(of: $0.nameRange), value: word($0.value),
                                            range: map.inputRange(of: $0.range), isAppend: $0.isAppend)
                },
                words: command.words.map(word), wrappers: command.wrappers.map(word),
                redirections: command.redirections.map {
                    ShellCommand.Redirection(operator: $0.operator, range: map.inputRange(of: $0.range), fileDescriptor: $0.fileDescriptor,
                                             target: $0.target.map(word), hereDocumentBody: $0.hereDocumentBody.map { map.inputRange(of: $0) })
                },
                range: map.inputRange(of: command.range), separator: command.separator, precedingOperator: command.precedingOperator,
                isConditional: command.isConditional, context: command.context, environment: command.environment.mapValues(word)
            )
        }
        let problems = problems.map { ShellSyntaxProblem(message: $0.message, offset: map.inputOffset(of: $0.offset)) }
        return ShellScript(commands: commands, problems: problems, variables: variables)
    }
}

// MARK: - Words

/// Where the bytes of a text derived from the input came from: a word's value with its quotes and escapes
/// removed, or a Makefile recipe line after `make` expanded it. Offsets are UTF-8 bytes on both sides.
///
/// The map is piecewise. Most pieces are exact (byte `i` of the piece is byte `i` of its input range); a
/// piece that stands for text written differently, such as a variable's value in place of `$IMAGE`, maps as
/// a whole to the input that produced it.
public struct OffsetMap: Sendable, Equatable {
    struct Run: Sendable, Equatable {
        var valueStart: Int
        var valueLength: Int
        var inputStart: Int
        var inputLength: Int
        /// Byte `i` of the value is byte `i` of the input; otherwise the whole value stands for the whole input.
        var exact: Bool

        var valueEnd: Int { valueStart + valueLength }
        var inputEnd: Int { inputStart + inputLength }
    }

    /// Ordered by `valueStart`, covering the value without gaps; empty for an identity map.
    private var storedRuns: [Run]
    /// The input offset that an empty value, or the start of a value no run covers, stands at.
    var anchor: Int
    /// For the common map in which value offset `i` is input offset `anchor + i`, its length (no array needed).
    private var identityLength: Int

    init(runs: [Run], anchor: Int) {
        self.storedRuns = runs
        self.anchor = anchor
        self.identityLength = 0
    }

    /// A map in which value offset `i` is input offset `start + i` for `length` bytes.
    static func identity(start: Int, length: Int) -> OffsetMap {
        var map = OffsetMap(runs: [], anchor: start)
        map.identityLength = length
        return map
    }

    var runs: [Run] {
        identityLength > 0
            ? [Run(valueStart: 0, valueLength: identityLength, inputStart: anchor, inputLength: identityLength, exact: true)] : storedRuns
    }

    /// The index of the run holding value offset `offset`, or of the last run starting before it.
    private func runIndex(_ offset: Int) -> Int? {
        let runs = self.runs
        var low = 0
        var high = runs.count - 1
        var found: Int?
        while low <= high {
            let middle = (low + high) / 2
            if runs[middle].valueStart <= offset {
                found = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return found
    }

    /// The input offset of the value byte at `offset` (the end of the input for the value's end).
    public func inputOffset(of offset: Int) -> Int {
        if identityLength > 0 { return anchor + min(max(offset, 0), identityLength) }
        let runs = storedRuns
        guard let index = runIndex(offset) else { return runs.first?.inputStart ?? anchor }
        let run = runs[index]
        if offset >= run.valueEnd { return run.inputEnd }
        return run.exact ? run.inputStart + (offset - run.valueStart) : run.inputStart
    }

    /// The input bytes that produced the value bytes `range`. An empty range maps to an empty range at the
    /// input offset of its position.
    public func inputRange(of range: Range<Int>) -> Range<Int> {
        let lower = inputOffset(of: range.lowerBound)
        guard !range.isEmpty else { return lower..<lower }
        if identityLength > 0 { return lower..<max(lower, inputOffset(of: range.upperBound)) }
        let runs = storedRuns
        let last = range.upperBound - 1
        guard let index = runIndex(last) else { return lower..<lower }
        let run = runs[index]
        let upper: Int
        if last >= run.valueEnd {
            upper = run.inputEnd
        } else {
            upper = run.exact ? run.inputStart + (last - run.valueStart) + 1 : run.inputEnd
        }
        return lower..<max(lower, upper)
    }

    /// The map of value bytes `range`, shifted to start at zero.
    func slice(_ range: Range<Int>) -> OffsetMap {
        if identityLength > 0 {
            let lower = min(max(range.lowerBound, 0), identityLength)
            return .identity(start: anchor + lower, length: min(identityLength, max(lower, range.upperBound)) - lower)
        }
        var result: [Run] = []
        for run in runs where run.valueEnd > range.lowerBound && run.valueStart < range.upperBound {
            let start = max(run.valueStart, range.lowerBound)
            let end = min(run.valueEnd, range.upperBound)
            var piece = run
            piece.valueStart = start - range.lowerBound
            piece.valueLength = end - start
            if run.exact {
                piece.inputStart = run.inputStart + (start - run.valueStart)
                piece.inputLength = end - start
            }
            result.append(piece)
        }
        return OffsetMap(runs: result, anchor: inputOffset(of: range.lowerBound))
    }

    /// This map followed by `outer`: this map's input is `outer`'s value.
    func composed(with outer: OffsetMap) -> OffsetMap {
        let outerRuns = outer.runs
        var result: [Run] = []
        func append(_ run: Run) {
            if let last = result.last, last.exact, run.exact, last.valueEnd == run.valueStart, last.inputEnd == run.inputStart {
                result[result.count - 1].valueLength += run.valueLength
                result[result.count - 1].inputLength += run.inputLength
            } else {
                result.append(run)
            }
        }
        for run in runs {
            guard run.exact else {
                let input = outer.inputRange(of: run.inputStart..<run.inputEnd)
                append(Run(valueStart: run.valueStart, valueLength: run.valueLength, inputStart: input.lowerBound,
                           inputLength: input.count, exact: false))
                continue
            }
            // An exact run may span several runs of the outer map: split it along them.
            var position = run.inputStart
            while position < run.inputEnd {
                guard let index = outer.runIndex(position), position < outerRuns[index].valueEnd else {
                    let input = outer.inputOffset(of: position)
                    append(Run(valueStart: run.valueStart + (position - run.inputStart), valueLength: run.inputEnd - position,
                               inputStart: input, inputLength: 0, exact: false))
                    break
                }
                let outerRun = outerRuns[index]
                let pieceEnd = min(run.inputEnd, outerRun.valueEnd)
                let valueStart = run.valueStart + (position - run.inputStart)
                if outerRun.exact {
                    append(Run(valueStart: valueStart, valueLength: pieceEnd - position,
                               inputStart: outerRun.inputStart + (position - outerRun.valueStart), inputLength: pieceEnd - position, exact: true))
                } else {
                    append(Run(valueStart: valueStart, valueLength: pieceEnd - position, inputStart: outerRun.inputStart,
                               inputLength: outerRun.inputLength, exact: false))
                }
                position = pieceEnd
            }
        }
        return OffsetMap(runs: result, anchor: outer.inputOffset(of: anchor))
    }
}

/// One word of a shell command after the shell's quote removal and the expansions this reader can follow.
///
/// A word is a sequence of parts: literal text, and unknown parts for what only the run decides — a variable
/// that was not assigned a literal earlier, `$(…)`, backticks, arithmetic, and GitHub Actions `${{ … }}`
/// expressions (substituted into the script text before the shell starts, so they are unknown whatever the
/// quoting around them). Every byte of the value maps back to the input (`map`), so a finding about part of
/// a value can point at the exact bytes even through quotes and escapes.
public struct ShellWord: Sendable, Equatable {
    /// A piece of a word's value.
    public enum Part: Sendable, Equatable {
        /// Text whose value is known: quotes and escapes removed, known variables expanded.
        case literal(String)
        /// Text only the run decides; `source` is how it is written (`$TAG`, `$(git rev-parse HEAD)`, `${{ github.sha }}`).
        case unknown(source: String)
    }

    /// The parts in order; adjacent literals are merged, and an empty word has none.
    public var parts: [Part] {
        switch storage {
        case .literal(let text): return text.isEmpty ? [] : [.literal(text)]
        case .parts(let parts): return parts
        }
    }

    /// Most words are one literal: kept without an array.
    private enum Storage: Sendable, Equatable {
        case literal(String)
        case parts([Part])
    }

    private let storage: Storage
    /// The UTF-8 byte range of the word's source text in the input, quotes included.
    public let range: Range<Int>
    /// From offsets in the value (unknown parts counted as many bytes as their source) to input offsets.
    public let map: OffsetMap
    /// Whether an unknown part stands outside double quotes, where the shell splits its result into fields:
    /// the word may then be several arguments, or none.
    public let mayExpandToSeveralWords: Bool

    init(parts: [Part], range: Range<Int>, map: OffsetMap, mayExpandToSeveralWords: Bool) {
        switch parts.count {
        case 0: storage = .literal("")
        case 1:
            if case .literal(let text) = parts[0] { storage = .literal(text) } else { storage = .parts(parts) }
        default: storage = .parts(parts)
        }
        self.range = range
        self.map = map
        self.mayExpandToSeveralWords = mayExpandToSeveralWords
    }

    /// The value when every part is known.
    public var literal: String? {
        // Literal parts are merged, so two or more parts always include an unknown one.
        if case .literal(let text) = storage { return text }
        return nil
    }

    /// A word of one literal.
    init(literal: String, range: Range<Int>, map: OffsetMap) {
        storage = .literal(literal)
        self.range = range
        self.map = map
        mayExpandToSeveralWords = false
    }

    /// Whether every part of the value is known.
    public var isKnown: Bool { literal != nil }

    /// The value as the user wrote it where unknown: literal parts, and unknown parts as their source text.
    /// For messages, never for deciding.
    public var displayText: String {
        parts.reduce(into: "") { text, part in
            switch part {
            case .literal(let value): text += value
            case .unknown(let source): text += source
            }
        }
    }

    /// The value's length in UTF-8 bytes, each unknown part counted as its source's length.
    public var valueLength: Int {
        parts.reduce(0) { length, part in
            switch part {
            case .literal(let value): return length + value.utf8.count
            case .unknown(let source): return length + source.utf8.count
            }
        }
    }

    /// The value ready for a parser of buildx's formats: each unknown part replaced by as many placeholder
    /// bytes as its source has (never a separator, quote or `=`), with their ranges in the value.
    public var masked: MaskedText {
        var bytes: [UInt8] = []
        var unknown: [Range<Int>] = []
        for part in parts {
            switch part {
            case .literal(let value): bytes.append(contentsOf: value.utf8)
            case .unknown(let source):
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(MaskedText.placeholder, count: source.utf8.count))
                unknown.append(start..<bytes.count)
            }
        }
        return MaskedText(text: String(decoding: bytes, as: UTF8.self), unknown: unknown)
    }

    /// The input bytes that produced value bytes `range`.
    public func inputRange(ofValue range: Range<Int>) -> Range<Int> { map.inputRange(of: range) }

    /// The value bytes `range` as a word of their own, with the same map into the input. A bound inside an
    /// unknown part is moved outward to take the whole part. `range` of the result runs from just after the
    /// byte before the slice (the `=` of `--cache-to="…"`, so its quote is included) to the end of the last
    /// byte taken (or of this word when the slice reaches its end).
    public func subword(_ range: Range<Int>) -> ShellWord {
        var lower = max(0, range.lowerBound)
        var upper = min(valueLength, max(lower, range.upperBound))
        var newParts: [Part] = []
        var offset = 0
        // First pass: widen the bounds to whole unknown parts.
        for part in parts {
            if case .unknown(let source) = part {
                let end = offset + source.utf8.count
                if offset < lower, lower < end { lower = offset }
                if offset < upper, upper < end { upper = end }
                offset = end
            } else if case .literal(let value) = part {
                offset += value.utf8.count
            }
        }
        offset = 0
        var unquotedUnknown = false
        for part in parts {
            switch part {
            case .literal(let value):
                let count = value.utf8.count
                let start = max(lower, offset)
                let end = min(upper, offset + count)
                if start < end {
                    let bytes = Array(value.utf8)[(start - offset)..<(end - offset)]
                    let text = String(decoding: bytes, as: UTF8.self)
                    if case .literal(let previous)? = newParts.last {
                        newParts[newParts.count - 1] = .literal(previous + text)
                    } else {
                        newParts.append(.literal(text))
                    }
                }
                offset += count
            case .unknown(let source):
                let count = source.utf8.count
                if offset >= lower, offset + count <= upper, count > 0 {
                    newParts.append(part)
                    unquotedUnknown = mayExpandToSeveralWords
                }
                offset += count
            }
        }
        let inputLower = lower == 0 ? self.range.lowerBound : map.inputRange(of: (lower - 1)..<lower).upperBound
        let inputUpper = upper == valueLength ? self.range.upperBound : max(inputLower, map.inputRange(of: lower..<upper).upperBound)
        return ShellWord(parts: newParts, range: inputLower..<max(inputLower, inputUpper), map: map.slice(lower..<upper),
                         mayExpandToSeveralWords: unquotedUnknown)
    }

    /// The value after its first `byteCount` bytes, as a word (the value of `--tag=x` after `--tag=`).
    public func subword(fromValueOffset byteCount: Int) -> ShellWord {
        subword(byteCount..<valueLength)
    }

    /// The value split at every literal `separator` byte (an ASCII character such as `,`), each piece a word
    /// with its own range; unknown parts never contain a separator.
    public func components(separatedBy separator: Character) -> [ShellWord] {
        guard let byte = separator.asciiValue else { return [self] }
        let text = masked
        var result: [ShellWord] = []
        var start = 0
        for (index, value) in text.text.utf8.enumerated() where value == byte {
            result.append(subword(start..<index))
            start = index + 1
        }
        result.append(subword(start..<text.text.utf8.count))
        return result
    }

    /// The name when the value starts with `NAME=` in a literal part (an argument of `env` or `export`).
    public var assignmentName: String? {
        guard case .literal(let text)? = parts.first, let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let name = text.utf8[text.utf8.startIndex..<equals]
        guard ShellSyntax.isName(name) else { return nil }
        return String(decoding: name, as: UTF8.self)
    }
}

/// Character classes shared by the shell and Makefile readers.
enum ShellSyntax {
    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// A POSIX name: a letter or underscore, then letters, digits and underscores.
    static func isName<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, isNameStart(first) else { return false }
        return bytes.allSatisfy(isNameCharacter)
    }
}

// MARK: - Lexing

/// A word as read, before variables are expanded (which happens when its command is complete, so that
/// `A=1; echo $A` sees the assignment).
struct LexedWord {
    enum Piece {
        /// Literal input bytes.
        case text(Range<Int>)
        /// `$NAME` or `${NAME}`.
        case variable(name: String, input: Range<Int>, quoted: Bool)
        case unknown(source: String, input: Range<Int>, quoted: Bool)
        /// `""` or `''`: keeps an otherwise empty word.
        case emptyQuotes
    }

    /// The pieces, when there is more than one run of text; see `simpleText`.
    private(set) var storedPieces: [Piece] = []
    /// A word that is one run of input text (most words) keeps it here, without an array.
    private(set) var simpleText: Range<Int>?
    var range: Range<Int>
    /// Whether any quote or backslash appears: such a word is never a reserved word.
    var quoted = false
    /// For `NAME=` or `NAME+=` at the start: where the name ends.
    var assignmentNameEnd: Int?
    var isAppend = false
    /// Contains an unterminated quote or substitution.
    var broken = false

    init(start: Int) { range = start..<start }

    var pieces: [Piece] {
        if let simpleText { return [.text(simpleText)] }
        return storedPieces
    }

    var pieceCount: Int { simpleText != nil ? 1 : storedPieces.count }

    mutating func append(_ piece: Piece) {
        if let text = simpleText {
            storedPieces = [.text(text)]
            simpleText = nil
        }
        storedPieces.append(piece)
    }

    mutating func addText(_ input: Range<Int>) {
        guard !input.isEmpty else { return }
        if let text = simpleText {
            if text.upperBound == input.lowerBound {
                simpleText = text.lowerBound..<input.upperBound
                return
            }
        } else if storedPieces.isEmpty {
            simpleText = input
            return
        }
        if case .text(let last)? = storedPieces.last, last.upperBound == input.lowerBound {
            storedPieces[storedPieces.count - 1] = .text(last.lowerBound..<input.upperBound)
        } else {
            append(.text(input))
        }
    }
}

enum ShellToken {
    case word(LexedWord)
    case op(Operator, Range<Int>)
    case redirect(String, Range<Int>, fileDescriptor: Int?)
    /// `(( … ))`
    case arithmetic(Range<Int>)
    case eof

    enum Operator: Equatable {
        case and, or, pipe, background, semicolon, newline, caseEnd, openParen, closeParen
    }
}

/// Builds a `ShellWord` from pieces.
struct WordBuilder {
    var value: [UInt8] = []
    var runs: [OffsetMap.Run] = []
    var parts: [ShellWord.Part] = []
    var literalStart = 0
    var unquotedUnknown = false
    /// A quoted piece was added: the word exists even when empty.
    var sawQuoted = false
    var inputLower: Int?
    var inputUpper = 0

    var isEmpty: Bool { value.isEmpty && !sawQuoted && parts.isEmpty }

    private mutating func addRun(valueStart: Int, valueLength: Int, input: Range<Int>, exact: Bool) {
        if inputLower == nil { inputLower = input.lowerBound }
        inputUpper = max(inputUpper, input.upperBound)
        guard valueLength > 0 else { return }
        if exact, let last = runs.last, last.exact, last.valueEnd == valueStart, last.inputEnd == input.lowerBound {
            runs[runs.count - 1].valueLength += valueLength
            runs[runs.count - 1].inputLength += input.count
        } else {
            runs.append(OffsetMap.Run(valueStart: valueStart, valueLength: valueLength, inputStart: input.lowerBound,
                                      inputLength: input.count, exact: exact))
        }
    }

    mutating func appendText(_ bytes: ArraySlice<UInt8>, input: Range<Int>) {
        let start = value.count
        value.append(contentsOf: bytes)
        addRun(valueStart: start, valueLength: bytes.count, input: input, exact: true)
    }

    /// A variable's value standing for `input` (`$IMAGE`).
    mutating func appendExpansion(_ text: Substring.UTF8View, input: Range<Int>) {
        let start = value.count
        value.append(contentsOf: text)
        addRun(valueStart: start, valueLength: value.count - start, input: input, exact: false)
    }

    mutating func appendUnknown(source: String, input: Range<Int>, quoted: Bool) {
        flushLiteral()
        let start = value.count
        let count = source.utf8.count
        value.append(contentsOf: repeatElement(MaskedText.placeholder, count: count))
        parts.append(.unknown(source: source))
        addRun(valueStart: start, valueLength: count, input: input, exact: count == input.count)
        literalStart = value.count
        if !quoted { unquotedUnknown = true }
        if quoted { sawQuoted = true }
    }

    mutating func flushLiteral() {
        if value.count > literalStart {
            parts.append(.literal(String(decoding: value[literalStart...], as: UTF8.self)))
        }
        literalStart = value.count
    }

    mutating func build(range: Range<Int>) -> ShellWord {
        flushLiteral()
        return ShellWord(parts: parts, range: range, map: OffsetMap(runs: runs, anchor: inputLower ?? range.lowerBound),
                         mayExpandToSeveralWords: unquotedUnknown)
    }
}

struct ShellParser {
    /// How deep `$( … )` and backticks are read as commands; deeper ones are only skipped (unknown).
    static let maximumSubstitutionDepth = 24

    let bytes: [UInt8]
    var end: Int
    var position = 0
    /// Ranges of the input that stand for unknown text (a Makefile's `$(VAR)`), and how each was written.
    let masks: [Range<Int>]
    let maskSources: [String]
    var problems: [ShellSyntaxProblem] = []
    var commands: [ShellCommand] = []
    var variables: [String: VariableState]
    var exports: [String: ShellWord] = [:]
    var undoLog: [Undo] = []
    /// How many subshells are open: only assignments inside them or a substitution need undoing.
    var scopes = 0
    var logsUndo: Bool { scopes > 0 || substitutionDepth > 0 }
    var pendingHereDocuments: [PendingHereDocument] = []
    var hereDocumentBodies: [Int: Range<Int>] = [:]
    /// Here-documents of commands already emitted whose bodies come later: operator offset to command and redirection.
    var hereDocumentOwners: [Int: (command: Int, redirection: Int)] = [:]
    var substitutionDepth = 0
    /// The conditions of the command being read, for the commands of substitutions inside its words.
    var lexContext = CommandContext(conditional: false, flags: [])

    struct VariableState {
        var value: String?
        /// The word last assigned, for `export NAME` after `NAME=value`.
        var word: ShellWord?
        var exported: Bool
    }

    enum Undo {
        case variable(String, VariableState?)
        case export(String, ShellWord?)
    }

    struct PendingHereDocument {
        let delimiter: [UInt8]
        let stripsTabs: Bool
        let operatorOffset: Int
    }

    struct CommandContext {
        var conditional: Bool
        var flags: ShellCommand.Context
    }

    init(bytes: [UInt8], masks: [Range<Int>], maskSources: [String], variables: [String: String]) {
        self.bytes = bytes
        self.end = bytes.count
        self.masks = masks
        self.maskSources = maskSources
        self.variables = variables.mapValues { VariableState(value: $0, word: nil, exported: true) }
    }

    mutating func run() -> ShellScript {
        _ = parseList(closesAtParenthesis: false, base: CommandContext(conditional: false, flags: []))
        var known: [String: String] = [:]
        for (name, state) in variables { if let value = state.value { known[name] = value } }
        return ShellScript(commands: commands, problems: problems, variables: known)
    }

    mutating func problem(_ message: String, at offset: Int) {
        problems.append(ShellSyntaxProblem(message: message, offset: offset))
    }

    // MARK: Bytes

    @inline(__always) func byte(_ index: Int) -> UInt8? { index < end ? bytes[index] : nil }

    @inline(__always) func isLineBreak(at index: Int) -> Bool {
        guard index < end else { return false }
        return bytes[index] == UInt8(ascii: "\n") || (bytes[index] == UInt8(ascii: "\r") && index + 1 < end && bytes[index + 1] == UInt8(ascii: "\n"))
    }

    /// The length of the line break at `index` (1 for LF, 2 for CRLF), 0 when none.
    @inline(__always) func lineBreakLength(at index: Int) -> Int {
        guard index < end else { return 0 }
        if bytes[index] == UInt8(ascii: "\n") { return 1 }
        if bytes[index] == UInt8(ascii: "\r"), index + 1 < end, bytes[index + 1] == UInt8(ascii: "\n") { return 2 }
        return 0
    }

    /// The mask covering `index`.
    func mask(at index: Int) -> Int? {
        var low = 0
        var high = masks.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if masks[middle].upperBound <= index {
                low = middle + 1
            } else if masks[middle].lowerBound > index {
                high = middle - 1
            } else {
                return middle
            }
        }
        return nil
    }

    /// Where the first mask starting after `index` starts (`end` when none).
    func nextMaskStart(after index: Int) -> Int {
        var low = 0
        var high = masks.count
        while low < high {
            let middle = (low + high) / 2
            if masks[middle].lowerBound > index { high = middle } else { low = middle + 1 }
        }
        return low < masks.count ? masks[low].lowerBound : end
    }

    /// Whether a byte ends a run of plain unquoted word characters.
    @inline(__always) static func isUnquotedSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ";"), UInt8(ascii: "&"),
             UInt8(ascii: "|"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"),
             UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "$"):
            return true
        default:
            return false
        }
    }

    /// Whether a byte ends a run of plain characters inside double quotes.
    @inline(__always) static func isDoubleQuotedSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "$")
    }

    /// How far plain bytes run from `index`: up to a special byte, the end, or the next mask.
    func plainRun(from index: Int, quoted: Bool) -> Int {
        var cursor = index
        var limit = end
        if !masks.isEmpty { limit = min(limit, nextMaskStart(after: index)) }
        if quoted {
            while cursor < limit, !Self.isDoubleQuotedSpecial(bytes[cursor]) { cursor += 1 }
        } else {
            while cursor < limit, !Self.isUnquotedSpecial(bytes[cursor]) { cursor += 1 }
        }
        return cursor
    }

    // MARK: Tokens

    mutating func nextToken(arithmeticAllowed: Bool, doubleBracket: Bool) -> ShellToken {
        while position < end {
            let character = bytes[position]
            if character == UInt8(ascii: " ") || character == UInt8(ascii: "\t") {
                position += 1
            } else if character == UInt8(ascii: "\\"), lineBreakLength(at: position + 1) > 0 {
                position += 1 + lineBreakLength(at: position + 1)
            } else if character == UInt8(ascii: "#"), masks.isEmpty || mask(at: position) == nil {
                while position < end, !isLineBreak(at: position) { position += 1 }
            } else if doubleBracket, isLineBreak(at: position) {
                position += lineBreakLength(at: position)
            } else {
                break
            }
        }
        guard position < end else { return .eof }
        let start = position
        if !masks.isEmpty, mask(at: start) != nil { return .word(readWord()) }
        let character = bytes[start]
        let next = byte(start + 1)
        if doubleBracket {
            // Inside `[[ … ]]` operators are the expression's, not the shell's.
            for text in ["&&", "||", "(", ")", "<", ">"] where bytes[start...].starts(with: text.utf8) {
                position += text.utf8.count
                var word = LexedWord(start: start)
                word.addText(start..<position)
                word.range = start..<position
                return .word(word)
            }
        }
        switch character {
        case _ where isLineBreak(at: start):
            let length = lineBreakLength(at: start)
            position += length
            readHereDocumentBodies()
            return .op(.newline, start..<(start + length))
        case UInt8(ascii: ";"):
            if next == UInt8(ascii: ";") {
                position += byte(start + 2) == UInt8(ascii: "&") ? 3 : 2
                return .op(.caseEnd, start..<position)
            }
            if next == UInt8(ascii: "&") {
                position += 2
                return .op(.caseEnd, start..<position)
            }
            position += 1
            return .op(.semicolon, start..<position)
        case UInt8(ascii: "&"):
            if next == UInt8(ascii: "&") {
                position += 2
                return .op(.and, start..<position)
            }
            if next == UInt8(ascii: ">") {
                let text = byte(start + 2) == UInt8(ascii: ">") ? "&>>" : "&>"
                position += text.utf8.count
                return .redirect(text, start..<position, fileDescriptor: nil)
            }
            position += 1
            return .op(.background, start..<position)
        case UInt8(ascii: "|"):
            if next == UInt8(ascii: "|") {
                position += 2
                return .op(.or, start..<position)
            }
            position += next == UInt8(ascii: "&") ? 2 : 1
            return .op(.pipe, start..<position)
        case UInt8(ascii: "("):
            if arithmeticAllowed, next == UInt8(ascii: "(") {
                if let close = skipBalanced(from: start, open: UInt8(ascii: "("), close: UInt8(ascii: ")")) {
                    position = close + 1
                    return .arithmetic(start..<position)
                }
                problem("unterminated `((`", at: start)
                position = end
                return .arithmetic(start..<end)
            }
            position += 1
            return .op(.openParen, start..<position)
        case UInt8(ascii: ")"):
            position += 1
            return .op(.closeParen, start..<position)
        case UInt8(ascii: "<"), UInt8(ascii: ">"):
            if next == UInt8(ascii: "(") { return .word(readWord()) }
            return readRedirection(operatorStart: start, fileDescriptor: nil, rangeStart: start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var cursor = start
            while cursor < end, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") { cursor += 1 }
            if cursor < end, bytes[cursor] == UInt8(ascii: "<") || bytes[cursor] == UInt8(ascii: ">"), byte(cursor + 1) != UInt8(ascii: "("),
               cursor - start <= 9
            {
                let number = Int(String(decoding: bytes[start..<cursor], as: UTF8.self))
                position = cursor
                return readRedirection(operatorStart: cursor, fileDescriptor: number, rangeStart: start)
            }
            return .word(readWord())
        default:
            return .word(readWord())
        }
    }

    mutating func readRedirection(operatorStart: Int, fileDescriptor: Int?, rangeStart: Int) -> ShellToken {
        let next = byte(operatorStart + 1)
        let text: String
        if bytes[operatorStart] == UInt8(ascii: "<") {
            switch next {
            case UInt8(ascii: "<"):
                switch byte(operatorStart + 2) {
                case UInt8(ascii: "<"): text = "<<<"
                case UInt8(ascii: "-"): text = "<<-"
                default: text = "<<"
                }
            case UInt8(ascii: "&"): text = "<&"
            case UInt8(ascii: ">"): text = "<>"
            default: text = "<"
            }
        } else {
            switch next {
            case UInt8(ascii: ">"): text = ">>"
            case UInt8(ascii: "&"): text = ">&"
            case UInt8(ascii: "|"): text = ">|"
            default: text = ">"
            }
        }
        position = operatorStart + text.utf8.count
        return .redirect(text, rangeStart..<position, fileDescriptor: fileDescriptor)
    }

    /// The index of the `close` matching the `open` at `start`, skipping quoted text and escapes; nil when
    /// the input ends first. For what is only skipped, never read as commands: `${…}`, `$((…))`, `((…))`.
    func skipBalanced(from start: Int, open: UInt8, close: UInt8) -> Int? {
        var depth = 0
        var cursor = start
        while cursor < end {
            let character = bytes[cursor]
            switch character {
            case UInt8(ascii: "\\"):
                cursor += 2
                continue
            case UInt8(ascii: "'"):
                guard let quote = bytes[(cursor + 1)..<end].firstIndex(of: UInt8(ascii: "'")) else { return nil }
                cursor = quote + 1
                continue
            case UInt8(ascii: "\""):
                cursor += 1
                while cursor < end, bytes[cursor] != UInt8(ascii: "\"") {
                    cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
                }
                cursor += 1
                continue
            case open:
                depth += 1
            case close:
                depth -= 1
                if depth == 0 { return cursor }
            default:
                break
            }
            cursor += 1
        }
        return nil
    }

    // MARK: Words

    /// Reads a word starting at `position`.
    mutating func readWord() -> LexedWord {
        let start = position
        var word = LexedWord(start: start)
        let valueStart = detectAssignment(&word)
        loop: while position < end {
            if !masks.isEmpty, let index = mask(at: position) {
                let mask = masks[index]
                word.append(.unknown(source: maskSources[index], input: mask, quoted: false))
                position = mask.upperBound
                continue
            }
            let character = bytes[position]
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"),
                UInt8(ascii: ")"):
                break loop
            case UInt8(ascii: "\r"):
                if isLineBreak(at: position) { break loop }
                word.addText(position..<(position + 1))
                position += 1
            case UInt8(ascii: "("):
                if let valueStart, position == valueStart, let close = skipBalanced(from: position, open: character, close: UInt8(ascii: ")")) {
                    // `NAME=(a b c)`: a bash array, whose elements this reader does not follow.
                    word.append(.unknown(source: text(position..<(close + 1)), input: position..<(close + 1), quoted: false))
                    position = close + 1
                    continue
                }
                if position > start, isExtglobPrefix(bytes[position - 1]),
                   let close = skipBalanced(from: position, open: character, close: UInt8(ascii: ")"))
                {
                    // bash extended glob `@(a|b)`: a pattern, literal text here.
                    word.addText(position..<(close + 1))
                    position = close + 1
                    continue
                }
                break loop
            case UInt8(ascii: "<"), UInt8(ascii: ">"):
                guard byte(position + 1) == UInt8(ascii: "(") else { break loop }
                // Process substitution `<( … )`: its commands run; its result is a file name only the run knows.
                let opener = position
                if let after = readSubstitution(contentStart: position + 2, opener: opener) {
                    word.append(.unknown(source: text(opener..<after), input: opener..<after, quoted: false))
                    position = after
                } else {
                    word.append(.unknown(source: text(opener..<end), input: opener..<end, quoted: false))
                    word.broken = true
                    position = end
                }
            case UInt8(ascii: "\\"):
                word.quoted = true
                let breakLength = lineBreakLength(at: position + 1)
                if breakLength > 0 {
                    position += 1 + breakLength
                } else if position + 1 < end {
                    word.addText((position + 1)..<(position + 2))
                    position += 2
                } else {
                    word.addText(position..<(position + 1))
                    position += 1
                }
            case UInt8(ascii: "'"):
                readSingleQuoted(&word)
            case UInt8(ascii: "\""):
                readDoubleQuoted(&word)
            case UInt8(ascii: "`"):
                readBackticks(&word, quoted: false)
            case UInt8(ascii: "$"):
                readDollar(&word, quoted: false)
            default:
                let runEnd = max(position + 1, plainRun(from: position + 1, quoted: false))
                word.addText(position..<runEnd)
                position = runEnd
            }
        }
        word.range = start..<position
        return word
    }

    func isExtglobPrefix(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "@") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?")
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// Notes a leading `NAME=`, `NAME+=` or `NAME[…]=`; returns where the value starts.
    mutating func detectAssignment(_ word: inout LexedWord) -> Int? {
        var cursor = position
        guard cursor < end, ShellSyntax.isNameStart(bytes[cursor]) else { return nil }
        while cursor < end, ShellSyntax.isNameCharacter(bytes[cursor]) { cursor += 1 }
        let nameEnd = cursor
        if cursor < end, bytes[cursor] == UInt8(ascii: "[") {
            while cursor < end, bytes[cursor] != UInt8(ascii: "]"), !Self.isUnquotedSpecial(bytes[cursor]) { cursor += 1 }
            guard cursor < end, bytes[cursor] == UInt8(ascii: "]") else { return nil }
            cursor += 1
        }
        var isAppend = false
        if cursor < end, bytes[cursor] == UInt8(ascii: "+") {
            isAppend = true
            cursor += 1
        }
        guard cursor < end, bytes[cursor] == UInt8(ascii: "=") else { return nil }
        if !masks.isEmpty, masks.contains(where: { $0.overlaps(position..<(cursor + 1)) }) { return nil }
        word.assignmentNameEnd = nameEnd
        word.isAppend = isAppend
        // The name, `[…]`, `+` and `=` are plain text.
        word.addText(position..<(cursor + 1))
        position = cursor + 1
        return position
    }

    mutating func readSingleQuoted(_ word: inout LexedWord) {
        word.quoted = true
        let open = position
        let piecesBefore = word.pieceCount
        position += 1
        while position < end {
            let character = bytes[position]
            if character == UInt8(ascii: "'") {
                if word.pieceCount == piecesBefore { word.append(.emptyQuotes) }
                position += 1
                return
            }
            if !masks.isEmpty, let index = mask(at: position) {
                word.append(.unknown(source: maskSources[index], input: masks[index], quoted: true))
                position = masks[index].upperBound
                continue
            }
            if character == UInt8(ascii: "$"), readExpression(&word, quoted: true) { continue }
            var runEnd = position + 1
            while runEnd < end, bytes[runEnd] != UInt8(ascii: "'"), bytes[runEnd] != UInt8(ascii: "$") { runEnd += 1 }
            if !masks.isEmpty { runEnd = min(runEnd, nextMaskStart(after: position)) }
            word.addText(position..<runEnd)
            position = runEnd
        }
        problem("unterminated single quote: no closing `'`", at: open)
        word.broken = true
    }

    mutating func readDoubleQuoted(_ word: inout LexedWord) {
        word.quoted = true
        let open = position
        let piecesBefore = word.pieceCount
        position += 1
        while position < end {
            if !masks.isEmpty, let index = mask(at: position) {
                word.append(.unknown(source: maskSources[index], input: masks[index], quoted: true))
                position = masks[index].upperBound
                continue
            }
            let character = bytes[position]
            switch character {
            case UInt8(ascii: "\""):
                if word.pieceCount == piecesBefore { word.append(.emptyQuotes) }
                position += 1
                return
            case UInt8(ascii: "\\"):
                // Inside double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and a line break.
                let breakLength = lineBreakLength(at: position + 1)
                if breakLength > 0 {
                    position += 1 + breakLength
                } else if let next = byte(position + 1),
                          next == UInt8(ascii: "$") || next == UInt8(ascii: "`") || next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\")
                {
                    word.addText((position + 1)..<(position + 2))
                    position += 2
                } else {
                    word.addText(position..<(position + 1))
                    position += 1
                }
            case UInt8(ascii: "$"):
                readDollar(&word, quoted: true)
            case UInt8(ascii: "`"):
                readBackticks(&word, quoted: true)
            default:
                let runEnd = max(position + 1, plainRun(from: position + 1, quoted: true))
                word.addText(position..<runEnd)
                position = runEnd
            }
        }
        problem("unterminated double quote: no closing `\"`", at: open)
        word.broken = true
    }

    /// A GitHub Actions `${{ … }}` at `position`: unknown wherever it stands, because the runner replaces it
    /// in the script's text before any shell reads it. Returns false when there is none.
    mutating func readExpression(_ word: inout LexedWord, quoted: Bool) -> Bool {
        guard byte(position + 1) == UInt8(ascii: "{"), byte(position + 2) == UInt8(ascii: "{") else { return false }
        let start = position
        var cursor = start + 3
        while cursor + 1 < end, !(bytes[cursor] == UInt8(ascii: "}") && bytes[cursor + 1] == UInt8(ascii: "}")) { cursor += 1 }
        let close: Int
        if cursor + 1 < end {
            close = cursor + 2
        } else {
            problem("unterminated expression: no closing `}}`", at: start)
            close = end
        }
        word.append(.unknown(source: text(start..<close), input: start..<close, quoted: quoted))
        position = close
        return true
    }

    mutating func readDollar(_ word: inout LexedWord, quoted: Bool) {
        let start = position
        guard let next = byte(start + 1) else {
            word.addText(start..<(start + 1))
            position += 1
            return
        }
        switch next {
        case UInt8(ascii: "{"):
            if readExpression(&word, quoted: quoted) { return }
            guard let close = skipBalanced(from: start + 1, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) else {
                problem("unterminated parameter expansion: no closing `}`", at: start)
                word.append(.unknown(source: text(start..<end), input: start..<end, quoted: quoted))
                word.broken = true
                position = end
                return
            }
            let content = bytes[(start + 2)..<close]
            if ShellSyntax.isName(content) {
                word.append(.variable(name: String(decoding: content, as: UTF8.self), input: start..<(close + 1), quoted: quoted))
            } else {
                word.append(.unknown(source: text(start..<(close + 1)), input: start..<(close + 1), quoted: quoted))
            }
            position = close + 1
        case UInt8(ascii: "("):
            if byte(start + 2) == UInt8(ascii: "(") {
                // Arithmetic `$(( … ))`.
                guard let close = skipBalanced(from: start + 1, open: UInt8(ascii: "("), close: UInt8(ascii: ")")) else {
                    problem("unterminated arithmetic expansion: no closing `))`", at: start)
                    word.append(.unknown(source: text(start..<end), input: start..<end, quoted: quoted))
                    word.broken = true
                    position = end
                    return
                }
                word.append(.unknown(source: text(start..<(close + 1)), input: start..<(close + 1), quoted: quoted))
                position = close + 1
                return
            }
            if let after = readSubstitution(contentStart: start + 2, opener: start) {
                word.append(.unknown(source: text(start..<after), input: start..<after, quoted: quoted))
                position = after
            } else {
                word.append(.unknown(source: text(start..<end), input: start..<end, quoted: quoted))
                word.broken = true
                position = end
            }
        case UInt8(ascii: "'") where !quoted:
            // bash ANSI-C quoting `$'…'`: literal when it holds no escape, unknown otherwise.
            word.quoted = true
            let (found, escaped) = closing(UInt8(ascii: "'"), from: start + 2)
            guard let cursor = found else {
                problem("unterminated single quote: no closing `'`", at: start + 1)
                word.broken = true
                position = end
                return
            }
            if escaped {
                word.append(.unknown(source: text(start..<(cursor + 1)), input: start..<(cursor + 1), quoted: true))
            } else if cursor == start + 2 {
                word.append(.emptyQuotes)
            } else {
                word.addText((start + 2)..<cursor)
            }
            position = cursor + 1
        case UInt8(ascii: "\"") where !quoted:
            // bash `$"…"` (translated text) reads as a double-quoted string.
            position += 1
            readDoubleQuoted(&word)
        case UInt8(ascii: "["):
            guard let close = skipBalanced(from: start + 1, open: UInt8(ascii: "["), close: UInt8(ascii: "]")) else {
                word.addText(start..<(start + 1))
                position += 1
                return
            }
            word.append(.unknown(source: text(start..<(close + 1)), input: start..<(close + 1), quoted: quoted))
            position = close + 1
        default:
            if ShellSyntax.isNameStart(next) {
                var cursor = start + 2
                while cursor < end, ShellSyntax.isNameCharacter(bytes[cursor]) { cursor += 1 }
                word.append(.variable(name: text((start + 1)..<cursor), input: start..<cursor, quoted: quoted))
                position = cursor
            } else if (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) || "@*#?-$!".utf8.contains(next) {
                word.append(.unknown(source: text(start..<(start + 2)), input: start..<(start + 2), quoted: quoted))
                position = start + 2
            } else {
                word.addText(start..<(start + 1))
                position += 1
            }
        }
    }

    /// The next `delimiter` from `start` that no backslash escapes, and whether a backslash came before it.
    func closing(_ delimiter: UInt8, from start: Int) -> (index: Int?, escaped: Bool) {
        var cursor = start
        var escaped = false
        while cursor < end, bytes[cursor] != delimiter {
            if bytes[cursor] == UInt8(ascii: "\\") {
                escaped = true
                cursor += 1
            }
            cursor += 1
        }
        return (cursor < end ? cursor : nil, escaped)
    }

    mutating func readBackticks(_ word: inout LexedWord, quoted: Bool) {
        let start = position
        let (found, escaped) = closing(UInt8(ascii: "`"), from: start + 1)
        guard let cursor = found else {
            problem("unterminated command substitution: no closing backtick", at: start)
            word.append(.unknown(source: text(start..<end), input: start..<end, quoted: quoted))
            word.broken = true
            position = end
            return
        }
        // Inside backticks a backslash is removed before the command is read; read only those without one.
        if !escaped, substitutionDepth < Self.maximumSubstitutionDepth {
            let savedEnd = end
            let savedContext = lexContext
            let mark = undoLog.count
            substitutionDepth += 1
            end = cursor
            position = start + 1
            var context = lexContext
            context.flags.insert(.commandSubstitution)
            _ = parseList(closesAtParenthesis: false, base: context)
            pendingHereDocuments.removeAll()
            end = savedEnd
            substitutionDepth -= 1
            undo(to: mark)
            lexContext = savedContext
        }
        word.append(.unknown(source: text(start..<(cursor + 1)), input: start..<(cursor + 1), quoted: quoted))
        position = cursor + 1
    }

    /// Reads the commands of `$( … )` or `<( … )` whose content starts at `contentStart`; returns the offset
    /// after the closing `)`, or nil (with a problem) when the input ends first.
    mutating func readSubstitution(contentStart: Int, opener: Int) -> Int? {
        guard substitutionDepth < Self.maximumSubstitutionDepth else {
            guard let close = skipBalanced(from: contentStart - 1, open: UInt8(ascii: "("), close: UInt8(ascii: ")")) else {
                problem("unterminated command substitution: no closing `)`", at: opener)
                return nil
            }
            return close + 1
        }
        let savedContext = lexContext
        let mark = undoLog.count
        substitutionDepth += 1
        position = contentStart
        var context = lexContext
        context.flags.insert(.commandSubstitution)
        let closed = parseList(closesAtParenthesis: true, base: context)
        substitutionDepth -= 1
        undo(to: mark)
        lexContext = savedContext
        guard closed else {
            problem("unterminated command substitution: no closing `)`", at: opener)
            return nil
        }
        return position
    }

    // MARK: Here-documents

    mutating func readHereDocumentBodies() {
        guard !pendingHereDocuments.isEmpty else { return }
        let pending = pendingHereDocuments
        pendingHereDocuments.removeAll()
        for document in pending {
            let bodyStart = position
            var found = false
            while position < end {
                let lineStart = position
                var lineEnd = lineStart
                while lineEnd < end, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                var contentStart = lineStart
                if document.stripsTabs { while contentStart < lineEnd, bytes[contentStart] == UInt8(ascii: "\t") { contentStart += 1 } }
                var contentEnd = lineEnd
                if contentEnd > contentStart, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                position = min(end, lineEnd + 1)
                if bytes[contentStart..<contentEnd].elementsEqual(document.delimiter) {
                    recordBody(bodyStart..<lineStart, of: document)
                    found = true
                    break
                }
            }
            if !found {
                let delimiter = String(decoding: document.delimiter, as: UTF8.self)
                problem("here-document not terminated: no line `\(delimiter)` before the end", at: document.operatorOffset)
                recordBody(bodyStart..<end, of: document)
                position = end
            }
        }
    }

    mutating func recordBody(_ body: Range<Int>, of document: PendingHereDocument) {
        if let owner = hereDocumentOwners.removeValue(forKey: document.operatorOffset) {
            let old = commands[owner.command].redirections[owner.redirection]
            commands[owner.command].redirections[owner.redirection] = ShellCommand.Redirection(
                operator: old.operator, range: old.range, fileDescriptor: old.fileDescriptor, target: old.target, hereDocumentBody: body)
        } else {
            hereDocumentBodies[document.operatorOffset] = body
        }
    }

    // MARK: Variables

    mutating func undo(to mark: Int) {
        while undoLog.count > mark {
            switch undoLog.removeLast() {
            case .variable(let name, let state): variables[name] = state
            case .export(let name, let word): exports[name] = word
            }
        }
    }

    mutating func setVariable(_ name: String, value: String?, word: ShellWord?) {
        let old = variables[name]
        if logsUndo { undoLog.append(.variable(name, old)) }
        let exported = old?.exported ?? false
        variables[name] = VariableState(value: value, word: word, exported: exported)
        if exported, let word { setExport(name, word) }
    }

    /// Records an exported value for the commands after it; only for the variables commands keep (see
    /// `ShellCommand.environment`), so that each command's copy stays small whatever the script exports.
    mutating func setExport(_ name: String, _ word: ShellWord?) {
        guard ShellCommand.environmentNames.contains(name) else { return }
        if logsUndo { undoLog.append(.export(name, exports[name])) }
        exports[name] = word
    }

    mutating func export(_ name: String) {
        let old = variables[name]
        if logsUndo { undoLog.append(.variable(name, old)) }
        variables[name] = VariableState(value: old?.value, word: old?.word, exported: true)
        if let word = old?.word { setExport(name, word) }
    }

    mutating func unset(_ name: String) {
        let old = variables[name]
        if logsUndo { undoLog.append(.variable(name, old)) }
        variables[name] = nil
        if exports[name] != nil { setExport(name, nil) }
    }

    /// A word of one run of text, without building anything else.
    func resolveSimple(_ word: LexedWord) -> ShellWord? {
        guard let input = word.simpleText else { return nil }
        return ShellWord(literal: String(decoding: bytes[input], as: UTF8.self), range: word.range,
                         map: .identity(start: input.lowerBound, length: input.count))
    }

    /// Expands `word` with the variables known now. `split`: unquoted known values containing blanks split
    /// into several words, and a word that expands to nothing disappears, as the shell's field splitting does.
    func resolve(_ word: LexedWord, split: Bool) -> [ShellWord] {
        var result: [ShellWord] = []
        resolve(word, split: split, into: &result)
        return result
    }

    func resolve(_ word: LexedWord, split: Bool, into result: inout [ShellWord]) {
        if let simple = resolveSimple(word) {
            result.append(simple)
            return
        }
        var builder = WordBuilder()
        var wordStart = word.range.lowerBound
        for piece in word.pieces {
            switch piece {
            case .text(let input):
                builder.appendText(bytes[input], input: input)
            case .emptyQuotes:
                builder.sawQuoted = true
            case .unknown(let source, let input, let quoted):
                builder.appendUnknown(source: source, input: input, quoted: quoted)
            case .variable(let name, let input, let quoted):
                guard let value = variables[name]?.value else {
                    builder.appendUnknown(source: text(input), input: input, quoted: quoted)
                    continue
                }
                if quoted { builder.sawQuoted = true }
                let blanks: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") }
                guard split, !quoted, value.utf8.contains(where: blanks) else {
                    builder.appendExpansion(value[...].utf8, input: input)
                    continue
                }
                // Field splitting: each blank-separated field of the value ends the word before it.
                let fields = value.utf8.split(whereSeparator: blanks)
                if let first = value.utf8.first, blanks(first), !builder.isEmpty {
                    result.append(builder.build(range: wordStart..<input.lowerBound))
                    builder = WordBuilder()
                    wordStart = input.lowerBound
                }
                for (index, field) in fields.enumerated() {
                    if index > 0 {
                        result.append(builder.build(range: wordStart..<input.upperBound))
                        builder = WordBuilder()
                        wordStart = input.lowerBound
                    }
                    builder.appendExpansion(Substring(field).utf8, input: input)
                }
                if let last = value.utf8.last, blanks(last), !builder.isEmpty {
                    result.append(builder.build(range: wordStart..<input.upperBound))
                    builder = WordBuilder()
                    wordStart = input.upperBound
                }
            }
        }
        if !builder.isEmpty || !split {
            result.append(builder.build(range: wordStart..<word.range.upperBound))
        }
    }
}

// MARK: - Grammar

extension ShellParser {
    /// A compound command being read.
    struct Frame {
        enum Kind { case brace, subshell, ifClause, whileLoop, forLoop, caseClause }
        enum Stage {
            case body, condition, thenBody, elifCondition, elseBody
            case forName, forAfterName, forWords, forBeforeDo
            case caseSubject, caseBeforeIn, casePattern
        }

        let kind: Kind
        var stage: Stage
        /// The keyword (or parenthesis) that opened the frame.
        let keywordRange: Range<Int>
        var opener: Int { keywordRange.lowerBound }
        /// Whether the frame itself may not run.
        let inherited: Bool
        let flags: ShellCommand.Context
        let undoMark: Int

        var conditional: Bool {
            switch (kind, stage) {
            case (_, .thenBody), (_, .elifCondition), (_, .elseBody), (.whileLoop, .body), (.forLoop, .body), (.caseClause, .body):
                return true
            default:
                return inherited
            }
        }

        var isHeader: Bool {
            switch stage {
            case .forName, .forAfterName, .forWords, .forBeforeDo, .caseSubject, .caseBeforeIn, .casePattern: return true
            default: return false
            }
        }

        var closingKeyword: String {
            switch kind {
            case .brace: return "}"
            case .subshell: return ")"
            case .ifClause: return "fi"
            case .whileLoop, .forLoop: return "done"
            case .caseClause: return "esac"
            }
        }
    }

    /// A simple command being read.
    struct PendingCommand {
        var start: Int
        var end: Int
        var assignments: [LexedWord] = []
        var words: [LexedWord] = []
        var redirections: [(text: String, range: Range<Int>, fileDescriptor: Int?, target: LexedWord?)] = []
        var broken = false
    }

    struct ListState {
        let base: CommandContext
        var frames: [Frame] = []
        var current: PendingCommand?
        var afterOr = false
        var preceding: ShellSeparator?
        /// A function's name and `()` were read; the next compound command is its body.
        var pendingFunction = false
        /// `name (` was read; `)` must follow.
        var functionParenthesis: Int?
        /// After the `function` keyword: 1 expects the name, 2 allows `()`.
        var functionKeyword = 0
        var doubleBracket = false
        /// A compound command just ended: redirections until the next separator are its own.
        var afterCompound = false
        /// The words array of the last command, emptied, so that the next one need not allocate.
        var spareWords: [LexedWord] = []

        mutating func startCommand(at start: Int, end: Int) {
            var command = PendingCommand(start: start, end: end)
            swap(&command.words, &spareWords)
            current = command
        }

        func context() -> CommandContext {
            var conditional = frames.last?.conditional ?? base.conditional
            var flags = frames.last?.flags ?? base.flags
            if afterOr { conditional = true }
            if pendingFunction {
                conditional = true
                flags.insert(.function)
            }
            return CommandContext(conditional: conditional, flags: flags)
        }
    }

    static let reservedWordStarts: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for character in "itefwudcs{}![" { table[Int(character.asciiValue!)] = true }
        return table
    }()

    static let reservedWords: Set<String> = [
        "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "select", "case", "esac", "{", "}", "!",
        "function", "[[",
    ]

    /// Reads commands until the input ends or, when `closesAtParenthesis`, until the `)` that closes a
    /// `$(` (returns true, with `position` after it).
    mutating func parseList(closesAtParenthesis: Bool, base: CommandContext) -> Bool {
        var state = ListState(base: base)
        while true {
            let top = state.frames.last
            let isHeader = top?.isHeader ?? false
            let commandStart = state.current == nil && !isHeader && !state.doubleBracket
            lexContext = state.context()
            let token = nextToken(arithmeticAllowed: commandStart || top?.stage == .forName, doubleBracket: state.doubleBracket)
            if isHeader, readHeader(token, &state) { continue }
            switch token {
            case .eof:
                finishCommand(&state, separator: .end)
                for frame in state.frames.reversed() {
                    problem("`\(text(frame.keywordRange))` is not closed: no `\(frame.closingKeyword)` before the end", at: frame.opener)
                }
                closeScopes(state)
                return false
            case .arithmetic(let range):
                if state.current == nil { state.startCommand(at: range.lowerBound, end: range.upperBound) }
                state.current?.end = range.upperBound
            case .word(let word):
                readWordToken(word, &state)
            case .redirect(let text, let range, let fileDescriptor):
                readRedirectionToken(text, range, fileDescriptor, &state)
            case .op(let op, let range):
                if readOperator(op, range, closesAtParenthesis: closesAtParenthesis, &state) { return true }
            }
        }
    }

    mutating func readWordToken(_ word: LexedWord, _ state: inout ListState) {
        if state.functionKeyword == 1 {
            state.functionKeyword = 2
            state.pendingFunction = true
            return
        }
        state.functionKeyword = 0
        if state.doubleBracket {
            state.current?.words.append(word)
            state.current?.end = word.range.upperBound
            if !word.quoted, word.pieceCount == 1, bytes[word.range].elementsEqual("]]".utf8) { state.doubleBracket = false }
            return
        }
        if state.current == nil, !word.quoted, word.range.count <= 8, word.simpleText == word.range,
           Self.reservedWordStarts[Int(bytes[word.range.lowerBound])]
        {
            let text = text(word.range)
            if Self.reservedWords.contains(text) {
                readReservedWord(text, word, &state)
                return
            }
        }
        if state.current == nil {
            state.startCommand(at: word.range.lowerBound, end: word.range.upperBound)
            state.afterCompound = false
        }
        if word.broken { state.current?.broken = true }
        if state.current!.words.isEmpty, word.assignmentNameEnd != nil {
            state.current!.assignments.append(word)
        } else {
            state.current!.words.append(word)
        }
        state.current!.end = word.range.upperBound
    }

    mutating func push(_ kind: Frame.Kind, _ stage: Frame.Stage, _ keyword: Range<Int>, _ state: inout ListState) {
        let context = state.context()
        var flags = context.flags
        if kind == .subshell { flags.insert(.subshell) }
        if kind == .subshell { scopes += 1 }
        state.frames.append(Frame(kind: kind, stage: stage, keywordRange: keyword, inherited: context.conditional,
                                  flags: flags, undoMark: undoLog.count))
        state.pendingFunction = false
        state.afterOr = false
        state.preceding = nil
    }

    /// Ends the subshells a list leaves open (a syntax problem already reported).
    mutating func closeScopes(_ state: ListState) {
        for frame in state.frames.reversed() where frame.kind == .subshell {
            undo(to: frame.undoMark)
            scopes -= 1
        }
    }

    mutating func pop(_ state: inout ListState) {
        let frame = state.frames.removeLast()
        if frame.kind == .subshell {
            undo(to: frame.undoMark)
            scopes -= 1
        }
        state.current = nil
        state.afterCompound = true
    }

    mutating func readReservedWord(_ text: String, _ word: LexedWord, _ state: inout ListState) {
        let top = state.frames.last
        func unexpected(_ state: inout ListState) {
            problem("unexpected `\(text)`", at: word.range.lowerBound)
        }
        switch text {
        case "if": push(.ifClause, .condition, word.range, &state)
        case "then":
            guard top?.kind == .ifClause, top?.stage == .condition || top?.stage == .elifCondition else { return unexpected(&state) }
            state.frames[state.frames.count - 1].stage = .thenBody
        case "elif":
            guard top?.kind == .ifClause, top?.stage == .thenBody else { return unexpected(&state) }
            state.frames[state.frames.count - 1].stage = .elifCondition
        case "else":
            guard top?.kind == .ifClause, top?.stage == .thenBody else { return unexpected(&state) }
            state.frames[state.frames.count - 1].stage = .elseBody
        case "fi":
            guard top?.kind == .ifClause, top?.stage == .thenBody || top?.stage == .elseBody else { return unexpected(&state) }
            pop(&state)
        case "while", "until": push(.whileLoop, .condition, word.range, &state)
        case "do":
            guard top?.kind == .whileLoop, top?.stage == .condition else { return unexpected(&state) }
            state.frames[state.frames.count - 1].stage = .body
        case "done":
            guard top?.kind == .whileLoop || top?.kind == .forLoop, top?.stage == .body else { return unexpected(&state) }
            pop(&state)
        case "for", "select": push(.forLoop, .forName, word.range, &state)
        case "case": push(.caseClause, .caseSubject, word.range, &state)
        case "esac":
            guard top?.kind == .caseClause, top?.stage == .body else { return unexpected(&state) }
            pop(&state)
        case "{": push(.brace, .body, word.range, &state)
        case "}":
            guard top?.kind == .brace else { return unexpected(&state) }
            pop(&state)
        case "!": break
        case "function": state.functionKeyword = 1
        case "[[":
            state.current = PendingCommand(start: word.range.lowerBound, end: word.range.upperBound, words: [word])
            state.doubleBracket = true
        default: break
        }
    }

    /// The words of a `for` or `case` header, which are not commands. Returns false for a token the list reads.
    mutating func readHeader(_ token: ShellToken, _ state: inout ListState) -> Bool {
        let index = state.frames.count - 1
        let stage = state.frames[index].stage
        func isWord(_ token: ShellToken, _ text: String) -> Bool {
            if case .word(let word) = token { return !word.quoted && bytes[word.range].elementsEqual(text.utf8) }
            return false
        }
        var isSeparator = false
        if case .op(let op, _) = token, op == .semicolon || op == .newline { isSeparator = true }
        switch (stage, token) {
        case (_, .eof):
            return false
        case (.forName, .word(let word)):
            if let name = word.pieces.first, case .text(let range) = name { unset(text(range)) }
            state.frames[index].stage = .forAfterName
        case (.forName, .arithmetic):
            state.frames[index].stage = .forBeforeDo
        case (.forAfterName, _) where isWord(token, "in"):
            state.frames[index].stage = .forWords
        case (.forAfterName, _) where isWord(token, "do"), (.forBeforeDo, _) where isWord(token, "do"):
            state.frames[index].stage = .body
        case (.forAfterName, _) where isSeparator, (.forWords, _) where isSeparator, (.forBeforeDo, _) where isSeparator:
            state.frames[index].stage = .forBeforeDo
        case (.forWords, .word):
            break
        case (.caseSubject, .word):
            state.frames[index].stage = .caseBeforeIn
        case (.caseBeforeIn, _) where isWord(token, "in"):
            state.frames[index].stage = .casePattern
        case (.caseBeforeIn, .op(.newline, _)), (.casePattern, .op(.newline, _)), (.casePattern, .op(.openParen, _)),
             (.casePattern, .op(.pipe, _)), (.casePattern, .op(.semicolon, _)):
            break
        case (.casePattern, _) where isWord(token, "esac"):
            pop(&state)
        case (.casePattern, .word):
            break
        case (.casePattern, .op(.closeParen, _)):
            state.frames[index].stage = .body
        default:
            let offset: Int
            switch token {
            case .word(let word): offset = word.range.lowerBound
            case .op(_, let range), .redirect(_, let range, _), .arithmetic(let range): offset = range.lowerBound
            case .eof: offset = end
            }
            problem("unexpected text in the `\(text(state.frames[index].keywordRange))` header", at: offset)
            // Read the rest as the body, so that later commands are still found.
            state.frames[index].stage = .body
            return false
        }
        return true
    }

    mutating func readRedirectionToken(_ text: String, _ range: Range<Int>, _ fileDescriptor: Int?, _ state: inout ListState) {
        lexContext = state.context()
        let token = nextToken(arithmeticAllowed: false, doubleBracket: false)
        var target: LexedWord?
        if case .word(let word) = token {
            target = word
        } else {
            problem("a redirection `\(text)` needs a file name", at: range.lowerBound)
            // What followed is read again as if the redirection were not there.
            switch token {
            case .op(let op, let opRange):
                if state.current == nil { state.startCommand(at: range.lowerBound, end: range.upperBound) }
                state.current!.broken = true
                _ = readOperator(op, opRange, closesAtParenthesis: false, &state)
            default: break
            }
            return
        }
        if text == "<<" || text == "<<-", let target {
            var delimiter: [UInt8] = []
            for piece in target.pieces {
                switch piece {
                case .text(let input): delimiter.append(contentsOf: bytes[input])
                case .variable(_, let input, _), .unknown(_, let input, _): delimiter.append(contentsOf: bytes[input])
                case .emptyQuotes: break
                }
            }
            pendingHereDocuments.append(PendingHereDocument(delimiter: delimiter, stripsTabs: text == "<<-", operatorOffset: range.lowerBound))
        }
        // A redirection after a compound command (`done > log`) belongs to no simple command.
        if state.current == nil, !state.afterCompound, !(state.frames.last?.isHeader ?? false) {
            state.startCommand(at: range.lowerBound, end: range.lowerBound)
        }
        state.current?.redirections.append((text, range, fileDescriptor, target))
        state.current?.end = target?.range.upperBound ?? range.upperBound
        if target?.broken == true { state.current?.broken = true }
    }

    /// Returns true when the `)` closing the substitution being read was met.
    mutating func readOperator(_ op: ShellToken.Operator, _ range: Range<Int>, closesAtParenthesis: Bool, _ state: inout ListState) -> Bool {
        let afterFunctionName = state.functionKeyword == 2
        state.functionKeyword = 0
        switch op {
        case .semicolon: finishCommand(&state, separator: .semicolon)
        case .newline:
            if state.functionParenthesis != nil { break }
            finishCommand(&state, separator: .newline)
        case .background: finishCommand(&state, separator: .background)
        case .and: finishCommand(&state, separator: .and)
        case .or: finishCommand(&state, separator: .or)
        case .pipe: finishCommand(&state, separator: .pipe)
        case .caseEnd:
            guard let top = state.frames.last, top.kind == .caseClause, top.stage == .body else {
                problem("unexpected `\(text(range))` outside a `case` item", at: range.lowerBound)
                finishCommand(&state, separator: .caseEnd)
                break
            }
            finishCommand(&state, separator: .caseEnd)
            state.frames[state.frames.count - 1].stage = .casePattern
        case .openParen:
            if let current = state.current, current.words.count == 1, current.assignments.isEmpty, current.redirections.isEmpty {
                // `name ()`: a function definition.
                state.functionParenthesis = range.lowerBound
            } else if state.current == nil {
                if afterFunctionName && isFunctionParentheses(range) {
                    state.functionParenthesis = range.lowerBound
                } else {
                    push(.subshell, .body, range, &state)
                }
            } else {
                problem("unexpected `(`", at: range.lowerBound)
                state.current?.broken = true
            }
        case .closeParen:
            if state.functionParenthesis != nil {
                state.functionParenthesis = nil
                state.current = nil
                state.pendingFunction = true
            } else if let top = state.frames.last, top.kind == .subshell {
                finishCommand(&state, separator: .end)
                pop(&state)
            } else if closesAtParenthesis {
                finishCommand(&state, separator: .end)
                for frame in state.frames.reversed() {
                    problem("`\(text(frame.keywordRange))` is not closed: no `\(frame.closingKeyword)` before `)`", at: frame.opener)
                }
                closeScopes(state)
                return true
            } else {
                problem("unexpected `)`", at: range.lowerBound)
                finishCommand(&state, separator: .end)
            }
        }
        return false
    }

    /// Whether the `(` at `range` is followed by `)`, as in `function name ()`.
    func isFunctionParentheses(_ range: Range<Int>) -> Bool {
        var cursor = range.upperBound
        while cursor < end, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        return cursor < end && bytes[cursor] == UInt8(ascii: ")")
    }

    mutating func finishCommand(_ state: inout ListState, separator: ShellSeparator) {
        if var pending = state.current {
            state.current = nil
            if !pending.broken {
                emit(pending, separator: separator, preceding: state.preceding, context: state.context())
            }
            state.pendingFunction = false
            pending.words.removeAll(keepingCapacity: true)
            swap(&pending.words, &state.spareWords)
        }
        state.doubleBracket = false
        state.afterCompound = false
        switch separator {
        case .or:
            state.afterOr = true
            state.preceding = .or
        case .and:
            state.afterOr = false
            state.preceding = .and
        case .pipe:
            state.preceding = .pipe
        default:
            state.afterOr = false
            state.preceding = nil
        }
    }

    // MARK: Commands

    mutating func emit(_ pending: PendingCommand, separator: ShellSeparator, preceding: ShellSeparator?, context: CommandContext) {
        var words: [ShellWord] = []
        words.reserveCapacity(pending.words.count)
        for lexed in pending.words {
            resolve(lexed, split: true, into: &words)
        }
        let alone = words.isEmpty
        var assignments: [ShellCommand.Assignment] = []
        for lexed in pending.assignments {
            let assignment = resolveAssignment(lexed)
            assignments.append(assignment)
            // Assignments standing alone are performed in order, so `A=1 B=$A` sees A.
            if alone { assign(assignment) }
        }
        var wrappers: [ShellWord] = []
        Self.stripWrappers(&words, &wrappers, &assignments)
        let redirections = pending.redirections.map { redirection in
            ShellCommand.Redirection(
                operator: redirection.text, range: redirection.range, fileDescriptor: redirection.fileDescriptor,
                target: redirection.target.flatMap { resolve($0, split: false).first },
                hereDocumentBody: redirection.text.hasPrefix("<<") && redirection.text != "<<<" ? hereDocumentBodies[redirection.range.lowerBound] : nil
            )
        }
        let command = ShellCommand(
            assignments: assignments, words: words, wrappers: wrappers, redirections: redirections, range: pending.start..<pending.end,
            separator: separator, precedingOperator: preceding, isConditional: context.conditional, context: context.flags, environment: exports
        )
        for (index, redirection) in redirections.enumerated()
        where redirection.operator.hasPrefix("<<") && redirection.operator != "<<<" && redirection.hereDocumentBody == nil {
            hereDocumentOwners[redirection.range.lowerBound] = (commands.count, index)
        }
        commands.append(command)
        applyEffects(of: command)
    }

    func resolveAssignment(_ lexed: LexedWord) -> ShellCommand.Assignment {
        let nameEnd = lexed.assignmentNameEnd!
        let whole = resolve(lexed, split: false)[0]
        let prefixLength = nameEnd - lexed.range.lowerBound
        // The value starts after `=`; `NAME[…]=` and `NAME+=` have more between the name and the value.
        var valueOffset = prefixLength
        let prefix = bytes[nameEnd..<lexed.range.upperBound]
        if let equals = prefix.firstIndex(of: UInt8(ascii: "=")) { valueOffset = equals - lexed.range.lowerBound + 1 }
        let name = text(lexed.range.lowerBound..<nameEnd)
        return ShellCommand.Assignment(name: name, nameRange: lexed.range.lowerBound..<nameEnd, value: whole.subword(fromValueOffset: valueOffset),
                                       range: lexed.range, isAppend: lexed.isAppend)
    }

    mutating func assign(_ assignment: ShellCommand.Assignment) {
        var value = assignment.value.literal
        if assignment.isAppend {
            value = value.flatMap { appended in variables[assignment.name]?.value.map { $0 + appended } }
        }
        if bytes[assignment.nameRange.upperBound] == UInt8(ascii: "[") { value = nil }
        setVariable(assignment.name, value: value, word: assignment.value)
    }

    /// Variables changed by `export`, `readonly`, `declare`, `typeset`, `local`, `unset`, `read`, `getopts`,
    /// `mapfile`, `readarray` and `printf -v`.
    mutating func applyEffects(of command: ShellCommand) {
        guard let name = command.words.first?.literal, let first = name.utf8.first, "erdtlumgp".utf8.contains(first) else { return }
        let arguments = command.words.dropFirst()
        switch name {
        case "export", "readonly", "declare", "typeset", "local":
            var knownType = true
            for argument in arguments {
                if let variable = argument.assignmentName {
                    let value = argument.subword(fromValueOffset: variable.utf8.count + 1)
                    setVariable(variable, value: knownType ? value.literal : nil, word: value)
                    if name == "export" { export(variable) }
                } else if let text = argument.literal, text.hasPrefix("-") || text.hasPrefix("+") {
                    // Arrays, integers and name references hold something other than the text.
                    if text.contains(where: { "aAin".contains($0) }) { knownType = false }
                } else if name == "export", let text = argument.literal, ShellSyntax.isName(text.utf8) {
                    export(text)
                }
            }
        case "unset":
            if arguments.contains(where: { $0.literal == "-f" }) { return }
            for argument in arguments { if let text = argument.literal, ShellSyntax.isName(text.utf8) { unset(text) } }
        case "read", "mapfile", "readarray", "getopts":
            for argument in arguments { if let text = argument.literal, ShellSyntax.isName(text.utf8) { forget(text, at: argument) } }
        case "printf":
            if arguments.first?.literal == "-v", let argument = arguments.dropFirst().first, let text = argument.literal { forget(text, at: argument) }
        default:
            break
        }
    }

    /// Gives variable `name` a value only the run knows, set by the command argument `argument` (`read NAME`).
    mutating func forget(_ name: String, at argument: ShellWord) {
        let word = ShellWord(parts: [.unknown(source: "$" + name)], range: argument.range,
                             map: OffsetMap(runs: [.init(valueStart: 0, valueLength: name.utf8.count + 1, inputStart: argument.range.lowerBound,
                                                         inputLength: argument.range.count, exact: false)], anchor: argument.range.lowerBound),
                             mayExpandToSeveralWords: true)
        setVariable(name, value: nil, word: word)
    }

    /// Takes command wrappers off the front of `words`: `sudo`, `env`, `time`, `exec`, `command`, `nohup`,
    /// `nice`, `timeout` and their options (sudo(8), env(1), time(1), nice(1), timeout(1), bash(1) builtins).
    /// `sudo` and `env` arguments `NAME=value` become assignments. `command -v`/`-V` only looks a name up,
    /// so it is left as it is.
    static func stripWrappers(_ words: inout [ShellWord], _ wrappers: inout [ShellWord], _ assignments: inout [ShellCommand.Assignment]) {
        var index = 0
        wrapping: while index < words.count, let name = words[index].literal, let first = name.utf8.first,
            first == UInt8(ascii: "s") || first == UInt8(ascii: "e") || first == UInt8(ascii: "t") || first == UInt8(ascii: "c")
                || first == UInt8(ascii: "n")
        {
            let specification: (valueShort: String, valueLong: Set<String>, takesAssignments: Bool, positional: Int)
            switch name {
            case "sudo":
                specification = ("ugCDhprtTU", ["user", "group", "close-from", "chdir", "host", "prompt", "role", "type", "command-timeout", "other-user"], true, 0)
            case "env": specification = ("uCS", ["unset", "chdir", "split-string"], true, 0)
            case "time": specification = ("fo", ["format", "output"], false, 0)
            case "exec": specification = ("a", [], false, 0)
            case "command":
                if let option = words.dropFirst(index + 1).first?.literal, option.hasPrefix("-"), option.contains("v") || option.contains("V") {
                    break wrapping
                }
                specification = ("", [], false, 0)
            case "nohup": specification = ("", [], false, 0)
            case "nice": specification = ("n", ["adjustment"], false, 0)
            case "timeout": specification = ("sk", ["signal", "kill-after"], false, 1)
            default: break wrapping
            }
            var cursor = index + 1
            var positional = specification.positional
            var assignmentWords: Set<Int> = []
            options: while cursor < words.count {
                guard let text = words[cursor].literal else { break }
                if text == "--" {
                    cursor += 1
                    break
                }
                if text.hasPrefix("--") {
                    let body = text.dropFirst(2)
                    if !body.contains("="), specification.valueLong.contains(String(body)) { cursor += 1 }
                    cursor += 1
                    continue
                }
                if text.hasPrefix("-"), text.count > 1 {
                    // A cluster of short options; one that takes a value takes the rest, or the next word.
                    let letters = Array(text.utf8.dropFirst())
                    for (offset, letter) in letters.enumerated() where specification.valueShort.utf8.contains(letter) {
                        if offset == letters.count - 1 { cursor += 1 }
                        break
                    }
                    cursor += 1
                    continue
                }
                if specification.takesAssignments, words[cursor].assignmentName != nil {
                    let word = words[cursor]
                    let variable = word.assignmentName!
                    let nameEnd = word.map.inputRange(of: 0..<variable.utf8.count).upperBound
                    assignments.append(ShellCommand.Assignment(
                        name: variable, nameRange: word.range.lowerBound..<nameEnd, value: word.subword(fromValueOffset: variable.utf8.count + 1),
                        range: word.range, isAppend: false))
                    assignmentWords.insert(cursor)
                    cursor += 1
                    continue
                }
                if positional > 0 {
                    positional -= 1
                    cursor += 1
                    continue
                }
                break options
            }
            guard cursor < words.count else {
                // A wrapper with nothing to run (`exec > log`) stays a command of its own.
                break wrapping
            }
            wrappers.append(contentsOf: (index..<cursor).filter { !assignmentWords.contains($0) }.map { words[$0] })
            index = cursor
        }
        if index > 0 { words.removeFirst(index) }
    }
}
