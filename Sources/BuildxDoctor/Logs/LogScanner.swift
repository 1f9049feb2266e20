#if canImport(Glibc)
import Glibc
#endif

/// What a log says went wrong.
public struct LogReport: Sendable {
    /// One recognised error, first occurrence only.
    public struct Explanation: Sendable {
        public let signature: ErrorSignature
        /// 1-based line of the log.
        public let logLine: Int
        /// The line, cleaned of timestamps, colour codes and runner markers.
        public let excerpt: String
        /// The configuration line `check` blames for the same cause, when a workflow was given and the
        /// log's evidence singles it out.
        public var location: Diagnostic?
        /// What the log says about the build around the error (cache, platforms, step).
        public let evidence: LogEvidence
        /// Failure, cold cache or notice for this occurrence: an error on a BuildKit step that imports a
        /// cache only costs the cache, because BuildKit logs a failed import and builds on
        /// (`moby/buildkit solver/llbsolver/bridge.go`).
        public let kind: ErrorSignature.Kind
        /// Findings that may be the cause when the evidence does not decide between them: the link to
        /// any one of them is a guess. Empty when `location` is set or nothing was correlated.
        public var candidates: [Diagnostic] = []
    }

    /// Recognised errors in the order they happened: the first failure is the one that stopped the build.
    public internal(set) var explanations: [Explanation] = []
    /// Error lines no signature explains (at most `LogScanner.unrecognizedLimit`).
    public internal(set) var unrecognized: [(line: Int, text: String)] = []

    /// What the log says about each build's cache, when the scanner follows it (`LogScanner.withCacheReport`).
    public internal(set) var cache: CacheReport?

    /// Set when the log is not text: the line of the first NUL byte in its first megabyte
    /// (`LogScanner.binaryProbe`), however the log arrives.
    public internal(set) var binaryLine: Int?

    /// Whether anything was recognised as a failure or as the reason for a cold cache.
    public var recognizesSomething: Bool { explanations.contains { $0.kind != .notice } }

    public init() {}

    /// Several logs read as one: each explanation once, in the order the logs were given.
    public init(merging reports: [LogReport]) {
        var seen = Set<String>()
        for report in reports {
            explanations += report.explanations.filter { seen.insert($0.key).inserted }
            unrecognized += report.unrecognized.prefix(LogScanner.unrecognizedLimit - unrecognized.count)
            binaryLine = binaryLine ?? report.binaryLine
        }
        let caches = reports.compactMap(\.cache)
        if !caches.isEmpty { cache = CacheReport(merging: caches) }
    }
}

/// Reads a CI log as a stream — GitHub Actions raw logs, GitLab job logs, BuildKit plain progress — and
/// recognises the errors in it. Memory stays bounded whatever the log's size: only the current line is
/// kept, and only lines that contain a known fragment are looked at closely.
public struct LogScanner: Sendable {
    public static let unrecognizedLimit = 10
    private static let chunkSize = 1 << 22
    /// How far into a log a NUL byte makes it "not text". The same bytes for a mapped file and for a pipe,
    /// whose reads return as little as the writer wrote (64 KiB and less), so the verdict does not depend
    /// on how the log arrives.
    static let binaryProbe = 1 << 20
    /// Longest line kept for matching; longer lines are cut (a progress bar can be megabytes).
    private static let lineLimit = 1 << 16

    private let signatures: [ErrorSignature]
    private let matcher: FragmentMatcher
    /// For each fragment: the signature it belongs to, or a role of its own.
    private let roles: [Role]
    /// Whether the scan also follows BuildKit's steps for a `CacheReport`.
    private let followsCache: Bool

    private enum Role {
        /// A signature's fragment; a longer fragment is a more specific match.
        case signature(Int, length: Int)
        case importStep
        case errorMarker
        /// A line that says which step, cache or platforms the errors after it belong to.
        case evidence
        /// A line the cache report follows: a BuildKit progress status (`#N DONE 1.2s`) when `progress`,
        /// else a printed cache flag or buildx warning.
        case cacheStep(progress: Bool)
    }

    /// The scanner for the whole catalog, built once: its automaton takes a moment to build.
    public static let standard = LogScanner()
    /// The scanner that also builds a `CacheReport` (`buildx-doctor cache`). Its automaton knows more
    /// fragments, so it looks at more lines: `explain` keeps the lean one.
    public static let withCacheReport = LogScanner(followingCache: true)

