/// A unified diff of two versions of a file, as `diff -u` and `git diff` print it, for reviewing fixes.
///
/// The diff is made and printed byte for byte, so that `patch -p1` (GNU patch) turns the old bytes into
/// exactly the new ones: lines are split after each LF only, so a CR before it stays part of the line (CRLF,
/// mixed endings and a lone CR survive), lines are compared as bytes (Swift `String` equality would treat
/// canonically equivalent text, and `"\r\n"` as one character, as equal or unterminated), and a last line
/// without an LF gets the `\ No newline at end of file` marker that GNU patch and git read. The caller
/// passes the bytes as they are on disk, a byte order mark included, so the first line's context matches.
public enum UnifiedDiff {
    /// The diff from `old` to `new`, empty when they are equal; `path` names the file in the
    /// `--- a/…` and `+++ b/…` headers (leading `./` and `/` dropped, so `patch -p1` finds it).
    public static func between(_ old: [UInt8], _ new: [UInt8], path: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        let operations = script(a, b)
        guard operations.contains(where: { $0.kind != .same }) else { return "" }
        var name = Substring(path)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        while name.hasPrefix("/") { name = name.dropFirst() }
        var output: [UInt8] = []
        output += header("---", "a/" + name)
        output += header("+++", "b/" + name)
        var index = 0
        while index < operations.count {
            guard let change = operations[index...].firstIndex(where: { $0.kind != .same }) else { break }
            let start = max(index, change - context)
            var end = change
            // Extend the hunk while the next change is within two contexts.
            while true {
                guard let next = operations[end...].firstIndex(where: { $0.kind != .same }) else { break }
                let afterChange = operations[next...].firstIndex(where: { $0.kind == .same }) ?? operations.count
                end = afterChange
                guard let following = operations[end...].firstIndex(where: { $0.kind != .same }), following - end <= 2 * context
                else { break }
            }
            let stop = min(operations.count, end + context)
            let hunk = operations[start..<stop]
            let oldStart = (hunk.first { $0.kind != .insert }?.oldLine ?? hunk.first!.oldLine) + 1
            let newStart = (hunk.first { $0.kind != .delete }?.newLine ?? hunk.first!.newLine) + 1
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            output += Array("@@ -\(oldCount == 0 ? oldStart - 1 : oldStart),\(oldCount) +\(newCount == 0 ? newStart - 1 : newStart),\(newCount) @@\n".utf8)
            for operation in hunk {
                let (prefix, line) =
                    switch operation.kind {
                    case .same: (UInt8(ascii: " "), a[operation.oldLine])
                    case .delete: (UInt8(ascii: "-"), a[operation.oldLine])
                    case .insert: (UInt8(ascii: "+"), b[operation.newLine])
                    }
                output.append(prefix)
                output += line
                // GNU patch and git: a line that does not end in LF is followed by this marker line
                // (diffutils manual, "Incomplete Lines").
                if line.last != lineFeed { output += Array("\n\\ No newline at end of file\n".utf8) }
            }
            index = stop
        }
        // Only whole lines split at LF were copied, so valid UTF-8 in gives valid UTF-8 out.
        return String(decoding: output, as: UTF8.self)
    }

    private static let lineFeed = UInt8(ascii: "\n")

    /// A `---`/`+++` line as GNU patch reads it back: a name with a space ends at a tab (patch takes the
    /// tab as the end of the name, as after `diff -u`'s timestamp), and one with a quote, a backslash or a
    /// control character is written C-quoted, the form git uses and GNU patch 2.7 unquotes.
    private static func header(_ marker: String, _ name: Substring) -> [UInt8] {
        let bytes = Array(name.utf8)
        let needsQuotes = bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        guard needsQuotes else {
            return Array("\(marker) \(name)\(bytes.contains(UInt8(ascii: " ")) ? "\t" : "")\n".utf8)
        }
        var quoted = Array("\(marker) \"".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): quoted += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\t"): quoted += Array("\\t".utf8)
            case lineFeed: quoted += Array("\\n".utf8)
            case UInt8(ascii: "\r"): quoted += Array("\\r".utf8)
            case ..<0x20, 0x7F:
                // Three octal digits, as C and git write them.
                quoted += [UInt8(ascii: "\\"), 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
            default: quoted.append(byte)
            }
        }
        return quoted + Array("\"\n".utf8)
    }

    /// The 1-based lines the change removes from `old` and adds to `new`, by the same alignment the diff uses.
    static func changedLines(_ old: [UInt8], _ new: [UInt8]) -> (removed: Set<Int>, added: Set<Int>) {
        var removed = Set<Int>()
        var added = Set<Int>()
        for operation in script(lines(old), lines(new)) {
            switch operation.kind {
            case .same: break
            case .delete: removed.insert(operation.oldLine + 1)
            case .insert: added.insert(operation.newLine + 1)
            }
        }
        return (removed, added)
    }

    private struct Operation {
        enum Kind { case same, delete, insert }
        let kind: Kind
        let oldLine: Int
        let newLine: Int
    }

    /// Lines split after each LF, each with its line break (CR included), so a change of line ending shows
    /// and the bytes of every line are printed back unchanged.
    private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == lineFeed {
            result.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    /// The edit script: the lines a longest common subsequence keeps are `same`; between two of them the
    /// deletions come before the insertions, as `diff -u` and `git diff` print them.
    ///
    /// The common subsequence is found with Myers' linear-space algorithm (E. W. Myers, "An O(ND)
    /// Difference Algorithm and Its Variations", Algorithmica 1986, section 4b): time grows with the
    /// length times the number of changed lines, memory with the length. A table of every pair of lines
    /// would take gigabytes for a long workflow whose first and last lines a fix changes.
    private static func script(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Operation] {
        // Lines become numbers, so the search compares integers rather than bytes.
        var numbers: [ArraySlice<UInt8>: Int] = [:]
        func number(_ line: ArraySlice<UInt8>) -> Int {
            if let number = numbers[line] { return number }
            numbers[line] = numbers.count
            return numbers.count - 1
        }
        let x = a.map(number)
        let y = b.map(number)
        var matcher = CommonLines(a: x, b: y)
        matcher.match(0..<x.count, 0..<y.count)
        var operations: [Operation] = []
        operations.reserveCapacity(a.count + b.count - matcher.pairs.count)
        var old = 0
        var new = 0
        for (matchedOld, matchedNew) in matcher.pairs + [(a.count, b.count)] {
            while old < matchedOld {
                operations.append(Operation(kind: .delete, oldLine: old, newLine: new))
                old += 1
            }
            while new < matchedNew {
                operations.append(Operation(kind: .insert, oldLine: old, newLine: new))
                new += 1
            }
            if old < a.count, new < b.count {
                operations.append(Operation(kind: .same, oldLine: old, newLine: new))
                old += 1
                new += 1
            }
        }
        return operations
    }
}

