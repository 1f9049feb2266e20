/// A job's `strategy.matrix` expanded into the combinations GitHub runs, so rules can tell which keys
/// take several values (https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/running-variations-of-jobs-in-a-workflow).
public struct Matrix: Sendable, Equatable {
    /// Every combination: each key's value as text (a list or mapping value in a canonical written
    /// form); `nil` when an expression decides the matrix or how its entries combine.
    public let combinations: [[String: String]]?
    /// Keys that `include` entries give an expression as value somewhere: their text may stand for
    /// different values, so combinations cannot be compared on them.
    public let uncertainKeys: Set<String>

    public init(combinations: [[String: String]]?, uncertainKeys: Set<String> = []) {
        self.combinations = combinations
        self.uncertainKeys = uncertainKeys
    }

    /// GitHub's expansion: the product of the keys' lists, less every combination an `exclude` entry
    /// matches, then each `include` entry added to every original combination whose original values
    /// it does not change — or, when it fits none, appended as a combination of its own.
    public init(keys: [(name: String, values: [String])], exclude: [[String: String]], include: [[String: String]]) {
        var combinations: [[String: String]] = keys.isEmpty ? [] : [[:]]
        for key in keys {
            combinations = combinations.flatMap { combination in
                key.values.map { combination.merging([key.name: $0]) { $1 } }
            }
        }
        combinations.removeAll { combination in
            exclude.contains { entry in entry.allSatisfy { combination[$0.key] == $0.value } }
        }
        let originalKeys = Set(keys.map(\.name))
        let originalCount = combinations.count
        for entry in include {
            var fitted = false
            for index in 0..<originalCount
            where entry.allSatisfy({ !originalKeys.contains($0.key) || combinations[index][$0.key] == $0.value }) {
                combinations[index].merge(entry) { $1 }
                fitted = true
            }
            if !fitted { combinations.append(entry) }
        }
        let uncertain = include.flatMap { $0.filter { Expression.occurs(in: $0.value) }.keys }
        self.init(combinations: combinations, uncertainKeys: Set(uncertain))
    }

    /// The combinations, when they can be compared on `keys`.
    public func combinations(comparableOn keys: Set<String>) -> [[String: String]]? {
        keys.isDisjoint(with: uncertainKeys) ? combinations : nil
    }

    /// Whether two combinations can differ in the value of one of `keys`: `nil` when the combinations
    /// are not known.
    public func varies(in keys: Set<String>) -> Bool? {
        guard let combinations = combinations(comparableOn: keys) else { return nil }
        guard let first = combinations.first else { return false }
        return combinations.contains { combination in keys.contains { combination[$0] != first[$0] } }
    }
}
