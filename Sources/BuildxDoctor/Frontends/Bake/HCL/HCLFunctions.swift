/// The built-in functions bake registers (docker/buildx `bake/hclparser/stdlib.go`, most from go-cty's
/// `function/stdlib`). A few pure ones are evaluated here exactly; every other one, and any call whose
/// result could depend on details this reader does not model (Unicode case mapping, regular
/// expressions, floating-point formatting), is `unknown`, never approximated.
enum HCLFunctions {
    enum Result {
        case value(BakeValue)
        case unknown(String)
        /// The call fails in bake too; the text is cty's reason.
        case failure(String)
        case undefined
    }

    /// Every name `stdlib.go` registers.
    static let registered: Set<String> = [
        "absolute", "add", "and", "base64decode", "base64encode", "basename", "bcrypt", "byteslen", "bytesslice", "can", "ceil",
        "chomp", "chunklist", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "coalesce", "coalescelist", "compact",
        "concat", "contains", "convert", "csvdecode", "dirname", "distinct", "divide", "element", "equal", "flatten", "floor",
        "format", "formatdate", "formatlist", "greaterthan", "greaterthanorequalto", "hasindex", "indent", "index", "indexof",
        "int", "join", "jsondecode", "jsonencode", "keys", "length", "lessthan", "lessthanorequalto", "log", "lookup", "lower",
        "max", "md5", "merge", "min", "modulo", "multiply", "negate", "not", "notequal", "or", "parseint", "pow", "range",
        "regex_replace", "regex", "regexall", "replace", "reverse", "reverselist", "rsadecrypt", "sanitize", "sethaselement",
        "setintersection", "setproduct", "setsubtract", "setsymmetricdifference", "setunion", "sha1", "sha256", "sha512",
        "signum", "slice", "sort", "split", "strlen", "substr", "subtract", "timeadd", "timestamp", "title", "trim",
        "trimprefix", "trimspace", "trimsuffix", "try", "upper", "urlencode", "uuidv4", "uuidv5", "values", "zipmap",
    ]

