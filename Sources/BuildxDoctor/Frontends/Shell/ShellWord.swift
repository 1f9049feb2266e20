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

    /// Ordered by `valueStart`, covering the value without gaps.
    var runs: [Run]
    /// The input offset that an empty value, or the start of a value no run covers, stands at.
    var anchor: Int

    init(runs: [Run], anchor: Int) {
        self.runs = runs
        self.anchor = anchor
    }

    /// A map in which value offset `i` is input offset `start + i` for `length` bytes.
    static func identity(start: Int, length: Int) -> OffsetMap {
        OffsetMap(runs: length == 0 ? [] : [Run(valueStart: 0, valueLength: length, inputStart: start, inputLength: length, exact: true)], anchor: start)
    }

    /// The index of the run holding value offset `offset`, or of the last run starting before it.
    private func runIndex(_ offset: Int) -> Int? {
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
                guard let index = outer.runIndex(position), position < outer.runs[index].valueEnd else {
                    let input = outer.inputOffset(of: position)
                    append(Run(valueStart: run.valueStart + (position - run.inputStart), valueLength: run.inputEnd - position,
                               inputStart: input, inputLength: 0, exact: false))
                    break
                }
                let outerRun = outer.runs[index]
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

    /// The parts in order; adjacent literals are merged.
    public let parts: [Part]
    /// The UTF-8 byte range of the word's source text in the input, quotes included.
    public let range: Range<Int>
    /// From offsets in the value (unknown parts counted as many bytes as their source) to input offsets.
    public let map: OffsetMap
    /// Whether an unknown part stands outside double quotes, where the shell splits its result into fields:
    /// the word may then be several arguments, or none.
    public let mayExpandToSeveralWords: Bool

    init(parts: [Part], range: Range<Int>, map: OffsetMap, mayExpandToSeveralWords: Bool) {
        self.parts = parts
        self.range = range
        self.map = map
        self.mayExpandToSeveralWords = mayExpandToSeveralWords
    }

    /// The value when every part is known.
    public var literal: String? {
        switch parts.count {
        case 0: return ""
        case 1:
            if case .literal(let text) = parts[0] { return text }
            return nil
        default:
            // Literal parts are merged, so two or more parts always include an unknown one.
            return nil
        }
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

    /// Whether the word is `text` written without quotes, escapes or expansions (a reserved word).
    func isPlain(_ text: String, in bytes: [UInt8]) -> Bool {
        range.count == text.utf8.count && bytes[range].elementsEqual(text.utf8)
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
