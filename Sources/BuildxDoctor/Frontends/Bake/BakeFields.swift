import BuildxModel

/// Reads a block's attributes and a target's overrides into the fields of `ResolvedBakeTarget`, with
/// buildx's types and merge rules (`bake/bake.go` `Target`, `Target.Merge`, `Target.AddOverrides`).
enum BakeFields {
    /// Attributes holding one string.
    private static let scalars: Set<String> = ["context", "dockerfile", "target"]
    /// Attributes holding a list, under the names the resolved target keeps.
    private static let lists: Set<String> = ["tags", "platforms", "cache-from", "cache-to", "output", "attest"]
    /// Every key `--set` accepts (`AddOverrides`); the others are `unknown key`.
    private static let overrideKeys: Set<String> = [
        "context", "dockerfile", "args", "contexts", "labels", "tags", "policy", "cache-from", "cache-to", "target", "call", "secrets",
        "ssh", "platform", "output", "entitlements", "annotations", "attest", "no-cache", "no-cache-filter", "shm-size", "ulimits",
        "network", "pull", "push", "load", "extra-hosts",
    ]

    /// The names a `targets` or `inherits` list holds, each with its span; unknown items are left out.
    static func names(_ value: BakeValue?) -> [WrittenText] {
        switch value {
        case .list(let items, _)?:
            return items.compactMap { item in
                guard case .string(let string) = item, string.isKnown else { return nil }
                return WrittenText(text: string.text, span: string.span)
            }
        case .string(let string)? where string.isKnown:
            return [WrittenText(text: string.text, span: string.span)]
        default:
            return []
        }
    }

    /// Merges one block's attributes into `target`, as buildx merges a later block of the same name.
    static func apply(_ block: BakeBlock, to target: inout ResolvedBakeTarget, problems: inout [BakeProblem]) {
        var own = ResolvedBakeTarget(name: target.name, nameSpan: target.nameSpan)
        for attribute in block.attributes {
            let name = attribute.name
            if scalars.contains(name) {
                guard let string = scalar(attribute.value) else { continue }
                switch name {
                case "context": own.context = string
                case "dockerfile": own.dockerfile = string
                default: own.target = string
                }
            } else if lists.contains(name) {
                guard let list = list(attribute, problems: &problems) else { continue }
                switch name {
                case "tags": own.tags = list
                case "platforms": own.platforms = list
                case "cache-from": own.cacheFrom = list
                case "cache-to": own.cacheTo = list
                case "output": own.outputs = list
                default: own.attest = list
                }
            } else if name == "args" {
                guard case .object(let entries, _) = attribute.value else { continue }
                for (key, value) in entries {
                    // A null argument is left out (`Target.Merge` skips nil values).
                    guard let string = scalar(value) else { continue }
                    own.setArg(key, string)
                }
            }
        }
        target.merge(own)
    }

    /// A string attribute as a string: numbers and booleans as their text, null as absent.
    private static func scalar(_ value: BakeValue) -> BakeString? {
        switch value {
        case .string(let string): return string
        case .bool(let flag, let span): return BakeString(text: flag ? "true" : "false", span: span, isVerbatim: true)
        case .number(let text, let span): return BakeString(text: text, span: span, isVerbatim: true)
        case .unknown(let text, let span): return unknownString(text, span)
        case .null, .list, .object: return nil
        }
    }

    /// A value only the run decides, as a string of placeholders.
    static func unknownString(_ description: String, _ span: Span) -> BakeString {
        let placeholder = String(repeating: "x", count: max(1, description.utf8.count))
        return BakeString(text: placeholder, unknownParts: [0..<placeholder.utf8.count], span: span, isVerbatim: false)
    }

    /// A list attribute's items; a cache object (`{ type = "gha", scope = "x" }`) becomes the CSV text buildx
    /// makes of it. A value of the wrong type is bake's error ("list of string required").
    private static func list(_ attribute: BakeAttribute, problems: inout [BakeProblem]) -> BakeList? {
        switch attribute.value {
        case .null: return nil
        case .unknown(let text, let span): return BakeList(items: [unknownString(text, span)], span: span)
        case .list(let items, let span):
            let strings = items.compactMap { item -> BakeString? in
                switch item {
                case .object(let entries, let span):
                    let text = entries.map { "\($0.key)=\(scalar($0.value)?.text ?? "")" }.joined(separator: ",")
                    let unknown = entries.contains { scalar($0.value)?.isKnown != true }
                    return BakeString(text: text, unknownParts: unknown ? [0..<text.utf8.count] : [], span: span, isVerbatim: false)
                default:
                    return scalar(item)
                }
            }
            // Empty items are dropped (`removeDupesStr`, `ParseCacheEntry` skip them).
            return BakeList(items: strings.filter { !$0.text.isEmpty }, span: span)
        case .string(let string) where attribute.name == "output" || attribute.name == "attest":
            return BakeList(items: [string], span: string.span)
        default:
            problems.append(
                BakeProblem(message: "Inappropriate value for attribute \"\(attribute.name)\": list of string required.", span: attribute.value.span))
            return nil
        }
    }

