/// One cache import or export as buildx understands it after parsing (`docker/buildx
/// util/buildflags/cache.go` `ParseCacheEntry`): a `type` and a map
/// of attributes.
public struct CacheSpec: Hashable, Sendable {
    /// One `key=value` field, kept in input order so duplicates and positions stay visible.
    public struct Field: Hashable, Sendable {
        /// The key, lowercased as buildx lowercases it.
        public var key: String
        public var value: String
        /// The UTF-8 byte range of the whole field in the parsed string.
        public var range: Range<Int>
    }

    /// The `type` value exactly as written (buildx does not normalise its case).
    public var type: String
    /// Every field but `type`, in input order.
    public var fields: [Field]
    /// The `type` field, or `nil` for the ref-only shorthand, which implies `registry`.
    public var typeField: Field?

    /// The effective attributes: for a key given twice the later value wins, as in buildx.
    public var attributes: [String: String] {
        var result: [String: String] = [:]
        for field in fields { result[field.key] = field.value }
        return result
    }

    /// The field buildx uses for `key`: the last one with that key.
    public func field(_ key: String) -> Field? {
        fields.last { $0.key == key }
    }

    /// The backend named by `type`, or `nil` when buildx would pass an unknown type to the daemon.
    public var backend: CacheBackend? { CacheBackend(rawValue: type) }

    public init(type: String, fields: [Field], typeField: Field? = nil) {
        self.type = type
        self.fields = fields
        self.typeField = typeField
    }
}

/// Why buildx rejects a cache entry, worded as buildx words it (`docker/buildx util/buildflags/cache.go`).
public enum CacheSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No `type=` in a `key=value` entry.
    case typeRequired(input: String)
    /// A field without `=` in a `key=value` entry.
    case invalidValue(field: String)
    /// The entry is not valid CSV.
    case csv(BuildxCSV.ParseError)

    public var description: String {
        switch self {
        case .typeRequired(let input): "type required for \(goQuoted(input))"
        case .invalidValue(let field): "invalid value \(field)"
        case .csv(let error): error.description
        }
    }
}

/// Parses cache entries the way buildx's `ParseCacheEntry` does (`docker/buildx util/buildflags/cache.go`).
public enum CacheSpecParser {
    /// Parses one `--cache-from`/`--cache-to` value. The ref-only shorthand may yield several entries;
    /// an empty value yields none (buildx ≥ v0.22.0 skips it).
    public static func parse(_ input: String) throws(CacheSpecError) -> [CacheSpec] {
        if input.isEmpty { return [] }
        guard input.utf8.contains(UInt8(ascii: "=")) else {
            // Ref-only format: every CSV field is parsed as an entry of its own.
            var specs: [CacheSpec] = []
            for field in try csvFields(input) {
                let spec = try parseEntry(field.text)
                specs.append(spec.shifted(by: field.range.lowerBound))
            }
            return specs
        }
        return [try parseEntry(input)]
    }

    /// buildx's `UnmarshalText`: a single field without `=` is a registry ref, otherwise `key=value` fields.
    private static func parseEntry(_ input: String) throws(CacheSpecError) -> CacheSpec {
        let csv = try csvFields(input)
        if csv.count == 1, !csv[0].text.contains("=") {
            let ref = Field(key: "ref", value: csv[0].text, range: csv[0].range)
            return CacheSpec(type: CacheBackend.registry.rawValue, fields: [ref])
        }
        var type = ""
        var typeField: Field?
        var fields: [Field] = []
        for field in csv {
            guard let equals = field.text.firstIndex(of: "=") else { throw .invalidValue(field: field.text) }
            let key = field.text[..<equals].lowercased()
            let value = String(field.text[field.text.index(after: equals)...])
            let parsed = Field(key: key, value: value, range: field.range)
            if key == "type" {
                type = value
                typeField = parsed
            } else {
                fields.append(parsed)
            }
        }
        if type.isEmpty { throw .typeRequired(input: input) }
        return CacheSpec(type: type, fields: fields, typeField: typeField)
    }

    private static func csvFields(_ input: String) throws(CacheSpecError) -> [BuildxCSV.Field] {
        do {
            return try BuildxCSV.fields(input)
        } catch {
            throw .csv(error)
        }
    }

    private typealias Field = CacheSpec.Field
}

extension CacheSpec {
    /// The same spec with every range moved by `offset` bytes (for entries parsed out of a larger string).
    fileprivate func shifted(by offset: Int) -> CacheSpec {
        func shift(_ field: Field) -> Field {
            Field(key: field.key, value: field.value, range: (field.range.lowerBound + offset)..<(field.range.upperBound + offset))
        }
        return CacheSpec(type: type, fields: fields.map(shift), typeField: typeField.map(shift))
    }
}

/// Go's `%q` for the strings buildx quotes in messages: backslash escapes for quotes, backslashes and
/// control characters.
func goQuoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            result += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
