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

    /// The edit script: common head and tail are kept; the middle is aligned by longest common subsequence.
    private static func script(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Operation] {
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