    /// Applies the overrides of one key to a target, as `AddOverrides` does: the values of every `--set`
    /// of the key together (`newOverrides` collects them), appended with `+=`, replacing otherwise.
    static func apply(key: String, _ overrides: [(override: BakeOverride, parsed: BakeOverride.Parsed)], to target: inout ResolvedBakeTarget,
                      problems: inout [BakeProblem])
    {
        guard let last = overrides.last else { return }
        let head = key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? key
        guard overrideKeys.contains(head) else {
            problems.append(BakeProblem(message: "unknown key: \(head)", span: last.override.span))
            return
        }
        let values = overrides.compactMap(\.parsed.value)
        let appends = last.parsed.appends
        func list() -> BakeList {
            BakeList(items: values.filter { !$0.text.isEmpty }, span: values.first?.span ?? last.override.span)
        }
        func replaced(_ old: BakeList?, deduplicated: Bool) -> BakeList {
            guard appends else { return list() }
            if deduplicated { return ResolvedBakeTarget.appended(old, list()) ?? list() }
            guard var result = old else { return list() }
            result.items += list().items
            return result
        }
        let value = last.parsed.value
        switch head {
        case "context": target.context = value
        case "dockerfile": target.dockerfile = value
        case "target": target.target = value
        case "args":
            guard key.contains(".") else {
                problems.append(BakeProblem(message: "invalid key \(key), args requires name", span: last.override.span))
                return
            }
            if let value { target.setArg(String(key.dropFirst("args.".count)), value) }
        case "tags": target.tags = replaced(target.tags, deduplicated: false)
        case "platform": target.platforms = replaced(target.platforms, deduplicated: false)
        case "cache-from": target.cacheFrom = replaced(target.cacheFrom, deduplicated: true)
        case "cache-to": target.cacheTo = replaced(target.cacheTo, deduplicated: true)
        case "output": target.outputs = replaced(target.outputs, deduplicated: true)
        case "attest": target.attest = ResolvedBakeTarget.appended(target.attest, list())
        case "push", "load", "pull", "no-cache":
            guard let value else { return }
            guard let flag = value.isKnown ? GoBool.parse(value.text) : nil else {
                if value.isKnown { problems.append(BakeProblem(message: "invalid value \(value.text) for boolean key \(head)", span: value.span)) }
                let written = WrittenFlag(value: .unknown("an expression"), span: last.override.span)
                if head == "push" { target.push = written }
                if head == "load" { target.load = written }
                return
            }
            let written = WrittenFlag(value: .known(flag), span: last.override.span)
            if head == "push" {
                target.push = written
                target.outputs = pushOverride(target.outputs, push: flag, span: last.override.span)
            } else if head == "load" {
                target.load = written
                target.outputs = loadOverride(target.outputs, load: flag, span: last.override.span)
            }
        default:
            return
        }
    }

    /// `setPushOverride`: with `push=true`, image outputs get `push=true`, and when every output is a
    /// `docker` one (or there is none) an image output that pushes is added; with `false`, registry outputs
    /// go and image outputs get `push=false`.
    private static func pushOverride(_ outputs: BakeList?, push: Bool, span: Span) -> BakeList? {
        var items = outputs?.items ?? []
        if !push {
            items = items.compactMap { item in
                switch OutputSpec(parsing: item.text)?.type {
                case "registry": return nil
                case "image": return BakeString(text: item.text + ",push=false", span: item.span, isVerbatim: false)
                default: return item
                }
            }
            return outputs.map { BakeList(items: items, span: $0.span) }
        }
        var addsOutput = true
        items = items.map { item in
            let type = OutputSpec(parsing: item.text)?.type
            if type != "docker" { addsOutput = false }
            guard type == "image", item.isKnown, OutputSpec(parsing: item.text)?.attributes["push"] != "true" else { return item }
            return BakeString(text: item.text + ",push=true", span: item.span, isVerbatim: false)
        }
        if addsOutput { items.append(BakeString(text: "type=image,push=true", span: span, isVerbatim: false)) }
        return BakeList(items: items, span: outputs?.span ?? span)
    }

    /// `setLoadOverride`: a `docker` output is added unless one without `dest` is there, or an output
    /// other than image, registry or oci is.
    private static func loadOverride(_ outputs: BakeList?, load: Bool, span: Span) -> BakeList? {
        guard load else { return outputs }
        for item in outputs?.items ?? [] {
            guard let spec = OutputSpec(parsing: item.text) else { return outputs }
            switch spec.type {
            case "docker" where spec.attributes["dest"] == nil: return outputs
            case "docker", "image", "registry", "oci": continue
            default: return outputs
            }
        }
        let items = (outputs?.items ?? []) + [BakeString(text: "type=docker", span: span, isVerbatim: false)]
        return BakeList(items: items, span: outputs?.span ?? span)
    }
}