    static func call(_ name: String, _ arguments: [BakeValue], span: Span) -> Result {
        guard registered.contains(name) else { return .undefined }
        for argument in arguments {
            if case .unknown(let reason, _) = argument { return .unknown(reason) }
            if !isKnown(argument) { return .unknown("\(name)() of a value only the run decides") }
        }
        func string(_ text: String) -> Result { .value(.string(BakeString(text: text, span: span, isVerbatim: false))) }
        func bool(_ value: Bool) -> Result { .value(.bool(value, span)) }
        func count(_ expected: Int) -> Result? {
            arguments.count == expected ? nil : .failure("expected \(expected) argument(s), got \(arguments.count)")
        }
        switch name {
        case "lower", "upper":
            if let failure = count(1) { return failure }
            guard let text = Self.text(arguments[0]) else { return .failure("string required") }
            // Go's strings.ToLower/ToUpper map rune by rune; Swift's full case mapping differs outside ASCII.
            guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return .unknown("\(name)() of non-ASCII text") }
            return string(name == "lower" ? text.lowercased() : text.uppercased())
        case "trimprefix", "trimsuffix":
            if let failure = count(2) { return failure }
            guard let text = Self.text(arguments[0]), let affix = Self.text(arguments[1]) else { return .failure("string required") }
            let bytes = Array(text.utf8)
            let affixBytes = Array(affix.utf8)
            if name == "trimprefix", bytes.starts(with: affixBytes) {
                return string(String(decoding: bytes[affixBytes.count...], as: UTF8.self))
            }
            if name == "trimsuffix", bytes.count >= affixBytes.count, Array(bytes[(bytes.count - affixBytes.count)...]) == affixBytes {
                return string(String(decoding: bytes[..<(bytes.count - affixBytes.count)], as: UTF8.self))
            }
            return string(text)
        case "trimspace":
            if let failure = count(1) { return failure }
            guard let text = Self.text(arguments[0]) else { return .failure("string required") }
            // Go's unicode.IsSpace is the Unicode White_Space property.
            let scalars = Array(text.unicodeScalars)
            var start = 0
            var end = scalars.count
            while start < end, scalars[start].properties.isWhitespace { start += 1 }
            while end > start, scalars[end - 1].properties.isWhitespace { end -= 1 }
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars[start..<end])
            return string(String(result))
        case "split":
            if let failure = count(2) { return failure }
            guard let separator = Self.text(arguments[0]), let text = Self.text(arguments[1]) else { return .failure("string required") }
            guard !separator.isEmpty else { return .unknown("split() on an empty separator") }
            return .value(.list(split(Array(text.utf8), by: Array(separator.utf8)).map { .string(BakeString(text: $0, span: span, isVerbatim: false)) }, span))
        case "join":
            guard arguments.count >= 2, let separator = Self.text(arguments[0]) else { return .failure("at least one list is required") }
            var pieces: [String] = []
            for list in arguments.dropFirst() {
                guard case .list(let items, _) = list else { return .failure("list of string required") }
                for item in items {
                    if case .null = item { return .failure("element is null") }
                    guard let piece = Self.text(item) else { return .failure("list of string required") }
                    pieces.append(piece)
                }
            }
            return string(pieces.joined(separator: separator))
        case "concat":
            var items: [BakeValue] = []
            for list in arguments {
                guard case .list(let elements, _) = list else { return .failure("all arguments must be lists or tuples") }
                items += elements
            }
            return .value(.list(items, span))
        case "replace":
            if let failure = count(3) { return failure }
            guard let text = Self.text(arguments[0]), let search = Self.text(arguments[1]), let replacement = Self.text(arguments[2]) else {
                return .failure("string required")
            }
            // A search string between slashes is a regular expression in cty's replace.
            if search.isEmpty || (search.utf8.count > 1 && search.hasPrefix("/") && search.hasSuffix("/")) {
                return .unknown("replace() with a regular expression or an empty search string")
            }
            return string(split(Array(text.utf8), by: Array(search.utf8)).joined(separator: replacement))
        case "coalesce":
            // go-cty's coalesce skips nulls only (`coalesce("", "z")` is ""), after converting every
            // argument to one type: only same-typed calls are certain here.
            guard !arguments.isEmpty else { return .failure("at least one argument is required") }
            let kinds = Set(arguments.filter { if case .null = $0 { false } else { true } }.map(kind))
            guard kinds.count <= 1 else { return .unknown("coalesce() of values of different types") }
            guard let first = arguments.first(where: { if case .null = $0 { false } else { true } }) else {
                return .failure("no non-null arguments")
            }
            return .value(first)
        case "equal", "notequal":
            if let failure = count(2) { return failure }
            guard let same = HCLEvaluator.equal(arguments[0], arguments[1]) else { return .unknown("\(name)() of values only the run decides") }
            return bool(name == "equal" ? same : !same)
        case "and", "or":
            if let failure = count(2) { return failure }
            guard case .bool(let a, _) = arguments[0], case .bool(let b, _) = arguments[1] else { return .failure("bool required") }
            return bool(name == "and" ? a && b : a || b)
        case "not":
            if let failure = count(1) { return failure }
            guard case .bool(let a, _) = arguments[0] else { return .failure("bool required") }
            return bool(!a)
        case "length":
            if let failure = count(1) { return failure }
            switch arguments[0] {
            case .list(let items, _): return .value(.number(String(items.count), span))
            case .object(let entries, _): return .value(.number(String(entries.count), span))
            case .string(let value):
                // cty counts grapheme clusters; only ASCII is certain to count the same here.
                guard value.text.utf8.allSatisfy({ $0 < 0x80 }) else { return .unknown("length() of non-ASCII text") }
                return .value(.number(String(value.text.utf8.count), span))
            default: return .failure("collection or string required")
            }
        case "element":
            if let failure = count(2) { return failure }
            guard case .list(let items, _) = arguments[0] else { return .failure("list or tuple required") }
            guard let indexText = Self.text(arguments[1]), let canonical = BakeNumber.canonical(indexText), let index = Int(canonical) else {
                return .failure("invalid index")
            }
            guard !items.isEmpty else { return .failure("cannot use element function with an empty list") }
            guard index >= 0 else { return .failure("cannot use element function with a negative index") }
            return .value(items[index % items.count])
        case "contains":
            if let failure = count(2) { return failure }
            guard case .list(let items, _) = arguments[0] else { return .failure("argument must be list, tuple, or set") }
            for item in items {
                guard let same = HCLEvaluator.equal(item, arguments[1]) else { return .unknown("contains() of values only the run decides") }
                if same { return bool(true) }
            }
            return bool(false)
        case "format":
            guard let format = arguments.first.flatMap(Self.text) else { return .failure("string required") }
            return self.format(format, Array(arguments.dropFirst()), span: span)
        case "sanitize":
            if let failure = count(1) { return failure }
            guard let text = Self.text(arguments[0]) else { return .failure("string required") }
            var result = ""
            for scalar in text.unicodeScalars {
                let value = scalar.value
                let allowed = (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39) || value == 0x5F || value == 0x2D
                result.unicodeScalars.append(allowed ? scalar : "_")
            }
            return string(result)
        case "md5":
            if let failure = count(1) { return failure }
            guard let text = Self.text(arguments[0]) else { return .failure("string required") }
            return string(MD5.hex(Array(text.utf8)))
        case "timestamp", "uuidv4", "bcrypt":
            return .unknown("\(name)() gives a new value on every run")
        default:
            return .unknown("the function \(name)() is not evaluated by this reader")
        }
    }

    /// cty `format` for the verbs whose output is certain here: `%s` of strings, `%d` of whole numbers, `%%`.
    private static func format(_ format: String, _ arguments: [BakeValue], span: Span) -> Result {
        var result: [UInt8] = []
        var bytes = Array(format.utf8)[...]
        var next = 0
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            guard byte == UInt8(ascii: "%") else {
                result.append(byte)
                continue
            }
            guard let verb = bytes.first else { return .failure("invalid format string") }
            bytes = bytes.dropFirst()
            switch verb {
            case UInt8(ascii: "%"):
                result.append(verb)
            case UInt8(ascii: "s"):
                guard next < arguments.count else { return .failure("not enough arguments for \"%s\"") }
                guard case .string(let value) = arguments[next] else { return .unknown("format() %s of a value that is not a string") }
                result.append(contentsOf: value.text.utf8)
                next += 1
            case UInt8(ascii: "d"):
                guard next < arguments.count else { return .failure("not enough arguments for \"%d\"") }
                guard case .number(let text, _) = arguments[next], let canonical = BakeNumber.canonical(text), Int(canonical) != nil else {
                    return .unknown("format() %d of a value that is not a whole number")
                }
                result.append(contentsOf: canonical.utf8)
                next += 1
            default:
                return .unknown("format() with a verb other than %s, %d or %%")
            }
        }
        guard next == arguments.count else { return .failure("too many arguments; only \(next) used by format string") }
        return .value(.string(BakeString(text: String(decoding: result, as: UTF8.self), span: span, isVerbatim: false)))
    }

    /// Go `strings.Split` with a non-empty separator.
    private static func split(_ text: [UInt8], by separator: [UInt8]) -> [String] {
        var pieces: [String] = []
        var start = 0
        var index = 0
        while index + separator.count <= text.count {
            if text[index] == separator[0], Array(text[index..<(index + separator.count)]) == separator {
                pieces.append(String(decoding: text[start..<index], as: UTF8.self))
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(String(decoding: text[start...], as: UTF8.self))
        return pieces
    }

    private static func kind(_ value: BakeValue) -> Int {
        switch value {
        case .string: 0
        case .number: 1
        case .bool: 2
        case .null: 3
        case .list: 4
        case .object: 5
        case .unknown: 6
        }
    }

    /// A string argument as cty converts it: strings, numbers and bools.
    private static func text(_ value: BakeValue) -> String? {
        switch value {
        case .string(let string): string.isKnown ? string.text : nil
        case .number(let text, _): BakeNumber.canonical(text)
        case .bool(let value, _): value ? "true" : "false"
        default: nil
        }
    }

    /// Whether nothing in the value is unknown.
    static func isKnown(_ value: BakeValue) -> Bool {
        switch value {
        case .string(let string): string.isKnown
        case .unknown: false
        case .list(let items, _): items.allSatisfy(isKnown)
        case .object(let entries, _): entries.allSatisfy { isKnown($0.value) }
        default: true
        }
    }
}
