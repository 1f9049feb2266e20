/// Reads a Compose file into bake's blocks, as buildx maps it (`bake/compose.go` `ParseCompose`): each
/// service with a `build` section is a target named after the service (dots become underscores), and a
/// `default` group holds them all. `build` as a string is the context; as a mapping, `context`,
/// `dockerfile`, `target`, `args`, `tags`, `platforms`, `cache_from` and `cache_to` are read, and the
/// `x-bake` extension adds `tags`, `platforms`, `cache-from`, `cache-to` and `output` (each a list, or one
/// string split at white space). Without tags, the service's `image` is the tag.
///
/// Compose interpolates `${VAR}`, `${VAR:-default}` and `$VAR` from the environment
/// (https://docs.docker.com/reference/compose-file/interpolation/); a variable the environment does not
/// give is unknown, never its default, since the run's environment may set it.
enum ComposeReader {
    /// Whether a YAML document is a Compose file bake would build: a `services` mapping with a service
    /// that has a `build` section.
    static func isCompose(_ root: YAMLNode?) -> Bool {
        guard let services = root?.mapping?["services"]?.mapping else { return false }
        return services.entries.contains { $0.value.mapping?["build"] != nil }
    }

    static func read(_ file: SourceFile, root: YAMLNode?, environment: BakeEnvironment) -> BakeDocument {
        guard let services = root?.mapping?.entry("services"), let mapping = services.value.mapping else {
            return BakeDocument(path: file.path)
        }
        let reader = Reader(file: file, environment: environment)
        var targets: [BakeBlock] = []
        for service in mapping.entries {
            guard let body = service.value.mapping, let build = body["build"] else { continue }
            let name = service.key.value.replacingOccurrences(of: ".", with: "_")
            targets.append(BakeBlock(name: name, nameSpan: service.key.valueSpan(in: file), attributes: reader.attributes(build: build, service: body)))
        }
        let key = services.key.valueSpan(in: file)
        let members = targets.map { BakeValue.string(BakeString(text: $0.name, span: $0.nameSpan, isVerbatim: false)) }
        let group = BakeBlock(name: "default", nameSpan: key, attributes: [BakeAttribute(name: "targets", nameSpan: key, value: .list(members, key))])
        return BakeDocument(path: file.path, targets: targets, groups: targets.isEmpty ? [] : [group])
    }

    private struct Reader {
        let file: SourceFile
        let environment: BakeEnvironment

        func attributes(build: YAMLNode, service: YAMLMapping) -> [BakeAttribute] {
            var attributes: [BakeAttribute] = []
            guard let mapping = build.mapping else {
                if let scalar = build.scalar, !scalar.isNull { attributes.append(attribute("context", .string(string(scalar)), scalar)) }
                return attributes + imageTag(service, tags: nil)
            }
            for (composeKey, bakeKey) in [("context", "context"), ("dockerfile", "dockerfile"), ("target", "target")] {
                if let scalar = mapping[composeKey]?.scalar, !scalar.isNull {
                    attributes.append(attribute(bakeKey, .string(string(scalar)), scalar))
                }
            }
            if let args = mapping.entry("args") { attributes.append(self.args(args)) }
            let extensions = mapping["x-bake"]?.mapping
            var tags: BakeValue?
            for (composeKey, extensionKey, bakeKey) in [
                ("tags", "tags", "tags"), ("platforms", "platforms", "platforms"), ("cache_from", "cache-from", "cache-from"),
                ("cache_to", "cache-to", "cache-to"), (nil, "output", "output"),
            ] {
                let own = composeKey.flatMap { mapping.entry($0) }
                let extra = extensions?.entry(extensionKey)
                guard own != nil || extra != nil else { continue }
                var items: [BakeValue] = []
                if let own { items += list(own.value, splittingWords: false) }
                // x-bake values are added after the service's own, a value already there not repeated.
                if let extra {
                    for item in list(extra.value, splittingWords: true) {
                        guard case .string(let new) = item else {
                            items.append(item)
                            continue
                        }
                        let present = items.contains { if case .string(let old) = $0 { old.text == new.text } else { false } }
                        if !present { items.append(item) }
                    }
                }
                let key = (own ?? extra)!.key
                let value = BakeValue.list(items, (own ?? extra)!.value.start == key.start ? key.valueSpan(in: file) : span(of: (own ?? extra)!.value, key: key))
                if bakeKey == "tags" { tags = value }
                attributes.append(BakeAttribute(name: bakeKey, nameSpan: key.valueSpan(in: file), value: value))
            }
            return attributes + imageTag(service, tags: tags)
        }

