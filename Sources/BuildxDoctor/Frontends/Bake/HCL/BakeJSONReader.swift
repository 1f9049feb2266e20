/// Reads a JSON bake file (`docker-bake.json`) into the same syntax tree as an HCL file, so that one
/// evaluator serves both: HCL's JSON syntax (hashicorp/hcl `json/spec.md`) maps the top-level object's
/// `variable`, `function`, `target` and `group` properties to blocks (`{"target": {"app": {…}}}`, or a
/// list of such objects for repeated blocks), other properties to attributes, and reads every string as
/// a template.
///
/// The structure and positions come from the repository's YAML composer (JSON is YAML flow syntax);
/// each string is decoded again from its own bytes by JSON's rules, as libyaml's double-quoted escapes
/// are not JSON's (`\/` and surrogate pairs), and so that an unescaped string maps byte for byte.
enum BakeJSONReader {
    static func parse(_ file: SourceFile, index: Int, table: SpanTable) -> (HCLBody, [BakeProblem]) {
        var reader = Reader(file: file, index: index, table: table)
        let root: YAMLNode?
        do {
            root = try YAMLDocument.parse(structureOnly(file))
        } catch {
            let offset = error.location.offset
            return (HCLBody(), [BakeProblem(message: "Invalid JSON: \(error.message)", span: table.span(offset..<min(offset + 1, file.bytes.count)))])
        }
        guard let root else { return (HCLBody(), []) }
        guard case .mapping(let mapping) = root, mapping.isFlow else {
            reader.report("Invalid JSON body: the root of a bake file must be a JSON object", root)
            return (HCLBody(), reader.problems)
        }
        let body = reader.body(mapping, labels: 0)
        return (body, reader.problems)
    }

