/// A unified diff of two versions of a file, as `diff -u` and `git diff` print it, for reviewing fixes.
public enum UnifiedDiff {
    public static func between(_ old: [UInt8], _ new: [UInt8], path: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        let operations = script(a, b)
        guard operations.contains(where: { $0.kind != .same }) else { return "" }
        var name = Substring(path)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        while name.hasPrefix("/") { name = name.dropFirst() }
        var output = "--- a/\(name)\n+++ b/\(name)\n"
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
            output += "@@ -\(oldCount == 0 ? oldStart - 1 : oldStart),\(oldCount) +\(newCount == 0 ? newStart - 1 : newStart),\(newCount) @@\n"
            for operation in hunk {
                let (prefix, text) =
                    switch operation.kind {
                    case .same: (" ", a[operation.oldLine])
                    case .delete: ("-", a[operation.oldLine])
                    case .insert: ("+", b[operation.newLine])
                    }
                output += prefix + printable(text)
            }
            index = stop
        }
        return output
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

    /// Lines with their line breaks, so a change of line ending shows.
    private static func lines(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            result.append(String(decoding: bytes[start...index], as: UTF8.self))
            start = index + 1
        }
        if start < bytes.count { result.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return result
    }

    private static func printable(_ line: String) -> String {
        line.hasSuffix("\n") ? line : line + "\n\\ No newline at end of file\n"
    }

    /// The edit script: common head and tail are kept; the middle is aligned by longest common subsequence.
    private static func script(_ a: [String], _ b: [String]) -> [Operation] {
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let middleA = Array(a[head..<(a.count - tail)])
        let middleB = Array(b[head..<(b.count - tail)])
        var table = Array(repeating: Array(repeating: 0, count: middleB.count + 1), count: middleA.count + 1)
        for i in stride(from: middleA.count - 1, through: 0, by: -1) {
            for j in stride(from: middleB.count - 1, through: 0, by: -1) {
                table[i][j] = middleA[i] == middleB[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var operations = (0..<head).map { Operation(kind: .same, oldLine: $0, newLine: $0) }
        var i = 0
        var j = 0
        while i < middleA.count || j < middleB.count {
            if i < middleA.count, j < middleB.count, middleA[i] == middleB[j] {
                operations.append(Operation(kind: .same, oldLine: head + i, newLine: head + j))
                i += 1
                j += 1
            } else if i < middleA.count, j == middleB.count || table[i + 1][j] >= table[i][j + 1] {
                // Deletions first, as `diff -u` and `git diff` print them.
                operations.append(Operation(kind: .delete, oldLine: head + i, newLine: head + j))
                i += 1
            } else {
                operations.append(Operation(kind: .insert, oldLine: head + i, newLine: head + j))
                j += 1
            }
        }
        for offset in 0..<tail {
            operations.append(Operation(kind: .same, oldLine: a.count - tail + offset, newLine: b.count - tail + offset))
        }
        return operations
    }
}
