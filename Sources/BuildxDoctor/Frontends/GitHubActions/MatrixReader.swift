/// Reads a job's `strategy.matrix` into a `Matrix`, leaving it unknown wherever an expression decides
/// it (`${{ fromJSON(…) }}` as the matrix, a key's list or an `include` entry).
enum MatrixReader {
    /// GitHub runs at most 256 combinations per matrix; a larger product is not expanded.
    static let maximumCombinations = 256

    static func matrix(_ node: YAMLNode?) -> Matrix? {
        guard let node else { return nil }
        guard let mapping = node.mapping else { return Matrix(combinations: nil) }
        var keys: [(name: String, values: [String])] = []
        var exclude: [[String: String]] = []
        var include: [[String: String]] = []
        var product = 1
        for entry in mapping.entries {
            let name = entry.key.value
            switch name {
            case "include", "exclude":
                guard let entries = objects(entry.value) else { return Matrix(combinations: nil) }
                if name == "include" { include = entries } else { exclude = entries }
                // An expression may decide which combinations an entry matches; elsewhere it is only a value.
                let matching = name == "exclude" ? entries.flatMap(\.values) : []
                guard !matching.contains(where: Expression.occurs) else { return Matrix(combinations: nil) }
            default:
                guard let items = entry.value.sequence?.items else { return Matrix(combinations: nil) }
                let values = items.map(canonical)
                guard !values.contains(where: Expression.occurs) else { return Matrix(combinations: nil) }
                product *= max(values.count, 1)
                guard product <= maximumCombinations else { return Matrix(combinations: nil) }
                keys.append((name, values))
            }
        }
        let originalKeys = Set(keys.map(\.name))
        let decidesMatching = include.contains { $0.contains { originalKeys.contains($0.key) && Expression.occurs(in: $0.value) } }
        return decidesMatching ? Matrix(combinations: nil) : Matrix(keys: keys, exclude: exclude, include: include)
    }

    /// `runs-on` as text: a label, labels joined with `, `, or a runner group's `group` and `labels`.
    static func runsOn(_ node: YAMLNode?) -> String? {
        switch node {
        case .scalar(let scalar)?: scalar.value
        case .sequence(let sequence)?: sequence.items.map(canonical).joined(separator: ", ")
        case .mapping(let mapping)?: mapping.entries.map { canonical($0.value) }.joined(separator: ", ")
        case nil: nil
        }
    }

    /// A list of mappings; `nil` when the list or an entry is an expression.
    private static func objects(_ node: YAMLNode) -> [[String: String]]? {
        guard let items = node.sequence?.items else { return nil }
        var result: [[String: String]] = []
        for item in items {
            guard let mapping = item.mapping else { return nil }
            var object: [String: String] = [:]
            for entry in mapping.entries { object[entry.key.value] = canonical(entry.value) }
            result.append(object)
        }
        return result
    }

    /// A value as text that is equal for equal values: scalars as they read, lists and mappings in a
    /// flow form with their entries in order.
    private static func canonical(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let scalar): scalar.value
        case .sequence(let sequence): "[" + sequence.items.map(canonical).map(quoted).joined(separator: ", ") + "]"
        case .mapping(let mapping):
            "{" + mapping.entries.map { quoted($0.key.value) + ": " + quoted(canonical($0.value)) }.joined(separator: ", ") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}