    public init(signatures: [ErrorSignature] = SignatureCatalog.all, followingCache: Bool = false) {
        self.signatures = signatures
        self.followsCache = followingCache
        var fragments: [String] = []
        var roles: [Role] = []
        for (index, signature) in signatures.enumerated() {
            for fragment in signature.fragments {
                fragments.append(fragment)
                roles.append(.signature(index, length: fragment.utf8.count))
            }
        }
        fragments += ["importing cache manifest from", "error:", "##[error]"]
        roles += [.importStep, .errorMarker, .errorMarker]
        fragments += LogEvidence.Tracker.fragments
        roles += LogEvidence.Tracker.fragments.map { _ in .evidence }
        if followingCache {
            fragments += CacheBuild.Tracker.fragments
            roles += CacheBuild.Tracker.fragments.map { .cacheStep(progress: !CacheBuild.Tracker.otherFragments.contains($0)) }
        }
        self.matcher = FragmentMatcher(fragments)
        self.roles = roles
    }

    /// Scans everything `read` returns until it returns nothing. The buffer always starts at a line
    /// start: complete lines are scanned, the unfinished last one moves to the front for the next read.
    public func scan(reading read: (UnsafeMutableRawBufferPointer) -> Int) -> LogReport {
        var state = ScanState()
        if followsCache { state.cache = CacheBuild.Tracker() }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var filled = 0
        // Bytes already scanned and moved out of the buffer.
        var consumed = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            // Every read within the probe is searched, not only the first: a pipe delivers the probe in pieces.
            let probed = min(filled + count, max(0, Self.binaryProbe - consumed))
            if probed > filled, let line = buffer.withUnsafeBufferPointer({ binaryLine(in: UnsafeBufferPointer(rebasing: $0[..<probed])) }) {
                // The buffer starts at a line start; the lines before it were counted by the scan.
                var report = LogReport()
                report.binaryLine = state.line - 1 + line
                return report
            }
            filled += count
            let atEnd = count == 0
            // Scan up to the last line break; a full buffer without one is cut, as one very long line.
            let lastBreak = buffer[..<filled].lastIndex(of: 10).map { $0 + 1 }
            let end = atEnd ? filled : lastBreak ?? (filled == buffer.count ? filled : 0)
            if end > 0 {
                buffer.withUnsafeBufferPointer { scanLines(UnsafeBufferPointer(rebasing: $0[..<end]), &state) }
                buffer.withUnsafeMutableBytes { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[end..<filled]))
                }
                filled -= end
                consumed += end
            }
            if atEnd { break }
        }
        return finished(state)
    }

    /// The report with the failure that stopped the build first, then why the cache was cold, then notices.
    private func finished(_ state: ScanState) -> LogReport {
        var report = state.report
        if var tracker = state.cache {
            var cache = CacheReport()
            cache.builds = tracker.finished()
            cache.omittedBuilds = tracker.omittedBuilds
            report.cache = cache
        }
        let rank: (ErrorSignature.Kind) -> Int = { [.failure: 0, .coldCache: 1, .notice: 2][$0]! }
        // A line yields one explanation and no two share a line, so (rank, line) is a total order: the
        // headline cannot depend on the order explanations were found in.
        report.explanations.sort { (rank($0.kind), $0.logLine) < (rank($1.kind), $1.logLine) }
        return report
    }

    /// Scans a regular file through a read-only mapping, window by window, without copying it; pages
    /// already scanned are given back at once, so memory stays bounded however large the log is.
    private func scanMapped(_ descriptor: Int32, size: Int) -> LogReport? {
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else { return nil }
        defer { munmap(mapping, size) }
        madvise(mapping, size, MADV_SEQUENTIAL)
        let bytes = UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size)
        var state = ScanState()
        if followsCache { state.cache = CacheBuild.Tracker() }
        if let line = binaryLine(in: UnsafeBufferPointer(rebasing: bytes[..<min(size, Self.binaryProbe)])) {
            state.report.binaryLine = line
            return state.report
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var start = 0
        var released = 0
        while start < size {
            var end = min(size, start + Self.chunkSize)
            if end < size {
                // End the window after its last line break; a window without one is one very long line.
                var cut = end
                while cut > start, bytes[cut - 1] != 10 { cut -= 1 }
                if cut > start { end = cut }
            }
            scanLines(UnsafeBufferPointer(rebasing: bytes[start..<end]), &state)
            let releasable = (end / page) * page
            if releasable > released {
                madvise(mapping + released, releasable - released, MADV_DONTNEED)
                released = releasable
            }
            start = end
        }
        return finished(state)
    }

    /// Matches whole lines; only lines holding a fragment are cut out and looked at.
    private func scanLines(_ lines: UnsafeBufferPointer<UInt8>, _ state: inout ScanState) {
        var countedTo = 0
        var currentLineStart = -1
        var currentLineEnd = 0
        func flush(_ state: inout ScanState) {
            guard !state.pending.isEmpty else { return }
            state.line += newlines(in: lines, from: countedTo, to: currentLineStart)
            countedTo = currentLineStart
            state.carry = Array(lines[currentLineStart..<min(currentLineEnd, currentLineStart + Self.lineLimit)])
            process(&state)
        }
        for (offset, fragment) in matcher.matches(inLines: lines) {
            if offset > currentLineEnd || currentLineStart < 0 {
                flush(&state)
                var start = offset - 1
                while start > 0, lines[start - 1] != 10 { start -= 1 }
                var end = offset
                while end < lines.count, lines[end] != 10 { end += 1 }
                currentLineStart = start
                currentLineEnd = end
            }
            state.pending.append(fragment)
        }
        flush(&state)
        // The rest of the chunk is usually most of it: count it on both cores.
        let middle = (countedTo + lines.count) / 2
        nonisolated(unsafe) let shared = lines
        let scanner = self
        state.line += ConcurrentMap.map([countedTo..<middle, middle..<lines.count]) { part in
            scanner.newlines(in: shared, from: part.lowerBound, to: part.upperBound)
        }.reduce(0, +)
    }

    /// The line of the first NUL byte, when there is one: such a log is not text.
    private func binaryLine(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, let nul = memchr(base, 0, bytes.count) else { return nil }
        return 1 + newlines(in: bytes, from: 0, to: base.distance(to: nul.assumingMemoryBound(to: UInt8.self)))
    }

    /// Line breaks in a range, eight bytes at a time: a byte equal to `\n` becomes zero after the XOR,
    /// and the classic exact zero-byte test marks it with its top bit.
    private func newlines(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard end > start, let base = bytes.baseAddress else { return 0 }
        var count = 0
        var index = start
        let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while index + 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) ^ newlines
            count += (~(((word & low) &+ low) | word | low)).nonzeroBitCount
            index += 8
        }
        while index < end {
            if base[index] == 10 { count += 1 }
            index += 1
        }
        return count
    }

    /// Scans bytes already in memory.
    public func scan(_ bytes: [UInt8]) -> LogReport {
        var offset = 0
        return scan { buffer in
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
            offset += count
            return count
        }
    }

    /// Scans a file descriptor to its end (a file, a pipe, standard input).
    public func scan(fileDescriptor: Int32) -> LogReport {
        var status = stat()
        if fstat(fileDescriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0,
            let report = scanMapped(fileDescriptor, size: Int(status.st_size))
        {
            return report
        }
        return scan { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
            while true {
                let count = Glibc.read(fileDescriptor, base, buffer.count)
                if count < 0, errno == EINTR { continue }
                return max(count, 0)
            }
        }
    }

    private struct ScanState {
        var line = 1
        var carry: [UInt8] = []
        var pending: [Int] = []
        var report = LogReport()
        /// Explanations already made, by `Explanation.key`: each signature once per kind.
        var seen: Set<String> = []
        /// BuildKit progress steps (`#12`) that import a cache.
        var importSteps: Set<Substring> = []
        var evidence = LogEvidence.Tracker()
        var cache: CacheBuild.Tracker?
    }

    private func process(_ state: inout ScanState) {
        defer { state.pending.removeAll(keepingCapacity: true) }
        // Build output is full of ` [` and ` done `: a line that only the cache report's progress fragments
        // matched is looked at only when it is a BuildKit status line, before any cleaning.
        if state.pending.allSatisfy({ if case .cacheStep(true) = roles[$0] { true } else { false } }),
            !CacheBuild.Tracker.isStatusLine(state.carry)
        {
            return
        }
        let text = LogLine.clean(state.carry)
        let lowered = text.lowercased()
        // The most specific signature on the line wins: the longest matched fragment, then the earlier
        // signature in the catalog. Walking `pending` (in match order) keeps the choice independent of
        // hashing, which differs from run to run.
        var best: (index: Int, length: Int)?
        var markedError = false
        var importStep = false
        var evidence = false
        for fragment in state.pending {
            switch roles[fragment] {
            case .signature(let index, let length):
                if let current = best, (current.length, -current.index) >= (length, -index) { continue }
                guard signatures[index].alsoRequires.allSatisfy({ lowered.containsText($0) }) else { continue }
                best = (index, length)
            case .importStep: importStep = true
            case .errorMarker: markedError = true
            case .evidence: evidence = true
            case .cacheStep: break
            }
        }
        state.cache?.read(text, line: state.line, timestamp: LogLine.timestamp(state.carry))
        let step = LogLine.progressStep(of: text)
        if importStep, let step { state.importSteps.insert(step) }
        if importStep || evidence { state.evidence.read(text, progressStep: step) }
        let onImport = step.map { state.importSteps.contains($0) } ?? false
        if let best {
            record(signatures[best.index], text: text, onImport: onImport, in: &state)
            return
        }
        guard markedError else { return }
        if onImport, let failed = SignatureCatalog.signature(id: "cache-import-failed") {
            record(failed, text: text, onImport: true, in: &state)
        } else if state.report.unrecognized.count < Self.unrecognizedLimit,
            !state.report.unrecognized.contains(where: { $0.text == text })
        {
            state.report.unrecognized.append((state.line, text))
        }
    }

    private func record(_ signature: ErrorSignature, text: String, onImport: Bool, in state: inout ScanState) {
        let kind: ErrorSignature.Kind = onImport && signature.kind == .failure ? .coldCache : signature.kind
        let explanation = LogReport.Explanation(
            signature: signature, logLine: state.line, excerpt: text, location: nil,
            evidence: state.evidence.evidence(for: text, progressStep: LogLine.progressStep(of: text)), kind: kind)
        guard state.seen.insert(explanation.key).inserted else { return }
        state.report.explanations.append(explanation)
    }
}

