/// Levenshtein distance, for "did you mean" suggestions on short names.
enum EditDistance {
    /// The candidate closest to `name`, at most `limit` edits away (the first of equally close ones), and
    /// whether no other candidate is as close.
    static func nearest(to name: String, among candidates: [String], limit: Int = 2) -> (match: String, isUnique: Bool)? {
        let distances = candidates.map { ($0, between(name, $0)) }
        guard let best = distances.map(\.1).min(), best <= limit, let match = distances.first(where: { $0.1 == best }) else {
            return nil
        }
        return (match.0, distances.filter { $0.1 == best }.count == 1)
    }

    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1]
            for (j, right) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