        /// `image` is the tag when the build has none.
        private func imageTag(_ service: YAMLMapping, tags: BakeValue?) -> [BakeAttribute] {
            if case .list(let items, _)? = tags, !items.isEmpty { return [] }
            guard let image = service["image"]?.scalar, !image.isNull else { return [] }
            let value = BakeValue.string(string(image))
            return [BakeAttribute(name: "tags", nameSpan: image.valueSpan(in: file), value: .list([value], value.span))]
        }

        /// `args` as a mapping or as a list of `NAME=value`; a name without a value takes it from the
        /// environment, which is not known here, so it is left out.
        private func args(_ entry: YAMLMapping.Entry) -> BakeAttribute {
            var pairs: [(key: String, value: BakeValue)] = []
            if let mapping = entry.value.mapping {
                for item in mapping.entries {
                    guard let scalar = item.value.scalar, !scalar.isNull else { continue }
                    pairs.append((item.key.value, .string(string(scalar))))
                }
            } else if let sequence = entry.value.sequence {
                for item in sequence.items {
                    guard let scalar = item.scalar else { continue }
                    let whole = string(scalar)
                    guard let equals = whole.text.firstIndex(of: "=") else { continue }
                    let offset = whole.text[..<equals].utf8.count + 1
                    pairs.append((String(whole.text[..<equals]), .string(suffix(of: whole, from: offset))))
                }
            }
            let span = entry.key.valueSpan(in: file)
            return BakeAttribute(name: "args", nameSpan: span, value: .object(pairs, span))
        }

        /// A list field: a sequence, or a single string (which x-bake splits at white space).
        private func list(_ node: YAMLNode, splittingWords: Bool) -> [BakeValue] {
            switch node {
            case .sequence(let sequence):
                return sequence.items.compactMap { item in
                    guard let scalar = item.scalar, !scalar.isNull else { return nil }
                    return .string(string(scalar))
                }
            case .scalar(let scalar) where !scalar.isNull:
                let whole = string(scalar)
                guard splittingWords else { return [.string(whole)] }
                var result: [BakeValue] = []
                var start: Int?
                let bytes = Array(whole.text.utf8)
                for index in 0...bytes.count {
                    let isSpace = index == bytes.count || bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")
                        || bytes[index] == UInt8(ascii: "\n")
                    if isSpace, let first = start {
                        result.append(.string(slice(of: whole, first..<index)))
                        start = nil
                    } else if !isSpace, start == nil {
                        start = index
                    }
                }
                return result
            default:
                return []
            }
        }

        private func span(of node: YAMLNode, key: YAMLScalar) -> Span {
            switch node {
            case .scalar(let scalar): scalar.valueSpan(in: file)
            default: file.span(node.start.offset..<node.start.offset)
            }
        }

        private func attribute(_ name: String, _ value: BakeValue, _ scalar: YAMLScalar) -> BakeAttribute {
            BakeAttribute(name: name, nameSpan: value.span, value: value)
        }