/// The pairs of equal lines a longest common subsequence of `a` and `b` keeps, in order: Myers' divide and
/// conquer around the "middle snake" of an optimal edit path.
private struct CommonLines {
    let a: [Int]
    let b: [Int]
    private(set) var pairs: [(Int, Int)] = []
    /// The furthest x reached on each diagonal, forward and backward; sized once for the whole input.
    private var forward: [Int]
    private var backward: [Int]

    init(a: [Int], b: [Int]) {
        self.a = a
        self.b = b
        forward = Array(repeating: 0, count: 2 * (a.count + b.count) + 3)
        backward = forward
    }

    /// Appends the common lines of `a[xs]` and `b[ys]` to `pairs`.
    mutating func match(_ xs: Range<Int>, _ ys: Range<Int>) {
        var xs = xs
        var ys = ys
        var tail: [(Int, Int)] = []
        while !xs.isEmpty, !ys.isEmpty, a[xs.lowerBound] == b[ys.lowerBound] {
            pairs.append((xs.lowerBound, ys.lowerBound))
            xs = (xs.lowerBound + 1)..<xs.upperBound
            ys = (ys.lowerBound + 1)..<ys.upperBound
        }
        while !xs.isEmpty, !ys.isEmpty, a[xs.upperBound - 1] == b[ys.upperBound - 1] {
            tail.append((xs.upperBound - 1, ys.upperBound - 1))
            xs = xs.lowerBound..<(xs.upperBound - 1)
            ys = ys.lowerBound..<(ys.upperBound - 1)
        }
        // With the common ends gone and both sides non-empty, at least two edits remain, so each half
        // of the split below is strictly smaller and the recursion ends.
        if !xs.isEmpty, !ys.isEmpty, let (start, end) = middleSnake(xs, ys) {
            match(xs.lowerBound..<start.x, ys.lowerBound..<start.y)
            for offset in 0..<(end.x - start.x) { pairs.append((start.x + offset, start.y + offset)) }
            match(end.x..<xs.upperBound, end.y..<ys.upperBound)
        }
        pairs += tail.reversed()
    }

    /// The diagonal run of equal lines in the middle of an optimal edit path from the start of `xs`/`ys`
    /// to their end, found by searching from both ends until the searches meet.
    private mutating func middleSnake(_ xs: Range<Int>, _ ys: Range<Int>) -> (start: (x: Int, y: Int), end: (x: Int, y: Int))? {
        let n = xs.count
        let m = ys.count
        let delta = n - m
        let offset = n + m + 1
        forward[offset + 1] = 0
        backward[offset + 1] = 0
        for d in 0...((n + m + 1) / 2) {
            // Forward: x is counted from the start of xs, diagonal k = x - y.
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                    ? forward[offset + k + 1] : forward[offset + k - 1] + 1
                var y = x - k
                let start = (x: x, y: y)
                while x < n, y < m, a[xs.lowerBound + x] == b[ys.lowerBound + y] {
                    x += 1
                    y += 1
                }
                forward[offset + k] = x
                let reverse = delta - k
                if delta % 2 != 0, reverse >= -(d - 1), reverse <= d - 1, x + backward[offset + reverse] >= n {
                    return ((xs.lowerBound + start.x, ys.lowerBound + start.y), (xs.lowerBound + x, ys.lowerBound + y))
                }
            }
            // Backward: x and y are counted from the ends of xs and ys.
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && backward[offset + k - 1] < backward[offset + k + 1])
                    ? backward[offset + k + 1] : backward[offset + k - 1] + 1
                var y = x - k
                let start = (x: x, y: y)
                while x < n, y < m, a[xs.upperBound - 1 - x] == b[ys.upperBound - 1 - y] {
                    x += 1
                    y += 1
                }
                backward[offset + k] = x
                let ahead = delta - k
                if delta % 2 == 0, ahead >= -d, ahead <= d, x + forward[offset + ahead] >= n {
                    return ((xs.upperBound - x, ys.upperBound - y), (xs.upperBound - start.x, ys.upperBound - start.y))
                }
            }
        }
        // The searches meet by d = ⌈(n + m) / 2⌉; were they not to, the lines would be taken as all changed.
        return nil
    }
}