extension LogReport.Explanation {
    /// One explanation per signature and kind: an uppercase ref that first costs the import and then
    /// fails the export is both a cold cache and the failure.
    var key: String { signature.id + "/" + kind.rawValue }
}

/// Cleaning one raw log line into the text a person reads.
enum LogLine {
    /// Drops colour codes, what a carriage return overwrote, a GitHub timestamp, runner markers
    /// (`##[error]`) and GitLab section markers, and surrounding white space.
    static func clean(_ bytes: [UInt8]) -> String {
        var visible: [UInt8] = []
        visible.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") {
                index += 2
                while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\r") {
                // Keep what was written last, unless the carriage return only ends the line.
                if index + 1 < bytes.count { visible.removeAll(keepingCapacity: true) }
                index += 1
                continue
            }
            visible.append(byte)
            index += 1
        }
        var text = Substring(String(decoding: visible, as: UTF8.self))
        text = dropTimestamp(text)
        for marker in ["##[error]", "##[warning]", "##[group]", "##[endgroup]", "##[notice]"] where text.hasPrefix(marker) {
            text = text.dropFirst(marker.count)
        }
        return String(text).trimmingWhitespace()
    }

    /// The GitHub timestamp a raw log line starts with, in seconds from 2000-01-01 (only differences
    /// matter), when it has one.
    static func timestamp(_ bytes: [UInt8]) -> Double? {
        guard bytes.count > 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month)
        else { return nil }
        var fraction = 0.0
        var scale = 0.1
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        // Days since 2000-01-01 by the proleptic Gregorian calendar, so a build across midnight or a month
        // end still gets the right duration.
        let cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let years = year - 2000
        let leapDays = years > 0 ? (years - 1) / 4 - (years - 1) / 100 + (years - 1) / 400 + 1 : 0
        let days = years * 365 + leapDays + cumulative[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1
        return Double(((days * 24 + hour) * 60 + minute) * 60 + second) + fraction
    }

    /// GitHub raw logs start each line with `2024-05-01T12:34:56.1234567Z `.
    private static func dropTimestamp(_ text: Substring) -> Substring {
        let bytes = Array(text.utf8.prefix(40))
        guard bytes.count > 20, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            let zulu = bytes.firstIndex(of: UInt8(ascii: "Z")), zulu + 1 < bytes.count, bytes[zulu + 1] == UInt8(ascii: " ")
        else { return text }
        return text.dropFirst(zulu + 2)
    }

    /// The BuildKit progress step a plain-progress line belongs to: `#12` in `#12 ERROR: …`.
    static func progressStep(of text: String) -> Substring? {
        guard text.hasPrefix("#") else { return nil }
        let number = text.dropFirst().prefix { $0.isNumber }
        return number.isEmpty ? nil : number
    }
}