    /// The file as libyaml can read its structure: JSON writes characters outside the BMP as surrogate
    /// pairs (`\ud83d\ude00`), which libyaml refuses as escapes. They become `\u0058`, of the same
    /// length, so every position holds; the strings themselves are decoded from the original bytes.
    private static func structureOnly(_ file: SourceFile) -> SourceFile {
        var bytes = file.bytes
        var changed = false
        var index = 0
        while index + 5 < bytes.count {
            if bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] | 0x20 == UInt8(ascii: "d"),
                let digit = Character(Unicode.Scalar(bytes[index + 3])).hexDigitValue, digit >= 8
            {
                bytes.replaceSubrange((index + 2)..<(index + 6), with: Array("0058".utf8))
                changed = true
                index += 6
            } else {
                index += bytes[index] == 0x5C ? 2 : 1
            }
        }
        return changed ? SourceFile(path: file.path, text: String(decoding: bytes, as: UTF8.self)) : file
    }

    private struct Reader {
        let file: SourceFile
        let index: Int
        let table: SpanTable
        var problems: [BakeProblem] = []

        mutating func report(_ message: String, _ node: YAMLNode) {
            let start = node.start.offset
            problems.append(BakeProblem(message: message, span: table.span(start..<min(start + 1, file.bytes.count))))
        }

        func range(_ start: Location, _ end: Location) -> SourceRange { SourceRange(file: index, start.offset..<end.offset) }

        func range(of node: YAMLNode) -> SourceRange {
            switch node {
            case .scalar(let scalar): range(scalar.start, scalar.end)
            case .mapping(let mapping): range(mapping.start, mapping.end)
            case .sequence(let sequence): range(sequence.start, sequence.end)
            }
        }

        /// The top-level object, or a block's body (`labels` is the number of labels its type takes).
        mutating func body(_ mapping: YAMLMapping, labels: Int) -> HCLBody {
            var body = HCLBody()
            for entry in mapping.entries {
                let name = keyText(entry.key)
                // `"//"` properties are comments in HCL's JSON syntax.
                if name == "//" { continue }
                let nameRange = range(entry.key.start, entry.key.end)
                if labels == 0, ["variable", "function", "target", "group"].contains(name) {
                    for block in blocks(type: name, typeRange: nameRange, entry.value) { body.items.append(.block(block)) }
                    continue
                }
                body.items.append(.attribute(HCLAttribute(name: name, nameRange: keyContent(entry.key), expression: expression(entry.value))))
            }
            return body
        }

        /// `{"NAME": {…}}` or `{"NAME": [{…}, {…}]}` under a block type.
        private mutating func blocks(type: String, typeRange: SourceRange, _ node: YAMLNode) -> [HCLBlock] {
            guard case .mapping(let labels) = node else {
                report("Incorrect JSON value type: a JSON object is required here, with a property for each \(type) name", node)
                return []
            }
            var result: [HCLBlock] = []
            for entry in labels.entries {
                let bodies: [YAMLNode]
                if case .sequence(let sequence) = entry.value { bodies = sequence.items } else { bodies = [entry.value] }
                for bodyNode in bodies {
                    guard case .mapping(let mapping) = bodyNode else {
                        report("Incorrect JSON value type: a JSON object is required here, for the body of \(type) \"\(keyText(entry.key))\"", bodyNode)
                        continue
                    }
                    var body = self.body(mapping, labels: 1)
                    if type == "function" { body = Self.keywordParameters(body) }
                    let bodyStart = range(mapping.start, mapping.start)
                    let open = SourceRange(file: index, (bodyStart.bytes.lowerBound + 1)..<(bodyStart.bytes.lowerBound + 1))
                    result.append(HCLBlock(type: type, typeRange: typeRange, labels: [(keyText(entry.key), keyContent(entry.key))], openRange: open, body: body))
                }
            }
            return result
        }

        /// In JSON a function's `params` and `variadic_params` name parameters with strings; HCL's
        /// `ExprAsKeyword` reads them as the names.
        private static func keywordParameters(_ body: HCLBody) -> HCLBody {
            var result = HCLBody()
            for item in body.items {
                guard case .attribute(let attribute) = item, attribute.name == "params" || attribute.name == "variadic_params" else {
                    result.items.append(item)
                    continue
                }
                func keyword(_ expression: HCLExpression) -> HCLExpression {
                    if case .template(let template) = expression, template.parts.count == 1, case .literal(let text, _) = template.parts[0] {
                        return .variable(String(decoding: text, as: UTF8.self), template.range)
                    }
                    return expression
                }
                var expression = keyword(attribute.expression)
                if case .tuple(let elements, let range) = attribute.expression { expression = .tuple(elements.map(keyword), range) }
                result.items.append(.attribute(HCLAttribute(name: attribute.name, nameRange: attribute.nameRange, expression: expression)))
            }
            return result
        }

        func keyText(_ key: YAMLScalar) -> String {
            key.style == .doubleQuoted ? String(decoding: decode(key).text, as: UTF8.self) : key.value
        }

        /// A key's text without its quotes.
        func keyContent(_ key: YAMLScalar) -> SourceRange {
            key.style == .doubleQuoted
                ? SourceRange(file: index, (key.start.offset + 1)..<max(key.start.offset + 1, key.end.offset - 1))
                : range(key.start, key.end)
        }

        mutating func expression(_ node: YAMLNode) -> HCLExpression {
            switch node {
            case .mapping(let mapping):
                // YAML's block style is no JSON (a `.json` file written as YAML).
                if !mapping.isFlow { report("Invalid JSON value: objects must be written in braces", node) }
                let items = mapping.entries.map { entry -> (key: HCLObjectKey, value: HCLExpression) in
                    (.identifier(keyText(entry.key), keyContent(entry.key)), expression(entry.value))
                }
                return .object(items, range(mapping.start, mapping.end))
            case .sequence(let sequence):
                if !sequence.isFlow { report("Invalid JSON value: arrays must be written in brackets", node) }
                return .tuple(sequence.items.map { expression($0) }, range(sequence.start, sequence.end))
            case .scalar(let scalar):
                let whole = range(scalar.start, scalar.end)
                switch scalar.style {
                case .doubleQuoted:
                    let decoded = decode(scalar)
                    let content = SourceRange(file: index, (scalar.start.offset + 1)..<max(scalar.start.offset + 1, scalar.end.offset - 1))
                    let (template, problems) = HCLParser.parseJSONString(decoded.text, content: content, exact: decoded.exact)
                    for problem in problems { self.problems.append(BakeProblem(message: problem.message, span: table.span(problem.range.bytes))) }
                    return .template(template)
                case .plain:
                    let text = String(decoding: file.bytes[scalar.start.offset..<scalar.end.offset], as: UTF8.self)
                    switch text {
                    case "true": return .bool(true, whole)
                    case "false": return .bool(false, whole)
                    case "null": return .null(whole)
                    default:
                        if Self.isJSONNumber(text) {
                            if text.hasPrefix("-") {
                                let digits = SourceRange(file: index, (whole.bytes.lowerBound + 1)..<whole.bytes.upperBound)
                                return .negate(.number(String(text.dropFirst()), digits), whole)
                            }
                            return .number(text, whole)
                        }
                        report("Invalid JSON value: \(text) is not a JSON value", node)
                        return .invalid(whole)
                    }
                default:
                    report("Invalid JSON value: strings must be written in double quotes", node)
                    return .invalid(whole)
                }
            }
        }

        /// JSON's number grammar (RFC 8259 §6).
        static func isJSONNumber(_ text: String) -> Bool {
            var bytes = Array(text.utf8)[...]
            func digits(_ bytes: inout ArraySlice<UInt8>) -> Int {
                var count = 0
                while let byte = bytes.first, byte >= 0x30 && byte <= 0x39 {
                    bytes = bytes.dropFirst()
                    count += 1
                }
                return count
            }
            if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if bytes.first == UInt8(ascii: "0") {
                bytes = bytes.dropFirst()
            } else if digits(&bytes) == 0 {
                return false
            }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                guard digits(&bytes) > 0 else { return false }
            }
            if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
                bytes = bytes.dropFirst()
                if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
                guard digits(&bytes) > 0 else { return false }
            }
            return bytes.isEmpty
        }

        /// A double-quoted scalar decoded by JSON's escapes (RFC 8259 §7) from its own bytes; `exact` when
        /// it has none, so that its text is its source.
        func decode(_ scalar: YAMLScalar) -> (text: [UInt8], exact: Bool) {
            let start = scalar.start.offset + 1
            let end = max(start, scalar.end.offset - 1)
            let raw = file.bytes[start..<end]
            guard raw.contains(0x5C) else { return (Array(raw), true) }
            var result: [UInt8] = []
            var index = raw.startIndex
            var pendingHigh: UInt32?
            func hex4(_ at: Int) -> UInt32? {
                guard at + 4 <= raw.endIndex else { return nil }
                var value: UInt32 = 0
                for byte in raw[at..<(at + 4)] {
                    guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
                    value = value * 16 + UInt32(digit)
                }
                return value
            }
            func appendScalar(_ value: UInt32) {
                let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                result.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            while index < raw.endIndex {
                let byte = raw[index]
                guard byte == 0x5C, index + 1 < raw.endIndex else {
                    if let high = pendingHigh {
                        appendScalar(high)
                        pendingHigh = nil
                    }
                    result.append(byte)
                    index += 1
                    continue
                }
                let escape = raw[index + 1]
                index += 2
                if escape == UInt8(ascii: "u"), let value = hex4(index) {
                    index += 4
                    if (0xD800..<0xDC00).contains(value) {
                        if let high = pendingHigh { appendScalar(high) }
                        pendingHigh = value
                        continue
                    }
                    if (0xDC00..<0xE000).contains(value), let high = pendingHigh {
                        appendScalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
                        pendingHigh = nil
                        continue
                    }
                    if let high = pendingHigh {
                        appendScalar(high)
                        pendingHigh = nil
                    }
                    // A lone surrogate decodes to U+FFFD, as Go's encoding/json does.
                    appendScalar((0xD800..<0xE000).contains(value) ? 0xFFFD : value)
                    continue
                }
                if let high = pendingHigh {
                    appendScalar(high)
                    pendingHigh = nil
                }
                switch escape {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                default: result.append(escape)
                }
            }
            if let high = pendingHigh { appendScalar(high) }
            return (result, false)
        }
    }
}
