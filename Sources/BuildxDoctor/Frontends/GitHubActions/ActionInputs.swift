import BuildxModel

/// A step's `with:` inputs, read as the Docker actions read them.
struct ActionInputs {
    let mapping: YAMLMapping?
    let file: SourceFile

    func scalar(_ name: String) -> YAMLScalar? {
        guard let scalar = mapping?[name]?.scalar, !scalar.isNull else { return nil }
        return scalar
    }

    func valueSpan(_ name: String) -> Span? { scalar(name)?.valueSpan(in: file) }

    /// build-push-action's inputs as a build (facts §5.1).
    func buildInvocation(at span: Span, builderFromEnv: String?) -> BuildInvocation {
        BuildInvocation(
            span: span, selection: builderSelection(builderFromEnv: builderFromEnv),
            cacheImports: cacheEntries(.import), cacheExports: cacheEntries(.export), platforms: platforms())
    }

    /// `builder:`: empty means the current builder; `${{ steps.<id>.outputs.name }}` names a setup step's.
    private func builderSelection(builderFromEnv: String?) -> BuilderSelection {
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
        let masked = Expression.masked(input.value)
        let bytes = Array(input.value.utf8)
        do {
            return try ActionInputList.split(masked, ignoreComma: true).map { item in
                CacheEntry(
                    direction: direction, text: String(decoding: bytes[item.range], as: UTF8.self),
                    received: item.text, span: input.span(ofValue: item.range, in: file))
            }
        } catch {
            return [
                CacheEntry(
                    direction: direction, text: input.value, received: masked, span: input.valueSpan(in: file),
                    content: .unsplittable(error))
            ]
        }
    }

    private func platforms() -> PlatformList? {
        guard let input = scalar("platforms") else { return nil }
        let masked = Expression.masked(input.value)
        guard let items = try? ActionInputList.split(masked, ignoreComma: false), !items.isEmpty else { return nil }
        let platforms: [Value<String>] = items.map { item in
            Expression.isMasked(item.text) ? .unknown("an expression") : .known(item.text)
        }
        return PlatformList(platforms: platforms, span: input.valueSpan(in: file))
    }
}
