/// A parser of HCL native syntax (the language of `docker-bake.hcl`; hashicorp/hcl `hclsyntax/spec.md`),
/// written for the bake reader: it keeps exact byte ranges, reports every syntax error with its position
/// and goes on with the next line, bounds nesting, and never backtracks (linear in the input).
struct HCLParser {
    /// Deeper nesting is reported, not followed: a hostile file must not exhaust the stack.
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private let file: Int
    private var position = 0
    private var depth = 0
    /// Whether newlines end the expression being read (attribute level, object items) or are
    /// spacing (inside parentheses, brackets and interpolations), as hclsyntax's newline stack does.
    private var newlinesEnd = true
    private(set) var problems: [(message: String, range: SourceRange)] = []

    init(bytes: [UInt8], file: Int) {
        self.bytes = bytes
        self.file = file
    }

    /// Parses a whole file.
    static func parse(_ bytes: [UInt8], file: Int) -> (body: HCLBody, problems: [(message: String, range: SourceRange)]) {
        var parser = HCLParser(bytes: bytes, file: file)
        let body = parser.parseBody(closing: nil)
        return (body, parser.problems)
    }

    /// A string of HCL's JSON syntax read as a template (hashicorp/hcl `json/spec.md`: strings are
    /// templates, with `${`, `%{` and their `$${`, `%%{` escapes; JSON's own escapes are already decoded).
    /// `text` is the decoded string; `content` is where it is written. When decoding changed the bytes
    /// (`exact` false) the parts' ranges are only near their text, within the string.
    static func parseJSONString(_ text: [UInt8], content: SourceRange, exact: Bool) -> (template: HCLTemplate, problems: [(message: String, range: SourceRange)]) {
        var parser = HCLParser(bytes: text, file: content.file)
        parser.base = content.bytes.lowerBound
        parser.limit = content.bytes.upperBound
        let (tokens, _) = parser.scanTemplate(heredoc: true, end: text.count)
        let template = parser.makeTemplate(tokens, range: content, content: content, flush: false)
        let result = HCLTemplate(range: content, content: content, parts: template.parts, isVerbatim: template.isVerbatim && exact)
        return (result, parser.problems)
    }

    // MARK: - Characters

