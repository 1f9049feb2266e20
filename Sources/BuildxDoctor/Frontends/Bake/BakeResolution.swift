/// One `--set` override (a `set:` line of docker/bake-action, a `--set` flag, or what `--push`, `--load`,
/// `--provenance` and `--sbom` stand for), as bake receives it: `pattern.key=value` or `pattern.key+=value`.
public struct BakeOverride: Sendable {
    /// The override as bake receives it (`text`, with expressions as placeholders at `unknownParts`), and
    /// where it is written: the `set:` line, the `--set` word, the `--push` flag.
    public let written: BakeString

    public init(text: String, unknownParts: [Range<Int>] = [], span: Span, isVerbatim: Bool) {
        written = BakeString(text: text, unknownParts: unknownParts, span: span, isVerbatim: isVerbatim)
    }

    public var text: String { written.text }
    var unknownParts: [Range<Int>] { written.unknownParts }
    public var span: Span { written.span }
    var isVerbatim: Bool { written.isVerbatim }

    /// The pattern, key and value as buildx splits them (`bake/bake.go` `newOverrides`): the text up to the
    /// first `=` is the key, a trailing `+` on it appends, and the key's first dot-separated part is a
    /// target name or pattern. `nil` parts: the override has no `=`.
    struct Parsed {
        let pattern: String
        /// The key after the pattern: `cache-to`, `args.VERSION`.
        let key: String
        let appends: Bool
        let value: BakeString?
        /// Whether an unknown part stands in the pattern or the key.
        let keyIsUnknown: Bool
    }

    func parsed() -> Parsed? {
        let bytes = Array(text.utf8)
        let equals = bytes.firstIndex(of: UInt8(ascii: "="))
        var keyBytes = bytes[..<(equals ?? bytes.count)]
        let appends = keyBytes.last == UInt8(ascii: "+")
        if appends { keyBytes = keyBytes.dropLast() }
        let keyText = String(decoding: keyBytes, as: UTF8.self)
        guard let dot = keyText.firstIndex(of: ".") else { return nil }
        let masked = MaskedText(text: text, unknown: unknownParts)
        let value = equals.map { equals -> BakeString in
            let start = equals + 1
            let valueText = String(decoding: bytes[start...], as: UTF8.self)
            let unknown = unknownParts.compactMap { part -> Range<Int>? in
                let lower = max(part.lowerBound, start)
                let upper = min(part.upperBound, bytes.count)
                return lower < upper ? (lower - start)..<(upper - start) : nil
            }
            return BakeString(text: valueText, unknownParts: unknown, span: valueSpan(from: start), isVerbatim: isVerbatim)
        }
        return Parsed(
            pattern: String(keyText[..<dot]), key: String(keyText[keyText.index(after: dot)...]), appends: appends, value: value,
            keyIsUnknown: masked.isUnknown(0..<keyBytes.count))
    }

    /// The span of the text from byte `start` on, when the override is written byte for byte on one line.
    private func valueSpan(from start: Int) -> Span {
        guard isVerbatim, span.start.line == span.end.line, span.end.offset - span.start.offset == text.utf8.count else { return span }
        let prefix = Array(text.utf8)[..<start]
        let columns = prefix.reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return Span(
            path: span.path,
            start: Location(line: span.start.line, column: span.start.column + columns, offset: span.start.offset + start),
            end: span.end)
    }
}

/// A list value of a resolved target (`cache-to`, `platforms`, `tags`, `output`), each item with where it
/// is written.
public struct BakeList: Sendable {
    public var items: [BakeString]
    /// The attribute's value (or the first override) that set the list.
    public var span: Span

    public init(items: [BakeString], span: Span) {
        self.items = items
        self.span = span
    }
}