        /// A scalar's value after interpolation, with its span.
        func string(_ scalar: YAMLScalar) -> BakeString {
            // The value's own bytes, without quotes (`valueSpan` is the whole token).
            let span = scalar.span(ofValue: 0..<scalar.value.utf8.count, in: file)
            let interpolated = ComposeInterpolation.interpolate(scalar.value, environment: environment)
            let sameBytes = span.end.offset <= file.bytes.count && span.byteRange.count == scalar.value.utf8.count
                && file.bytes[span.byteRange].elementsEqual(scalar.value.utf8)
            return BakeString(
                text: interpolated.text, unknownParts: interpolated.unknown, span: span, isVerbatim: sameBytes && !interpolated.changed)
        }

        /// The part of a string from byte `offset`, with its own span when the string is verbatim.
        private func suffix(of string: BakeString, from offset: Int) -> BakeString {
            slice(of: string, offset..<string.text.utf8.count)
        }

        private func slice(of string: BakeString, _ range: Range<Int>) -> BakeString {
            let bytes = Array(string.text.utf8)
            let text = String(decoding: bytes[range], as: UTF8.self)
            let unknown = string.unknownParts.compactMap { part -> Range<Int>? in
                let lower = max(part.lowerBound, range.lowerBound)
                let upper = min(part.upperBound, range.upperBound)
                return lower < upper ? (lower - range.lowerBound)..<(upper - range.lowerBound) : nil
            }
            guard string.isVerbatim, string.span.start.line == string.span.end.line else {
                return BakeString(text: text, unknownParts: unknown, span: string.span, isVerbatim: false)
            }
            let span = file.span((string.span.start.offset + range.lowerBound)..<(string.span.start.offset + range.upperBound))
            return BakeString(text: text, unknownParts: unknown, span: span, isVerbatim: true)
        }
    }
}

/// Compose's variable interpolation (https://docs.docker.com/reference/compose-file/interpolation/).
enum ComposeInterpolation {
    /// The text with every variable the environment gives replaced by its value and every other one by
    /// placeholders of the same length (marked unknown); `$$` is a `$`.
    static func interpolate(_ text: String, environment: BakeEnvironment) -> (text: String, unknown: [Range<Int>], changed: Bool) {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "$")) else { return (text, [], false) }
        var output: [UInt8] = []
        var unknown: [Range<Int>] = []
        var index = 0
        func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_") || (!first && byte >= 0x30 && byte <= 0x39)
        }
        func placeholder(_ count: Int) {
            let start = output.count
            output += Array(repeating: UInt8(ascii: "x"), count: max(1, count))
            unknown.append(start..<output.count)
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "$") {
                output.append(next)
                index += 2
            } else if next == UInt8(ascii: "{") {
                var depth = 1
                var end = index + 2
                while end < bytes.count, depth > 0 {
                    if bytes[end] == UInt8(ascii: "{") { depth += 1 }
                    if bytes[end] == UInt8(ascii: "}") { depth -= 1 }
                    end += 1
                }
                let inner = bytes[(index + 2)..<max(index + 2, end - (depth == 0 ? 1 : 0))]
                let name = String(decoding: inner.prefix { isNameByte($0, first: false) }, as: UTF8.self)
                let modifier = inner.dropFirst(name.utf8.count)
                // A set, non-empty variable is its value whatever default (`:-`, `-`) or error (`:?`, `?`)
                // follows; `:+`/`+` (a replacement when set) and empty values are left unknown.
                let keepsValue = modifier.isEmpty || [":-", "-", ":?", "?"].contains { modifier.starts(with: Array($0.utf8)) }
                if keepsValue, case .known(let value)? = environment.variables[name], !value.isEmpty {
                    output += Array(value.utf8)
                } else {
                    placeholder(end - index)
                }
                index = end
            } else if isNameByte(next, first: true) {
                var end = index + 1
                while end < bytes.count, isNameByte(bytes[end], first: end == index + 1) { end += 1 }
                let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                if case .known(let value)? = environment.variables[name] { output += Array(value.utf8) } else { placeholder(end - index) }
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return (String(decoding: output, as: UTF8.self), unknown, true)
    }
}