    private func peek(at offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
    private var current: UInt8? { peek(at: position) }

    /// Where `bytes` start in the file (a JSON string's text is parsed apart from its file), and the end
    /// of what ranges may cover there.
    private var base = 0
    private var limit = Int.max

    private func range(_ start: Int, _ end: Int? = nil) -> SourceRange {
        let lower = min(base + start, limit)
        return SourceRange(file: file, lower..<max(lower, min(base + max(start, end ?? position), limit)))
    }

    private mutating func report(_ message: String, _ start: Int, _ end: Int? = nil) {
        let upper = min(end ?? (start + 1), bytes.count)
        problems.append((message, range(min(start, bytes.count), upper)))
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte >= 0x80
    }

    static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Skips spaces and comments, and newlines unless they end what is being read.
    private mutating func skipTrivia(newlines: Bool) {
        while let byte = current {
            switch byte {
            case 0x20, 0x09, 0x0D:
                position += 1
            case 0x0A:
                guard newlines else { return }
                position += 1
            case 0x23:
                skipLineComment()
            case 0x2F where peek(at: position + 1) == 0x2F:
                skipLineComment()
            case 0x2F where peek(at: position + 1) == 0x2A:
                let start = position
                position += 2
                while position < bytes.count, !(bytes[position] == 0x2A && peek(at: position + 1) == 0x2F) { position += 1 }
                if position >= bytes.count {
                    report("Unterminated block comment", start, start + 2)
                } else {
                    position += 2
                }
            default:
                return
            }
        }
    }

    private mutating func skipLineComment() {
        while let byte = current, byte != 0x0A { position += 1 }
    }

    private mutating func skipExpressionTrivia() { skipTrivia(newlines: !newlinesEnd) }

    private mutating func readIdentifier() -> String {
        let start = position
        while let byte = current, Self.isIdentifierContinue(byte) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func startsWith(_ text: String, at offset: Int) -> Bool {
        var index = offset
        for byte in text.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// Whether a keyword (`for`, `in`, `if`) stands at `offset` as a whole word.
    private func keyword(_ word: String, at offset: Int) -> Bool {
        guard startsWith(word, at: offset) else { return false }
        let next = offset + word.utf8.count
        return next >= bytes.count || !Self.isIdentifierContinue(bytes[next])
    }

    // MARK: - Recovery

    /// After a syntax error: skips to the end of the line, stepping over brackets, strings and heredocs
    /// so that the rest of a multi-line value is not read as new items. Iterative, so depth is no matter.
    private mutating func recoverToLineEnd(stopAtClosingBrace: Bool) {
        var nesting = 0
        while let byte = current {
            switch byte {
            case 0x0A where nesting == 0:
                return
            case 0x7D where nesting == 0 && stopAtClosingBrace:
                return
            case 0x28, 0x5B, 0x7B:
                nesting += 1
                position += 1
            case 0x29, 0x5D, 0x7D:
                nesting = max(0, nesting - 1)
                position += 1
            case 0x22:
                position += 1
                while let inner = current, inner != 0x22, inner != 0x0A {
                    position += inner == 0x5C ? 2 : 1
                }
                if current == 0x22 { position += 1 }
            case 0x23:
                skipLineComment()
            case 0x2F where peek(at: position + 1) == 0x2F:
                skipLineComment()
            case 0x3C where peek(at: position + 1) == 0x3C:
                if let end = heredocExtent(at: position)?.end { position = end } else { position += 2 }
            default:
                position += 1
            }
        }
        position = min(position, bytes.count)
    }

    // MARK: - Bodies

    /// Reads items until EOF or, inside a block, its `}`.
    mutating func parseBody(closing openBrace: Int?) -> HCLBody {
        var body = HCLBody()
        while true {
            skipTrivia(newlines: true)
            guard let byte = current else {
                if let openBrace { report("Unclosed configuration block: there is no closing brace for this block", openBrace) }
                return body
            }
            if byte == 0x7D {
                if openBrace != nil {
                    position += 1
                    return body
                }
                report("Argument or block definition required: an argument or block definition is required here", position)
                position += 1
                continue
            }
            guard Self.isIdentifierStart(byte) else {
                report("Argument or block definition required: an argument or block definition is required here", position)
                recoverToLineEnd(stopAtClosingBrace: openBrace != nil)
                continue
            }
            let nameStart = position
            let name = readIdentifier()
            let nameRange = range(nameStart)
            skipTrivia(newlines: false)
            if current == 0x3D, peek(at: position + 1) != 0x3D {
                position += 1
                let saved = newlinesEnd
                newlinesEnd = true
                let problemCount = problems.count
                skipTrivia(newlines: false)
                let expressionStart = position
                let expression = parseExpression()
                newlinesEnd = saved
                body.items.append(.attribute(HCLAttribute(name: name, nameRange: nameRange, expression: expression)))
                if problems.count > problemCount {
                    // From the value's start, so that brackets it opened are stepped over as a whole.
                    position = expressionStart
                    recoverToLineEnd(stopAtClosingBrace: openBrace != nil)
                } else {
                    expectItemEnd(inBlock: openBrace != nil)
                }
            } else if let block = parseBlock(type: name, typeRange: nameRange) {
                body.items.append(.block(block))
                expectItemEnd(inBlock: openBrace != nil)
            }
        }
    }

    /// After an item: a newline, the end of the file, or (in a one-line block) its closing brace.
    private mutating func expectItemEnd(inBlock: Bool) {
        skipTrivia(newlines: false)
        guard let byte = current, byte != 0x0A else { return }
        if byte == 0x7D && inBlock { return }
        report("Missing newline after argument: an argument definition must end with a newline", position)
        recoverToLineEnd(stopAtClosingBrace: inBlock)
    }

    private mutating func parseBlock(type: String, typeRange: SourceRange) -> HCLBlock? {
        var labels: [(text: String, range: SourceRange)] = []
        while let byte = current, byte != 0x7B {
            if byte == 0x22 {
                let template = parseQuotedTemplate()
                if case .literal(let text, _)? = template.parts.first, template.parts.count == 1 {
                    labels.append((String(decoding: text, as: UTF8.self), template.content))
                } else if template.parts.isEmpty {
                    labels.append(("", template.content))
                } else {
                    report("Invalid block label: a block label must be a string without interpolations", template.range.bytes.lowerBound, template.range.bytes.upperBound)
                    labels.append(("", template.content))
                }
            } else if Self.isIdentifierStart(byte) {
                let start = position
                labels.append((readIdentifier(), range(start)))
            } else {
                report(
                    byte == 0x0A
                        ? "Invalid block definition: a block definition must have a block content delimited by \"{\" and \"}\", starting on the same line as the block header"
                        : "Argument or block definition required: an argument or block definition is required here; to set an argument, use the equals sign \"=\" to introduce the argument value",
                    position)
                recoverToLineEnd(stopAtClosingBrace: true)
                return nil
            }
            skipTrivia(newlines: false)
        }
        guard current == 0x7B else {
            report("Invalid block definition: a block definition must have a block content delimited by \"{\" and \"}\"", position)
            return nil
        }
        let open = position
        position += 1
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            report("Nesting too deep: more than \(Self.maximumDepth) levels", open)
            skipBalanced(from: open)
            return nil
        }
        // Where hclsyntax puts a body's missing items (buildx reports a bad environment value there): the
        // body's start, which for a one-line block (`parseSingleAttrBody`) is its attribute, else the brace.
        var firstItem = open + 1
        while firstItem < bytes.count, bytes[firstItem] == 0x20 || bytes[firstItem] == 0x09 { firstItem += 1 }
        let isOneLine = firstItem < bytes.count && bytes[firstItem] != 0x0A && bytes[firstItem] != 0x7D && bytes[firstItem] != 0x23 && bytes[firstItem] != 0x2F
        let body = parseBody(closing: open)
        let bodyStart = isOneLine ? firstItem : open
        return HCLBlock(type: type, typeRange: typeRange, labels: labels, openRange: range(bodyStart, bodyStart), body: body)
    }

    /// Skips past the bracket that closes the one at `open` (or to the end), without recursion.
    private mutating func skipBalanced(from open: Int) {
        position = open
        var nesting = 0
        while let byte = current {
            position += 1
            switch byte {
            case 0x28, 0x5B, 0x7B: nesting += 1
            case 0x29, 0x5D, 0x7D:
                nesting -= 1
                if nesting == 0 { return }
            case 0x22:
                while let inner = current, inner != 0x22, inner != 0x0A { position += inner == 0x5C ? 2 : 1 }
                if current == 0x22 { position += 1 }
            default: break
            }
        }
        position = min(position, bytes.count)
    }

    // MARK: - Expressions

    private mutating func enter(_ start: Int) -> Bool {
        depth += 1
        if depth > Self.maximumDepth {
            report("Nesting too deep: more than \(Self.maximumDepth) levels", start)
            return false
        }
        return true
    }

    mutating func parseExpression() -> HCLExpression {
        let start = position
        guard enter(start) else {
            depth -= 1
            skipBalanced(from: position)
            return .invalid(range(start))
        }
        defer { depth -= 1 }
        let condition = parseBinary(level: 1)
        skipExpressionTrivia()
        guard current == 0x3F else { return condition }
        position += 1
        let whenTrue = parseExpression()
        skipExpressionTrivia()
        guard current == 0x3A else {
            report("Missing false expression in conditional: the conditional operator (...?...:...) requires a false expression, delimited by a colon", position)
            return .invalid(range(start))
        }
        position += 1
        let whenFalse = parseExpression()
        return .conditional(condition, whenTrue, whenFalse, range(start))
    }

    private func binaryOperator() -> HCLBinaryOperator? {
        guard let byte = current else { return nil }
        let next = peek(at: position + 1)
        switch byte {
        case 0x7C where next == 0x7C: return .or
        case 0x26 where next == 0x26: return .and
        case 0x3D where next == 0x3D: return .equal
        case 0x21 where next == 0x3D: return .notEqual
        case 0x3C where next == 0x3D: return .lessOrEqual
        case 0x3C where next != 0x3C: return .less
        case 0x3E where next == 0x3D: return .greaterOrEqual
        case 0x3E: return .greater
        case 0x2B: return .add
        case 0x2D: return .subtract
        case 0x2A: return .multiply
        case 0x2F where next != 0x2F && next != 0x2A: return .divide
        case 0x25 where next != 0x7B: return .modulo
        default: return nil
        }
    }

    /// Precedence climbing: one stack frame per operand, whatever the number of levels.
    private mutating func parseBinary(level: Int) -> HCLExpression {
        let start = position
        var left = parseUnary()
        if case .invalid = left { return left }
        // A chain `a + b + c …` nests to the left: its length counts as depth, so that evaluating it
        // cannot exhaust the stack either.
        var chain = 0
        while true {
            skipExpressionTrivia()
            guard let op = binaryOperator(), op.level >= level else { return left }
            chain += 1
            if depth + chain > Self.maximumDepth {
                report("Nesting too deep: more than \(Self.maximumDepth) levels", position)
                return .invalid(range(start))
            }
            position += op.rawValue.utf8.count
            skipExpressionTrivia()
            guard enter(position) else {
                depth -= 1
                return .invalid(range(start))
            }
            let right = parseBinary(level: op.level + 1)
            depth -= 1
            left = .binary(op, left, right, range(start))
            if case .invalid = right { return left }
        }
    }

    private mutating func parseUnary() -> HCLExpression {
        skipExpressionTrivia()
        let start = position
        guard current == 0x21 || current == 0x2D else { return parsePostfix() }
        let isNot = current == 0x21
        position += 1
        guard enter(start) else {
            depth -= 1
            return .invalid(range(start))
        }
        defer { depth -= 1 }
        let operand = parseUnary()
        return isNot ? .not(operand, range(start)) : .negate(operand, range(start))
    }

    private mutating func parsePostfix() -> HCLExpression {
        let start = position
        var expression = parseTerm()
        if case .invalid = expression { return expression }
        var splatSteps: [HCLTraversalStep]?
        var splatBase: HCLExpression?
        var chain = 0
        while let byte = current {
            chain += 1
            if depth + chain > Self.maximumDepth {
                report("Nesting too deep: more than \(Self.maximumDepth) levels", position)
                return .invalid(range(start))
            }
            if byte == 0x2E {
                let next = peek(at: position + 1)
                // `...` after an argument expands it; it is no traversal.
                if next == 0x2E { break }
                if next == 0x2A {
                    position += 2
                    if splatBase == nil {
                        splatBase = expression
                        splatSteps = []
                    }
                    continue
                }
                if let next, Self.isIdentifierStart(next) {
                    position += 1
                    let nameStart = position
                    let name = readIdentifier()
                    if splatSteps != nil {
                        splatSteps!.append(.attribute(name, range(nameStart)))
                    } else {
                        expression = .attribute(expression, name, range(start))
                    }
                    continue
                }
                if let next, Self.isDigit(next) {
                    // Legacy index syntax: `list.0`.
                    position += 1
                    let digitsStart = position
                    while let digit = current, Self.isDigit(digit) { position += 1 }
                    let index = HCLExpression.number(String(decoding: bytes[digitsStart..<position], as: UTF8.self), range(digitsStart))
                    if splatSteps != nil { splatSteps!.append(.index(index)) } else { expression = .index(expression, index, range(start)) }
                    continue
                }
                report("Invalid attribute name: an attribute name is required after a dot", position + 1)
                position += 1
                return .invalid(range(start))
            }
            if byte == 0x20 || byte == 0x09 {
                // `list [0]`: hclsyntax's scanner drops the space; only an index may follow one here.
                var lookahead = position
                while lookahead < bytes.count, bytes[lookahead] == 0x20 || bytes[lookahead] == 0x09 { lookahead += 1 }
                guard lookahead < bytes.count, bytes[lookahead] == 0x5B else { break }
                position = lookahead
                continue
            }
            if byte == 0x5B {
                let open = position
                position += 1
                let saved = newlinesEnd
                newlinesEnd = false
                skipExpressionTrivia()
                if current == 0x2A {
                    let afterStar = position + 1
                    position = afterStar
                    skipExpressionTrivia()
                    if current == 0x5D {
                        position += 1
                        newlinesEnd = saved
                        if splatBase == nil {
                            splatBase = expression
                            splatSteps = []
                        }
                        continue
                    }
                    position = open + 1
                }
                let index = parseExpression()
                skipExpressionTrivia()
                newlinesEnd = saved
                guard current == 0x5D else {
                    if case .invalid = index {} else { report("Missing close bracket on index: the index operator must end with a closing bracket (\"]\")", position) }
                    return .invalid(range(start))
                }
                position += 1
                if splatSteps != nil { splatSteps!.append(.index(index)) } else { expression = .index(expression, index, range(start)) }
                continue
            }
            break
        }
        if let splatBase, let splatSteps {
            return .splat(splatBase, steps: splatSteps, range: range(start))
        }
        return expression
    }

    private mutating func parseTerm() -> HCLExpression {
        skipExpressionTrivia()
        let start = position
        guard let byte = current else {
            report("Missing expression: expected the start of an expression, but found the end of the file", max(0, bytes.count - 1), bytes.count)
            return .invalid(range(start))
        }
        switch byte {
        case 0x28:
            position += 1
            let saved = newlinesEnd
            newlinesEnd = false
            let inner = parseExpression()
            skipExpressionTrivia()
            newlinesEnd = saved
            guard current == 0x29 else {
                if case .invalid = inner {} else { report("Unbalanced parentheses: expected a closing parenthesis", position) }
                return .invalid(range(start))
            }
            position += 1
            return .parenthesized(inner, range(start))
        case 0x30...0x39:
            return parseNumber()
        case 0x22:
            return .template(parseQuotedTemplate())
        case 0x3C where peek(at: position + 1) == 0x3C:
            return parseHeredoc()
        case 0x5B:
            return parseTuple()
        case 0x7B:
            return parseObject()
        default:
            guard Self.isIdentifierStart(byte) else {
                report("Invalid expression: expected the start of an expression", position)
                return .invalid(range(start))
            }
            let name = readIdentifier()
            let nameRange = range(start)
            switch name {
            case "true": return .bool(true, nameRange)
            case "false": return .bool(false, nameRange)
            case "null": return .null(nameRange)
            default: break
            }
            var lookahead = position
            while lookahead < bytes.count, bytes[lookahead] == 0x20 || bytes[lookahead] == 0x09 { lookahead += 1 }
            if lookahead < bytes.count, bytes[lookahead] == 0x28 {
                position = lookahead
                return parseCall(name: name, nameRange: nameRange, start: start)
            }
            return .variable(name, nameRange)
        }
    }

    private mutating func parseNumber() -> HCLExpression {
        let start = position
        while let byte = current, Self.isDigit(byte) { position += 1 }
        if current == 0x2E, let next = peek(at: position + 1), Self.isDigit(next) {
            position += 1
            while let byte = current, Self.isDigit(byte) { position += 1 }
        }
        if current == 0x65 || current == 0x45 {
            var lookahead = position + 1
            if lookahead < bytes.count, bytes[lookahead] == 0x2B || bytes[lookahead] == 0x2D { lookahead += 1 }
            if lookahead < bytes.count, Self.isDigit(bytes[lookahead]) {
                position = lookahead
                while let byte = current, Self.isDigit(byte) { position += 1 }
            }
        }
        return .number(String(decoding: bytes[start..<position], as: UTF8.self), range(start))
    }

    private mutating func parseCall(name: String, nameRange: SourceRange, start: Int) -> HCLExpression {
        position += 1
        let saved = newlinesEnd
        newlinesEnd = false
        defer { newlinesEnd = saved }
        var arguments: [HCLExpression] = []
        var expandsLast = false
        while true {
            skipExpressionTrivia()
            if current == 0x29 {
                position += 1
                break
            }
            if expandsLast {
                report("Missing close parenthesis: an expanded function argument (with ...) must be immediately followed by closing parentheses", position)
                return .invalid(range(start))
            }
            let argument = parseExpression()
            if case .invalid = argument { return argument }
            arguments.append(argument)
            skipExpressionTrivia()
            if startsWith("...", at: position) {
                position += 3
                expandsLast = true
                skipExpressionTrivia()
            }
            if current == 0x2C {
                position += 1
            } else if current != 0x29 {
                report("Missing argument separator: a comma is required to separate each function argument from the next", position)
                return .invalid(range(start))
            }
        }
        return .call(name: name, nameRange: nameRange, arguments: arguments, expandsLast: expandsLast, range: range(start))
    }

    private mutating func parseForClause(start: Int) -> HCLForClause? {
        position += 3
        skipExpressionTrivia()
        guard let first = current, Self.isIdentifierStart(first) else {
            report("Invalid 'for' expression: for expression requires variable name after 'for'", position)
            return nil
        }
        var names = [readIdentifier()]
        skipExpressionTrivia()
        if current == 0x2C {
            position += 1
            skipExpressionTrivia()
            guard let byte = current, Self.isIdentifierStart(byte) else {
                report("Invalid 'for' expression: for expression requires value variable name after comma", position)
                return nil
            }
            names.append(readIdentifier())
            skipExpressionTrivia()
        }
        guard keyword("in", at: position) else {
            report("Invalid 'for' expression: for expression requires the 'in' keyword after its name declarations", position)
            return nil
        }
        position += 2
        let collection = parseExpression()
        if case .invalid = collection { return nil }
        return HCLForClause(keyName: names.count == 2 ? names[0] : nil, valueName: names.last!, collection: collection)
    }

    /// `for NAMES in COLLECTION :` of a `for` expression.
    private mutating func parseForHead(start: Int) -> HCLForClause? {
        guard let clause = parseForClause(start: start) else { return nil }
        skipExpressionTrivia()
        guard current == 0x3A else {
            report("Invalid 'for' expression: the 'in' clause must be followed by a colon", position)
            return nil
        }
        position += 1
        return clause
    }

    /// The optional `if CONDITION` and the closing bracket of a `for` expression: `.some(nil)` when there
    /// is no condition, `nil` on a syntax error.
    private mutating func parseForTail(closing: UInt8) -> HCLExpression?? {
        var condition: HCLExpression?
        if keyword("if", at: position) {
            position += 2
            condition = parseExpression()
            skipExpressionTrivia()
        }
        guard current == closing else {
            report("Invalid 'for' expression: extra characters after the end of the 'for' expression", position)
            return nil
        }
        position += 1
        return .some(condition)
    }

    private mutating func parseTuple() -> HCLExpression {
        let start = position
        position += 1
        let saved = newlinesEnd
        newlinesEnd = false
        defer { newlinesEnd = saved }
        skipExpressionTrivia()
        if keyword("for", at: position) {
            guard let clause = parseForHead(start: start) else { return .invalid(range(start)) }
            let value = parseExpression()
            skipExpressionTrivia()
            guard let condition = parseForTail(closing: 0x5D) else { return .invalid(range(start)) }
            return .forTuple(clause, value: value, condition: condition, range: range(start))
        }
        var elements: [HCLExpression] = []
        while true {
            skipExpressionTrivia()
            if current == 0x5D {
                position += 1
                return .tuple(elements, range(start))
            }
            if current == nil {
                report("Unterminated tuple constructor: there is no corresponding closing bracket before the end of the file", start)
                return .invalid(range(start))
            }
            let element = parseExpression()
            if case .invalid = element { return element }
            elements.append(element)
            skipExpressionTrivia()
            if current == 0x2C {
                position += 1
            } else if current != 0x5D {
                report("Missing item separator: expected a comma to mark the beginning of the next item", position)
                return .invalid(range(start))
            }
        }
    }

    private mutating func parseObject() -> HCLExpression {
        let start = position
        position += 1
        let saved = newlinesEnd
        defer { newlinesEnd = saved }
        newlinesEnd = false
        skipExpressionTrivia()
        if keyword("for", at: position) {
            guard let clause = parseForHead(start: start) else { return .invalid(range(start)) }
            let key = parseExpression()
            skipExpressionTrivia()
            guard startsWith("=>", at: position) else {
                report("Invalid 'for' expression: key expression is required when building an object", position)
                return .invalid(range(start))
            }
            position += 2
            let value = parseExpression()
            skipExpressionTrivia()
            var grouped = false
            if startsWith("...", at: position) {
                position += 3
                grouped = true
                skipExpressionTrivia()
            }
            guard let condition = parseForTail(closing: 0x7D) else { return .invalid(range(start)) }
            return .forObject(clause, key: key, value: value, grouped: grouped, condition: condition, range: range(start))
        }
        var items: [(key: HCLObjectKey, value: HCLExpression)] = []
        while true {
            newlinesEnd = false
            skipExpressionTrivia()
            guard let byte = current else {
                report("Unterminated object constructor: there is no corresponding closing brace before the end of the file", start)
                return .invalid(range(start))
            }
            if byte == 0x7D {
                position += 1
                return .object(items, range(start))
            }
            newlinesEnd = true
            let key: HCLObjectKey
            let keyStart = position
            if Self.isIdentifierStart(byte) {
                let name = readIdentifier()
                var lookahead = position
                while lookahead < bytes.count, bytes[lookahead] == 0x20 || bytes[lookahead] == 0x09 { lookahead += 1 }
                let isLiteralKey =
                    lookahead < bytes.count
                    && ((bytes[lookahead] == 0x3D && peek(at: lookahead + 1) != 0x3D) || bytes[lookahead] == 0x3A)
                if isLiteralKey && !["true", "false", "null"].contains(name) {
                    key = .identifier(name, range(keyStart))
                } else {
                    position = keyStart
                    key = .expression(parseBinary(level: 1))
                }
            } else {
                key = .expression(parseBinary(level: 1))
            }
            if case .expression(.invalid) = key { return .invalid(range(start)) }
            skipTrivia(newlines: false)
            guard current == 0x3D || current == 0x3A else {
                report("Missing key/value separator: expected an equals sign (\"=\") to mark the beginning of the attribute value", position)
                return .invalid(range(start))
            }
            position += 1
            let value = parseExpression()
            if case .invalid = value { return value }
            items.append((key, value))
            skipTrivia(newlines: false)
            if current == 0x2C || current == 0x0A {
                position += 1
            } else if current != 0x7D {
                report("Missing attribute separator: expected a newline or comma to mark the beginning of the next attribute", position)
                return .invalid(range(start))
            }
        }
    }

    // MARK: - Templates

    private enum TemplateToken {
        case literal([UInt8], SourceRange, verbatim: Bool)
        case interpolation(HCLExpression, SourceRange, stripLeft: Bool, stripRight: Bool)
        case ifStart(HCLExpression, SourceRange, stripLeft: Bool, stripRight: Bool)
        case elseMark(SourceRange, stripLeft: Bool, stripRight: Bool)
        case endIf(SourceRange, stripLeft: Bool, stripRight: Bool)
        case forStart(HCLForClause, SourceRange, stripLeft: Bool, stripRight: Bool)
        case endFor(SourceRange, stripLeft: Bool, stripRight: Bool)

        var strips: (left: Bool, right: Bool) {
            switch self {
            case .literal: (false, false)
            case .interpolation(_, _, let left, let right), .ifStart(_, _, let left, let right), .elseMark(_, let left, let right),
                .endIf(_, let left, let right), .forStart(_, _, let left, let right), .endFor(_, let left, let right):
                (left, right)
            }
        }
    }

    private mutating func parseQuotedTemplate() -> HCLTemplate {
        let start = position
        position += 1
        let contentStart = position
        let (tokens, contentEnd) = scanTemplate(heredoc: false, end: bytes.count)
        if current == 0x22 {
            position += 1
        } else {
            report("Unterminated template string: no closing marker was found for the string", start)
        }
        return makeTemplate(tokens, range: range(start), content: range(contentStart, contentEnd), flush: false)
    }

    /// The end of a heredoc's body and of its end marker, for `<<ID` at `offset`.
    private func heredocExtent(at offset: Int) -> (bodyStart: Int, bodyEnd: Int, end: Int, marker: String, flush: Bool, closed: Bool)? {
        var index = offset + 2
        let flush = index < bytes.count && bytes[index] == 0x2D
        if flush { index += 1 }
        let markerStart = index
        guard index < bytes.count, Self.isIdentifierStart(bytes[index]) else { return nil }
        while index < bytes.count, Self.isIdentifierContinue(bytes[index]) { index += 1 }
        let marker = Array(bytes[markerStart..<index])
        if index < bytes.count, bytes[index] == 0x0D { index += 1 }
        guard index < bytes.count, bytes[index] == 0x0A else { return nil }
        let bodyStart = index + 1
        var lineStart = bodyStart
        while lineStart < bytes.count {
            var cursor = lineStart
            while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
            if bytes[cursor...].starts(with: marker) {
                var after = cursor + marker.count
                if after < bytes.count, bytes[after] == 0x0D { after += 1 }
                if after >= bytes.count || bytes[after] == 0x0A {
                    return (bodyStart, lineStart, cursor + marker.count, String(decoding: marker, as: UTF8.self), flush, true)
                }
            }
            while cursor < bytes.count, bytes[cursor] != 0x0A { cursor += 1 }
            lineStart = cursor + 1
        }
        return (bodyStart, bytes.count, bytes.count, String(decoding: marker, as: UTF8.self), flush, false)
    }

    private mutating func parseHeredoc() -> HCLExpression {
        let start = position
        guard let extent = heredocExtent(at: start) else {
            report("Invalid heredoc: a heredoc introducer (<<ID or <<-ID) must be followed by its name and a newline", start, start + 2)
            recoverToLineEnd(stopAtClosingBrace: false)
            return .invalid(range(start))
        }
        if !extent.closed {
            report("Unterminated template string: no closing marker \"\(extent.marker)\" was found for the heredoc", start, extent.bodyStart - 1)
        }
        position = extent.bodyStart
        let (tokens, _) = scanTemplate(heredoc: true, end: extent.bodyEnd)
        position = extent.end
        return .template(makeTemplate(tokens, range: range(start), content: range(extent.bodyStart, extent.bodyEnd), flush: extent.flush))
    }

    /// Reads template text up to a closing quote (quoted) or `end` (heredoc), literal text split after
    /// each newline as hclsyntax's scanner does (the flush rule works on line-leading literals).
    private mutating func scanTemplate(heredoc: Bool, end: Int) -> (tokens: [TemplateToken], contentEnd: Int) {
        var tokens: [TemplateToken] = []
        var literal: [UInt8] = []
        var literalStart = position
        var verbatim = true
        func flushLiteral(_ tokens: inout [TemplateToken], upTo offset: Int) {
            if !literal.isEmpty || offset > literalStart {
                tokens.append(.literal(literal, range(literalStart, offset), verbatim: verbatim))
            }
            literal = []
            literalStart = offset
            verbatim = true
        }
        while position < end {
            let byte = bytes[position]
            if !heredoc && byte == 0x22 { break }
            if !heredoc && byte == 0x0A {
                report("Unterminated template string: no closing marker was found for the string", position)
                break
            }
            if byte == 0x0A {
                literal.append(byte)
                position += 1
                flushLiteral(&tokens, upTo: position)
                continue
            }
            if (byte == 0x24 || byte == 0x25) && peek(at: position + 1) == byte && peek(at: position + 2) == 0x7B {
                // `$${` and `%%{` stand for `${` and `%{`.
                literal.append(byte)
                literal.append(0x7B)
                position += 3
                verbatim = false
                continue
            }
            if (byte == 0x24 || byte == 0x25) && peek(at: position + 1) == 0x7B {
                flushLiteral(&tokens, upTo: position)
                if let token = parseTemplateSequence(isDirective: byte == 0x25) { tokens.append(token) }
                literalStart = position
                continue
            }
            if !heredoc && byte == 0x5C {
                let escapeStart = position
                verbatim = false
                guard let next = peek(at: position + 1) else {
                    position += 1
                    break
                }
                position += 2
                switch next {
                case 0x6E: literal.append(0x0A)
                case 0x72: literal.append(0x0D)
                case 0x74: literal.append(0x09)
                case 0x22: literal.append(0x22)
                case 0x5C: literal.append(0x5C)
                case 0x75, 0x55:
                    let length = next == 0x75 ? 4 : 8
                    var value: UInt32 = 0
                    var count = 0
                    while count < length, let digit = current, let hex = Self.hexValue(digit) {
                        value = value * 16 + UInt32(hex)
                        position += 1
                        count += 1
                    }
                    if count == length, let scalar = Unicode.Scalar(value) {
                        literal.append(contentsOf: Array(String(Character(scalar)).utf8))
                    } else {
                        report("Invalid escape sequence: the \\\(Character(Unicode.Scalar(next))) escape needs \(length) hexadecimal digits naming a Unicode character", escapeStart, position)
                    }
                default:
                    report("Invalid escape sequence: the symbol \"\(Character(Unicode.Scalar(next)))\" is not a valid escape sequence selector", escapeStart, position)
                }
                continue
            }
            literal.append(byte)
            position += 1
        }
        flushLiteral(&tokens, upTo: position)
        return (tokens, position)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }

    /// `${ … }` or `%{ … }` at the current position.
    private mutating func parseTemplateSequence(isDirective: Bool) -> TemplateToken? {
        let start = position
        position += 2
        let saved = newlinesEnd
        newlinesEnd = false
        defer { newlinesEnd = saved }
        var stripLeft = false
        if current == 0x7E {
            stripLeft = true
            position += 1
        }
        func close(_ parser: inout HCLParser) -> Bool? {
            parser.skipTrivia(newlines: true)
            var stripRight = false
            if parser.current == 0x7E {
                stripRight = true
                parser.position += 1
            }
            guard parser.current == 0x7D else {
                parser.report("Extra characters after interpolation expression: expected a closing brace to end the interpolation expression", parser.position)
                return nil
            }
            parser.position += 1
            return stripRight
        }
        func fail(_ parser: inout HCLParser) -> TemplateToken? {
            // Skip to the closing brace on this line so the rest of the string reads on.
            while let byte = parser.current, byte != 0x7D, byte != 0x0A, byte != 0x22 { parser.position += 1 }
            if parser.current == 0x7D { parser.position += 1 }
            return nil
        }
        if !isDirective {
            let expression = parseExpression()
            if case .invalid = expression { return fail(&self) }
            guard let stripRight = close(&self) else { return fail(&self) }
            return .interpolation(expression, range(start), stripLeft: stripLeft, stripRight: stripRight)
        }
        skipTrivia(newlines: true)
        let wordStart = position
        let word = current.map(Self.isIdentifierStart) == true ? readIdentifier() : ""
        switch word {
        case "if":
            let condition = parseExpression()
            if case .invalid = condition { return fail(&self) }
            guard let stripRight = close(&self) else { return fail(&self) }
            return .ifStart(condition, range(start), stripLeft: stripLeft, stripRight: stripRight)
        case "for":
            position = wordStart
            guard let clause = parseForClause(start: start) else { return fail(&self) }
            guard let stripRight = close(&self) else { return fail(&self) }
            return .forStart(clause, range(start), stripLeft: stripLeft, stripRight: stripRight)
        case "else", "endif", "endfor":
            guard let stripRight = close(&self) else { return fail(&self) }
            switch word {
            case "else": return .elseMark(range(start), stripLeft: stripLeft, stripRight: stripRight)
            case "endif": return .endIf(range(start), stripLeft: stripLeft, stripRight: stripRight)
            default: return .endFor(range(start), stripLeft: stripLeft, stripRight: stripRight)
            }
        default:
            report("Invalid template directive: a template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence", wordStart)
            return fail(&self)
        }
    }

    /// Applies strip markers and the flush heredoc rule, then nests directives.
    private mutating func makeTemplate(_ scanned: [TemplateToken], range: SourceRange, content: SourceRange, flush: Bool) -> HCLTemplate {
        var tokens = scanned
        var changed = false
        for index in tokens.indices {
            let strips = tokens[index].strips
            if strips.left, index > 0, case .literal(let text, let source, _) = tokens[index - 1] {
                let trimmed = Self.trimmingTrailingSpace(text)
                tokens[index - 1] = .literal(trimmed, source, verbatim: false)
                changed = true
            }
            if strips.right, index + 1 < tokens.count, case .literal(let text, let source, _) = tokens[index + 1] {
                let trimmed = Self.trimmingLeadingSpace(text)
                tokens[index + 1] = .literal(trimmed, source, verbatim: false)
                changed = true
            }
        }
        if flush, Self.flushIndentation(&tokens) { changed = true }
        var verbatim = !changed
        for token in tokens {
            if case .literal(_, _, let isVerbatim) = token, isVerbatim { continue }
            verbatim = false
        }
        var index = 0
        let parts = nest(tokens, from: &index, until: [])
        // Literals split per line are joined back, so a plain string is one part.
        return HCLTemplate(range: range, content: content, parts: Self.meld(parts), isVerbatim: verbatim)
    }

    /// Consecutive literals joined into one (hclsyntax `meldConsecutiveStringLiterals`), each run copied
    /// once so that a heredoc of many lines stays linear.
    private static func meld(_ parts: [HCLTemplatePart]) -> [HCLTemplatePart] {
        var result: [HCLTemplatePart] = []
        var run: (text: [UInt8], range: SourceRange)?
        for part in parts {
            if case .literal(let text, let source) = part {
                if run == nil {
                    run = (text, source)
                } else {
                    run!.text.append(contentsOf: text)
                    run!.range = run!.range.through(source)
                }
                continue
            }
            if let literal = run { result.append(.literal(literal.text, literal.range)) }
            run = nil
            result.append(part)
        }
        if let literal = run { result.append(.literal(literal.text, literal.range)) }
        return result
    }

    private mutating func nest(_ tokens: [TemplateToken], from index: inout Int, until terminators: Set<Int>) -> [HCLTemplatePart] {
        // terminators: 0 else, 1 endif, 2 endfor
        var parts: [HCLTemplatePart] = []
        while index < tokens.count {
            let token = tokens[index]
            switch token {
            case .literal(let text, let source, _):
                parts.append(.literal(text, source))
                index += 1
            case .interpolation(let expression, let source, _, _):
                parts.append(.interpolation(expression, source))
                index += 1
            case .ifStart(let condition, let source, _, _):
                index += 1
                let thenParts = nest(tokens, from: &index, until: [0, 1])
                var elseParts: [HCLTemplatePart] = []
                if index < tokens.count, case .elseMark = tokens[index] {
                    index += 1
                    elseParts = nest(tokens, from: &index, until: [1])
                }
                var end = source
                if index < tokens.count, case .endIf(let endSource, _, _) = tokens[index] {
                    end = endSource
                    index += 1
                } else {
                    problems.append(("Unterminated template directive: no %{ endif } was found for this %{ if }", source))
                }
                parts.append(.conditional(condition, then: thenParts, else: elseParts, range: source.through(end)))
            case .forStart(let clause, let source, _, _):
                index += 1
                let body = nest(tokens, from: &index, until: [2])
                var end = source
                if index < tokens.count, case .endFor(let endSource, _, _) = tokens[index] {
                    end = endSource
                    index += 1
                } else {
                    problems.append(("Unterminated template directive: no %{ endfor } was found for this %{ for }", source))
                }
                parts.append(.loop(clause, body: body, range: source.through(end)))
            case .elseMark(let source, _, _), .endIf(let source, _, _), .endFor(let source, _, _):
                let code: Int
                switch token {
                case .elseMark: code = 0
                case .endIf: code = 1
                default: code = 2
                }
                if terminators.contains(code) { return parts }
                problems.append(("Unexpected template directive: this directive has no opening %{ if } or %{ for }", source))
                index += 1
            }
        }
        return parts
    }

    /// hclsyntax `flushHeredocTemplateParts`: the least leading whitespace (counted in characters) of the
    /// lines that start with literal text, blank lines aside, is removed from every such line.
    private static func flushIndentation(_ tokens: inout [TemplateToken]) -> Bool {
        var minimum = Int.max
        var atLineStart = true
        var adjust: [Int] = []
        for (index, token) in tokens.enumerated() {
            if atLineStart {
                atLineStart = false
                var spaces = 0
                if case .literal(let text, _, _) = token {
                    let leading = leadingSpaceCount(text)
                    if leading.bytes == text.count - (text.last == 0x0A ? 1 : 0), text.last == 0x0A,
                        text.dropLast().allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C })
                    {
                        spaces = Int.max
                    } else {
                        spaces = leading.characters
                        adjust.append(index)
                    }
                }
                minimum = min(minimum, spaces)
            }
            if case .literal(let text, _, _) = token, text.last == 0x0A { atLineStart = true }
        }
        guard minimum != Int.max, minimum > 0 else { return false }
        for index in adjust {
            guard case .literal(let text, let source, _) = tokens[index] else { continue }
            let dropped = min(minimum, text.count)
            tokens[index] = .literal(Array(text[dropped...]), SourceRange(file: source.file, (source.bytes.lowerBound + dropped)..<source.bytes.upperBound), verbatim: false)
        }
        return true
    }

    /// Leading white space of a literal: ASCII white space (the only kind counted exactly here).
    private static func leadingSpaceCount(_ text: [UInt8]) -> (bytes: Int, characters: Int) {
        var count = 0
        while count < text.count, [0x20, 0x09, 0x0B, 0x0C, 0x0D].contains(text[count]) { count += 1 }
        return (count, count)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(byte) }

    static func trimmingTrailingSpace(_ text: [UInt8]) -> [UInt8] {
        var end = text.count
        while end > 0, isSpace(text[end - 1]) { end -= 1 }
        return Array(text[..<end])
    }

    static func trimmingLeadingSpace(_ text: [UInt8]) -> [UInt8] {
        var start = 0
        while start < text.count, isSpace(text[start]) { start += 1 }
        return Array(text[start...])
    }
}