/// A target after bake's semantics: `inherits` merged, overrides applied. Every value keeps the span of
/// the text it came from (an HCL/JSON/compose value or a `--set` line), so that findings point there.
public struct ResolvedBakeTarget: Sendable {
    public let name: String
    /// The target block's label (the first block of that name).
    public let nameSpan: Span
    public internal(set) var context: BakeString?
    public internal(set) var dockerfile: BakeString?
    public internal(set) var target: BakeString?
    /// Build arguments, one per name (a later value replaces an earlier one), in the order first set.
    public internal(set) var args: [(key: String, value: BakeString)] = []
    public internal(set) var tags: BakeList?
    public internal(set) var platforms: BakeList?
    public internal(set) var cacheFrom: BakeList?
    public internal(set) var cacheTo: BakeList?
    public internal(set) var outputs: BakeList?
    public internal(set) var attest: BakeList?
    /// `push`/`load` asked for by an override (`--push`, `--load`, `*.push=true`), with where.
    public internal(set) var push: WrittenFlag?
    public internal(set) var load: WrittenFlag?
    /// An override whose key or pattern only the run decides: any value of the target may be replaced.
    public internal(set) var mayBeOverridden = false

    init(name: String, nameSpan: Span) {
        self.name = name
        self.nameSpan = nameSpan
    }

    /// Every value's span: where a finding about this target can point.
    public var valueSpans: [Span] {
        var spans = [context, dockerfile, target].compactMap { $0?.span } + args.map(\.value.span)
        for list in [tags, platforms, cacheFrom, cacheTo, outputs, attest] {
            if let list { spans += [list.span] + list.items.map(\.span) }
        }
        return spans + [push?.span, load?.span].compactMap { $0 }
    }
}

/// The targets one bake run builds, and what bake would refuse.
public struct BakeResolution: Sendable {
    /// The targets in the order buildx prints them (sorted by name).
    public let targets: [ResolvedBakeTarget]
    /// Errors bake stops with (an unknown target, a bad override) and problems of the definitions.
    public let problems: [BakeProblem]
    /// Whether bake stops before building anything: then `targets` is empty.
    public var fails: Bool { targets.isEmpty && !problems.isEmpty }
}

/// Applies bake's semantics to the blocks of one or more files, as buildx does in `bake/bake.go`
/// (`ReadTargets`, `ParseFiles`, `mergeConfig`, `ResolveGroup`, `ResolveTarget`, `Target.Merge`,
/// `newOverrides`, `AddOverrides`): later files override earlier ones and same-named targets merge;
/// groups expand recursively (a group named like a target wins); a target merges its `inherits` parents
/// in order, then its own attributes, then the overrides named for it; overrides apply at every level
/// of the chain, so `--set base.cache-to=…` reaches every target that inherits `base`.
public enum BakeResolver {
    /// Nesting deeper than this (groups in groups, inherits chains) is reported, not followed.
    static let maximumDepth = 64

