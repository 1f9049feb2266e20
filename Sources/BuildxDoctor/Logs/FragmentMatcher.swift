/// Finds many literal fragments in one pass over a byte stream (Aho–Corasick with a dense transition
/// table), ignoring ASCII case. One table lookup per byte keeps a 200 MB log to a fraction of a second.
///
/// The scan is bound by the latency of that lookup, so the table is kept small enough for the rows that
/// ordinary text visits to stay in the fast caches: states are 16-bit.
struct FragmentMatcher: Sendable {
    /// `transitions[state << 8 | byte]` is the next state, bit-inverted (negative) when that state ends
    /// a fragment, so the hot loop needs no second lookup.
    private let transitions: [Int16]
    /// Fragment indices that end in each state (including those ending in its suffix states).
    private let outputs: [[Int]]

    init(_ fragments: [String]) {
        var goto: [[Int32]] = [Array(repeating: -1, count: 256)]
        var outputs: [[Int]] = [[]]
        for (index, fragment) in fragments.enumerated() {
            var state = 0
            for byte in fragment.lowercased().utf8 {
                if goto[state][Int(byte)] < 0 {
                    goto.append(Array(repeating: -1, count: 256))
                    outputs.append([])
                    goto[state][Int(byte)] = Int32(goto.count - 1)
                }
                state = Int(goto[state][Int(byte)])
            }
            outputs[state].append(index)
        }
        // Breadth-first: failure links, merged outputs, and a complete transition table.
        var failure = Array(repeating: 0, count: goto.count)
        var table = [Int32](repeating: 0, count: goto.count << 8)
        var queue: [Int] = []
        for byte in 0..<256 {
            let next = goto[0][byte]
            table[byte] = max(next, 0)
            if next > 0 { queue.append(Int(next)) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputs[state] += outputs[failure[state]]
            for byte in 0..<256 {
                let next = goto[state][byte]
                if next >= 0 {
                    failure[Int(next)] = Int(table[failure[state] << 8 | byte])
                    table[state << 8 | byte] = next
                    queue.append(Int(next))
                } else {
                    table[state << 8 | byte] = table[failure[state] << 8 | byte]
                }
            }
        }
        // Upper-case bytes behave as their lower-case letters.
        for state in 0..<goto.count {
            for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") {
                table[state << 8 | Int(upper)] = table[state << 8 | Int(upper | 0x20)]
            }
        }
        precondition(goto.count < Int(Int16.max), "too many fragment states for 16-bit states")
        var compact = [Int16](repeating: 0, count: goto.count << 8)
        for state in 0..<goto.count {
            for byte in 0..<256 {
                let next = Int(table[state << 8 | byte])
                compact[state << 8 | byte] = outputs[next].isEmpty ? Int16(next) : ~Int16(next)
            }
        }
        self.transitions = compact
        self.outputs = outputs
    }

    /// The matches in bytes that hold whole lines: (offset just past the match, fragment index), in order.
    ///
    /// One automaton walk is a chain of dependent table lookups, so the bytes are cut at line breaks into
    /// parts walked side by side: independent chains keep the processor busy. (No fragment
    /// holds a line break, so each part can start from the start state.)
    func matches(inLines bytes: UnsafeBufferPointer<UInt8>) -> [(offset: Int, fragment: Int)] {
        // Two halves on two cores when there is enough to share; each half walks eight lanes.
        guard bytes.count > 1 << 16, let base = bytes.baseAddress else { return walk(bytes, offset: 0) }
        var middle = bytes.count / 2
        while middle < bytes.count, base[middle - 1] != 10 { middle += 1 }
        // The halves are read only, and both walks end before this function returns.
        nonisolated(unsafe) let shared = bytes
        let matcher = self
        return ConcurrentMap.map([0..<middle, middle..<bytes.count]) { half in
            matcher.walk(UnsafeBufferPointer(rebasing: shared[half]), offset: half.lowerBound)
        }.flatMap { $0 }
    }

    /// Eight lanes over whole lines of `bytes`; offsets are reported relative to the enclosing buffer.
    /// The lanes are written out by hand so that their states stay in registers.
    private func walk(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> [(offset: Int, fragment: Int)] {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        let lanes = 8
        var bounds = [0]
        for lane in 1..<lanes {
            var cut = max(bounds[lane - 1], bytes.count * lane / lanes)
            while cut > 0, cut < bytes.count, base[cut - 1] != 10 { cut += 1 }
            bounds.append(cut)
        }
        bounds.append(bytes.count)
        // Positions of bytes that complete a fragment, with the state they end in.
        var hits: [(position: Int, state: Int16)] = []
        transitions.withUnsafeBufferPointer { tableBuffer in
            let table = tableBuffer.baseAddress!
            let shortest = (0..<lanes).map { bounds[$0 + 1] - bounds[$0] }.min()!
            let (b0, b1, b2, b3, b4, b5, b6, b7) = (bounds[0], bounds[1], bounds[2], bounds[3], bounds[4], bounds[5], bounds[6], bounds[7])
            var (s0, s1, s2, s3, s4, s5, s6, s7) = (Int16(0), Int16(0), Int16(0), Int16(0), Int16(0), Int16(0), Int16(0), Int16(0))
            for index in 0..<shortest {
                s0 = table[Int(s0) << 8 | Int(base[b0 + index])]
                if s0 < 0 {
                    s0 = ~s0
                    hits.append((b0 + index, s0))
                }
                s1 = table[Int(s1) << 8 | Int(base[b1 + index])]
                if s1 < 0 {
                    s1 = ~s1
                    hits.append((b1 + index, s1))
                }
                s2 = table[Int(s2) << 8 | Int(base[b2 + index])]
                if s2 < 0 {
                    s2 = ~s2
                    hits.append((b2 + index, s2))
                }
                s3 = table[Int(s3) << 8 | Int(base[b3 + index])]
                if s3 < 0 {
                    s3 = ~s3
                    hits.append((b3 + index, s3))
                }
                s4 = table[Int(s4) << 8 | Int(base[b4 + index])]
                if s4 < 0 {
                    s4 = ~s4
                    hits.append((b4 + index, s4))
                }
                s5 = table[Int(s5) << 8 | Int(base[b5 + index])]
                if s5 < 0 {
                    s5 = ~s5
                    hits.append((b5 + index, s5))
                }
                s6 = table[Int(s6) << 8 | Int(base[b6 + index])]
                if s6 < 0 {
                    s6 = ~s6
                    hits.append((b6 + index, s6))
                }
                s7 = table[Int(s7) << 8 | Int(base[b7 + index])]
                if s7 < 0 {
                    s7 = ~s7
                    hits.append((b7 + index, s7))
                }
            }
            let ends = [s0, s1, s2, s3, s4, s5, s6, s7]
            for lane in 0..<lanes {
                var state = ends[lane]
                for position in (bounds[lane] + shortest)..<bounds[lane + 1] {
                    state = table[Int(state) << 8 | Int(base[position])]
                    if state < 0 {
                        state = ~state
                        hits.append((position, state))
                    }
                }
            }
        }
        return hits.sorted { $0.position < $1.position }.flatMap { hit in
            outputs[Int(hit.state)].map { (offset + hit.position + 1, $0) }
        }
    }
}
