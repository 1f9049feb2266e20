import BuildxModel

/// A step's `with:` inputs, read as the Docker actions read them.
struct ActionInputs {
    let mapping: YAMLMapping?
    let file: SourceFile

    func scalar(_ name: String) -> YAMLScalar? {
        guard let scalar = mapping?[name]?.scalar, !scalar.isNull else { return nil }
        return scalar
    }

    /// A non-empty input as written, with its span.
    func written(_ name: String) -> WrittenText? {
        guard let input = scalar(name), !input.value.trimmingWhitespace().isEmpty else { return nil }
        return WrittenText(text: input.value.trimmingWhitespace(), span: input.valueSpan(in: file))
    }

    /// build-push-action's inputs as a build (the inputs of docker/build-push-action's `action.yml`, parsed as its `src/context.ts` does).
    func buildInvocation(at span: Span, builderFromEnv: String?) -> BuildInvocation {
        BuildInvocation(
            span: span, selection: builderSelection(builderFromEnv: builderFromEnv),
            cacheImports: cacheEntries(.import), cacheExports: cacheEntries(.export), platforms: platforms(),
            result: BuildResult(push: flag("push")?.value, load: flag("load"), outputs: outputs(), tags: tags()),
            attestations: attestations(),
            identity: BuildIdentity(
                context: written("context")?.text, file: written("file")?.text, target: written("target")?.text,
                buildArgs: list("build-args", ignoreComma: true).map(\.text),
                platforms: list("platforms", ignoreComma: false).map(\.text)))
    }

    /// A boolean input: `true`/`false` as the action reads them, or an expression.
    private func flag(_ name: String) -> WrittenFlag? {
        guard let input = written(name) else { return nil }
        let value: Value<Bool> =
            Expression.occurs(in: input.text) ? .unknown("an expression") : .known(input.text.lowercased() == "true")
        return WrittenFlag(value: value, span: input.span)
    }

    /// `outputs` lines, read as the action reads them (quotes kept).
    private func outputs() -> [(written: WrittenText, spec: OutputSpec?)] {
        list("outputs", ignoreComma: true, quotes: false).map { item in
            (item, Expression.occurs(in: item.text) ? nil : OutputSpec(parsing: item.text))
        }
    }

    private func tags() -> [(value: Value<String>, span: Span)] {
        list("tags", ignoreComma: false).map { item in
            (Expression.occurs(in: item.text) ? .unknown("an expression") : .known(item.text), item.span)
        }
    }

    /// `provenance`/`sbom` unless `false`, and every `attests` line.
    private func attestations() -> [WrittenText] {
        let switches = ["provenance", "sbom"].compactMap { name -> WrittenText? in
            guard let input = written(name), input.text.lowercased() != "false" else { return nil }
            return input
        }
        return switches + list("attests", ignoreComma: true)
    }

    /// A list input's items with their own spans and their written text (expressions included).
    func list(_ name: String, ignoreComma: Bool, quotes: Bool = true) -> [WrittenText] {
        guard let input = scalar(name) else { return [] }
        let bytes = Array(input.value.utf8)
        let items = (try? ActionInputList.split(Expression.mask(input.value).text, ignoreComma: ignoreComma, quotes: quotes)) ?? []
        return zip(items, input.spans(ofValues: items.map(\.range), in: file)).map { item, span in
            WrittenText(text: String(decoding: bytes[item.range], as: UTF8.self), span: span)
        }
    }

    /// `builder:`: empty means the current builder; `${{ steps.<id>.outputs.name }}` names a setup step's.
    func builderSelection(builderFromEnv: String?) -> BuilderSelection {
        guard let input = scalar("builder"), !input.value.trimmingWhitespace().isEmpty else {
            if let builderFromEnv { return .other("$BUILDX_BUILDER (\(builderFromEnv))", span: file.span(0..<0)) }
            return .current
        }
        let span = input.valueSpan(in: file)
        let text = input.value.trimmingWhitespace()
        if let id = Self.stepOutputName(text) { return .createdByStep(id: id, span: span) }
        return .other(text, span: span)
    }

    /// The step id in `${{ steps.<id>.outputs.name }}`, spaces inside the braces allowed.
    static func stepOutputName(_ text: String) -> String? {
        guard text.hasPrefix("${{"), text.hasSuffix("}}") else { return nil }
        let inner = String(text.dropFirst(3).dropLast(2)).trimmingWhitespace()
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "steps", parts[2] == "outputs", parts[3] == "name" else { return nil }
        return String(parts[1])
    }

    /// One entry per list item; each keeps the span of its own text, even inside a `|` block.
    private func cacheEntries(_ direction: CacheDirection) -> [CacheEntry] {
        guard let input = scalar(direction.flag) else { return [] }
        let masked = Expression.mask(input.value)
        let bytes = Array(input.value.utf8)
        do {
            let items = try ActionInputList.split(masked.text, ignoreComma: true)
            return zip(items, input.spans(ofValues: items.map(\.range), in: file)).map { item, span in
                CacheEntry(
                    direction: direction, text: String(decoding: bytes[item.range], as: UTF8.self), received: item.text,
                    unknownParts: masked.unknownRanges(in: item.text, from: item.range), span: span)
            }
        } catch {
            return [
                CacheEntry(
                    direction: direction, text: input.value, received: masked.text, unknownParts: masked.unknown,
                    span: input.valueSpan(in: file), content: .unsplittable(error))
            ]
        }
    }

    private func platforms() -> PlatformList? {
        guard let input = scalar("platforms") else { return nil }
        let masked = Expression.mask(input.value)
        guard let items = try? ActionInputList.split(masked.text, ignoreComma: false), !items.isEmpty else { return nil }
        let platforms: [Value<String>] = items.map { item in
            masked.isUnknown(item.range) ? .unknown("an expression") : .known(item.text)
        }
        return PlatformList(platforms: platforms, span: input.valueSpan(in: file))
    }
}