    /// The targets `requested` (none: the `default` group) resolve to, with `overrides` applied.
    /// `requested` names as written, each with its span (where a "not found" problem points).
    /// `sources` are the files the documents were read from, where the labels of matrix targets renamed
    /// by `name` are found (bake adds a group of that label holding the renamed targets).
    public static func resolve(
        _ documents: [BakeDocument], requested: [WrittenText], overrides: [BakeOverride], sources: [SourceFile] = []
    ) -> BakeResolution {
        // What the reader met: the first problem of each file (bake stops there; later ones are often its
        // consequences, a syntax error's especially).
        var problems: [BakeProblem] = []
        for document in documents {
            if let first = document.problems.min(by: { $0.span.start.offset < $1.span.start.offset }) { problems.append(first) }
        }
        // buildx parses every file before it resolves anything: a file it cannot read stops it there.
        guard problems.isEmpty else { return BakeResolution(targets: [], problems: problems) }
        var merged = Merged(documents, problems: &problems)
        merged.addRenamedGroups(documents, sources: sources)
        let names = requested.isEmpty ? [WrittenText(text: "default", span: merged.anySpan ?? overrides.first?.span ?? Span.none)] : requested
        // Target names on the command line may use compose service names with dots (`sanitizeTargetName`).
        var selected: [String] = []
        for name in names {
            let sanitized = name.text.replacingOccurrences(of: ".", with: "_")
            guard sanitized.contains(where: { "*?[]".contains($0) }) else {
                selected.append(sanitized)
                continue
            }
            let glob = try? Glob(sanitized)
            let matches = (merged.groupOrder + merged.targetOrder).filter { glob?.matches($0) == true }
            if matches.isEmpty { problems.append(BakeProblem(message: "could not find any target matching \"\(sanitized)\"", span: name.span)) }
            selected += matches
        }
        var parsedOverrides: [String: [(key: String, override: BakeOverride, parsed: BakeOverride.Parsed)]] = [:]
        var uncertain: [BakeOverride] = []
        for override in overrides {
            guard let parsed = override.parsed() else {
                if !override.unknownParts.isEmpty {
                    uncertain.append(override)
                } else {
                    problems.append(
                        BakeProblem(
                            message: "invalid override key \(override.text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""), expected target.name",
                            span: override.span))
                }
                continue
            }
            if parsed.keyIsUnknown {
                uncertain.append(override)
                continue
            }
            if parsed.value == nil, !parsed.key.hasPrefix("args") {
                problems.append(BakeProblem(message: "invalid override \(override.text), expected target.name=value", span: override.span))
                continue
            }
            let targets: [String]
            if merged.blocks[parsed.pattern] != nil {
                targets = [parsed.pattern]
            } else {
                let glob = try? Glob(parsed.pattern)
                targets = merged.targetOrder.filter { glob?.matches($0) == true }
                if targets.isEmpty {
                    problems.append(BakeProblem(message: "could not find any target matching '\(parsed.pattern)'", span: override.span))
                    continue
                }
            }
            for target in targets { parsedOverrides[target, default: []].append((parsed.key, override, parsed)) }
        }
        var resolved: [String: ResolvedBakeTarget] = [:]
        var failed = false
        for name in selected {
            for targetName in merged.expand(name) where resolved[targetName] == nil {
                var visiting: [String] = []
                var memo: [String: ResolvedBakeTarget] = [:]
                switch merged.resolve(targetName, overrides: parsedOverrides, visiting: &visiting, memo: &memo, problems: &problems, depth: 0) {
                case .some(var target):
                    if !uncertain.isEmpty { target.mayBeOverridden = true }
                    resolved[targetName] = target
                case nil:
                    failed = true
                    let span = names.first { $0.text.replacingOccurrences(of: ".", with: "_") == name }?.span ?? names[0].span
                    problems.append(BakeProblem(message: "failed to find target \(targetName)", span: span))
                }
            }
        }
        var unique: [BakeProblem] = []
        for problem in problems where !unique.contains(problem) { unique.append(problem) }
        if failed || unique.contains(where: \.stopsBake) { return BakeResolution(targets: [], problems: unique) }
        return BakeResolution(targets: resolved.values.sorted { $0.name < $1.name }, problems: unique)
    }
}

extension BakeProblem {
    /// Problems that are only notes (an inherits cycle buildx silently cuts) do not stop bake.
    var stopsBake: Bool { !message.hasPrefix("inherits cycle") }
}

extension Span {
    /// An empty span, for a problem nothing in any file stands for.
    static let none = Span(path: "", start: Location(line: 1, column: 1, offset: 0), end: Location(line: 1, column: 1, offset: 0))
}

/// The blocks of every file, merged by name (later files and later blocks over earlier ones).
private struct Merged {
    /// Every block of a target name, in file order: merging them in order gives the target's own attributes.
    var blocks: [String: [BakeBlock]] = [:]
    var targetOrder: [String] = []
    /// Each group's members, in order, without duplicates (buildx `mergeConfig` appends new members).
    var groups: [String: [String]] = [:]
    var groupOrder: [String] = []
    var anySpan: Span?

