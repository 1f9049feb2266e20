/// docker/bake-action's inputs as the bake run they start (the action's `action.yml` and `src/context.ts`
/// for v4 to v6): `files`, `targets` (lists split at newlines and commas), `set` (one override per line,
/// commas and quotes kept), `push`/`load` (bake's `--push`/`--load`, that is `*.push=true`/`*.load=true`),
/// `provenance`/`sbom` (`--provenance`/`--sbom`: an `attest` for every target), `workdir` (v4, v5: the
/// folder bake runs in) and `source` (v6: the Git context of the commit by default, whose files are the
/// checked-out repository's; a remote source's files are not known here).
struct BakeActionInputs {
    let inputs: ActionInputs

    init(_ inputs: ActionInputs) {
        self.inputs = inputs
    }

    /// The run, or `nil` when its files are not known (a remote source, an expression among the files).
    /// `environment` is the step's (the workflow's, job's and step's `env:`): bake variables and Compose
    /// interpolation read it.
    func run(at span: Span, environment: [String: String], loader: RepositoryFileLoader) -> BakeRun? {
        var request = BakeRequest(span: span)
        if let source = inputs.written("source")?.text, source != ".", !source.hasPrefix("{{defaultContext}}") { return nil }
        if let source = inputs.written("source")?.text, source.hasPrefix("{{defaultContext}}:") {
            request.directory = String(source.dropFirst("{{defaultContext}}:".count))
        }
        if let workdir = inputs.written("workdir")?.text {
            guard !Expression.occurs(in: workdir) else { return nil }
            request.directory = workdir
        }
        request.files = inputs.list("files", ignoreComma: false)
        request.targets = inputs.list("targets", ignoreComma: false)
        request.selection = inputs.builderSelection(builderFromEnv: environment["BUILDX_BUILDER"])
        for line in inputs.list("set", ignoreComma: true, quotes: false) {
            let masked = Expression.mask(line.text)
            let verbatim = line.span.start.line == line.span.end.line && line.span.byteRange.count == line.text.utf8.count
            request.overrides.append(BakeOverride(text: masked.text, unknownParts: masked.unknown, span: line.span, isVerbatim: verbatim))
        }
        for (input, key) in [("push", "push"), ("load", "load")] {
            guard let flag = inputs.written(input) else { continue }
            let value = Expression.occurs(in: flag.text) ? String(repeating: "x", count: flag.text.utf8.count) : flag.text.lowercased()
            // The action passes `--push`/`--load` only when the input is true.
            guard value != "false" else { continue }
            let text = "*.\(key)=\(value)"
            let unknown = Expression.occurs(in: flag.text) ? [(text.utf8.count - value.utf8.count)..<text.utf8.count] : []
            request.overrides.append(BakeOverride(text: text, unknownParts: unknown, span: flag.span, isVerbatim: false))
        }
        for kind in ["provenance", "sbom"] {
            guard let written = inputs.written(kind), written.text.lowercased() != "false", !Expression.occurs(in: written.text) else { continue }
            let attributes = written.text.lowercased() == "true" ? "" : "," + written.text
            request.overrides.append(BakeOverride(text: "*.attest+=type=\(kind)\(attributes)", span: written.span, isVerbatim: false))
        }
        let variables = environment.mapValues { value -> Value<String> in Expression.occurs(in: value) ? .unknown("an expression") : .known(value) }
        return BakeRun.read(request, loader: loader, environment: BakeEnvironment(variables: variables))
    }
}