    init(_ documents: [BakeDocument], problems: inout [BakeProblem]) {
        for document in documents {
            for block in document.targets {
                anySpan = anySpan ?? block.nameSpan
                if !BakeNames.isValid(block.name) {
                    problems.append(BakeProblem(message: "invalid target name \"\(block.name)\": only \"[a-zA-Z0-9_-]+\" are allowed", span: block.nameSpan))
                }
                if blocks[block.name] == nil { targetOrder.append(block.name) }
                blocks[block.name, default: []].append(block)
            }
            for group in document.groups {
                anySpan = anySpan ?? group.nameSpan
                if groups[group.name] == nil { groupOrder.append(group.name) }
                var members = groups[group.name] ?? []
                for name in BakeFields.names(group.attribute("targets")?.value) where !members.contains(name.text) {
                    members.append(name.text)
                }
                groups[group.name] = members
            }
        }
    }

    /// A matrix target's `name` renames it; buildx then adds a group named by the block's label that holds
    /// every name it took (`bake/bake.go` `ParseFiles`, `res.Renamed`). The label is read back from the HCL
    /// text before the `name` value: the reader keeps only the evaluated name.
    mutating func addRenamedGroups(_ documents: [BakeDocument], sources: [SourceFile]) {
        let files = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var renamed: [(label: String, names: [String])] = []
        for block in documents.flatMap(\.targets) {
            guard let file = files[block.nameSpan.path], file.path.lowercased().hasSuffix(".hcl"),
                let label = Self.matrixLabel(before: block.nameSpan, in: file), label != block.name
            else { continue }
            if let index = renamed.firstIndex(where: { $0.label == label }) {
                if !renamed[index].names.contains(block.name) { renamed[index].names.append(block.name) }
            } else {
                renamed.append((label, [block.name]))
            }
        }
        for (label, names) in renamed where blocks[label] == nil {
            if groups[label] == nil { groupOrder.append(label) }
            groups[label, default: []] += names.filter { !(groups[label] ?? []).contains($0) }
        }
    }

    /// The label of the `target "label" {` block that holds the text at `span`, when `span` is not the label
    /// itself (then it is a `name` attribute's value).
    private static func matrixLabel(before span: Span, in file: SourceFile) -> String? {
        let bytes = file.bytes
        guard span.start.offset <= bytes.count, span.start.offset > 0, bytes[span.start.offset - 1] != UInt8(ascii: "\"") || span.start.line != span.end.line
        else { return nil }
        let keyword = Array("target".utf8)
        var index = span.start.offset - keyword.count
        while index >= 0 {
            let atLineStart = index == 0 || bytes[index - 1] == UInt8(ascii: "\n") || bytes[index - 1] == UInt8(ascii: " ") || bytes[index - 1] == UInt8(ascii: "\t")
            if atLineStart, Array(bytes[index..<(index + keyword.count)]) == keyword {
                var cursor = index + keyword.count
                while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
                // `target = …` inside a block is an attribute, not the block: keep looking.
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\""),
                    let end = bytes[(cursor + 1)...].firstIndex(of: UInt8(ascii: "\""))
                {
                    return String(decoding: bytes[(cursor + 1)..<end], as: UTF8.self)
                }
            }
            index -= 1
        }
        return nil
    }

    /// The targets a name stands for: a group's members, recursively (a group wins over a target of the
    /// same name, as in buildx `Config.group`); a cycle of groups stops where it closes.
    func expand(_ name: String) -> [String] {
        var result: [String] = []
        var visited: Set<String> = []
        func visit(_ name: String, depth: Int) {
            guard let members = groups[name] else {
                if !result.contains(name) { result.append(name) }
                return
            }
            guard depth < BakeResolver.maximumDepth, visited.insert(name).inserted else { return }
            for member in members { visit(member, depth: depth + 1) }
        }
        visit(name, depth: 0)
        return result
    }

    /// One target with its parents merged and its overrides applied; `nil` when no target has that name.
    func resolve(
        _ name: String, overrides: [String: [(key: String, override: BakeOverride, parsed: BakeOverride.Parsed)]], visiting: inout [String],
        memo: inout [String: ResolvedBakeTarget], problems: inout [BakeProblem], depth: Int
    ) -> ResolvedBakeTarget? {
        // A parent met again through another child is resolved once (buildx keeps `visited` per target it
        // resolves): diamonds of inherits would otherwise cost time exponential in their depth.
        if let known = memo[name] { return known }
        guard let own = blocks[name], let first = own.first else { return nil }
        var result = ResolvedBakeTarget(name: name, nameSpan: first.nameSpan)
        visiting.append(name)
        defer { visiting.removeLast() }
        let parents = own.flatMap { BakeFields.names($0.attribute("inherits")?.value) }
        for parent in parents {
            if let index = visiting.firstIndex(of: parent.text) {
                // buildx `Config.target` marks a target visited before merging its parents and returns
                // nothing for one met again: the inherit that closes a cycle is dropped without an error.
                let members = (visiting[index...] + [parent.text]).map { "`\($0)`" }.joined(separator: " → ")
                problems.append(
                    BakeProblem(message: "inherits cycle \(members): bake ignores the inherit that closes it", span: parent.span))
                continue
            }
            guard depth < BakeResolver.maximumDepth else {
                problems.append(BakeProblem(message: "inherits nested deeper than \(BakeResolver.maximumDepth) targets", span: parent.span))
                continue
            }
            guard let resolvedParent = resolve(parent.text, overrides: overrides, visiting: &visiting, memo: &memo, problems: &problems, depth: depth + 1)
            else {
                problems.append(BakeProblem(message: "failed to find target \(parent.text)", span: parent.span))
                continue
            }
            result.merge(resolvedParent)
        }
        for block in own { BakeFields.apply(block, to: &result, problems: &problems) }
        var grouped: [(key: String, entries: [(override: BakeOverride, parsed: BakeOverride.Parsed)])] = []
        for (key, override, parsed) in overrides[name] ?? [] {
            if let index = grouped.firstIndex(where: { $0.key == key }) {
                grouped[index].entries.append((override, parsed))
            } else {
                grouped.append((key, [(override, parsed)]))
            }
        }
        for group in grouped { BakeFields.apply(key: group.key, group.entries, to: &result, problems: &problems) }
        memo[name] = result
        return result
    }
}

/// Target names bake accepts (`bake/bake.go` `validTargetNameChars`).
enum BakeNames {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
        }
    }
}

extension ResolvedBakeTarget {
    /// `Target.Merge` in buildx: scalars and most lists are replaced by the later value; `cache-from`
    /// and `attest` are appended to; `args` merge name by name.
    mutating func merge(_ other: ResolvedBakeTarget) {
        context = other.context ?? context
        dockerfile = other.dockerfile ?? dockerfile
        target = other.target ?? target
        for (key, value) in other.args { setArg(key, value) }
        tags = other.tags ?? tags
        platforms = other.platforms ?? platforms
        cacheFrom = Self.appended(cacheFrom, other.cacheFrom)
        cacheTo = other.cacheTo ?? cacheTo
        outputs = other.outputs ?? outputs
        attest = Self.appended(attest, other.attest)
        push = other.push ?? push
        load = other.load ?? load
        mayBeOverridden = mayBeOverridden || other.mayBeOverridden
    }

    mutating func setArg(_ key: String, _ value: BakeString) {
        if let index = args.firstIndex(where: { $0.key == key }) {
            args[index].value = value
        } else {
            args.append((key, value))
        }
    }

    /// `CacheOptions.Merge`: the later list after the earlier, an entry already there not repeated.
    static func appended(_ first: BakeList?, _ second: BakeList?) -> BakeList? {
        guard let second else { return first }
        guard var result = first else { return second }
        for item in second.items where !result.items.contains(where: { $0.text == item.text }) { result.items.append(item) }
        return result
    }
}
