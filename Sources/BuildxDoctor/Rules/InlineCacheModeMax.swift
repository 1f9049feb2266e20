import BuildxModel

/// `type=inline,mode=max` is silently `min` (https://docs.docker.com/build/cache/backends/inline/: the inline
/// exporter only supports `min` cache mode).
struct InlineCacheModeMax: Rule {
    let description = RuleDescription(
        id: "inline-cache-mode-max",
        severity: .warning,
        summary: "`mode=max` on an inline cache, which is always exported in `min` mode.",
        explanation: """
            An inline cache lives in the image's own config, so it can only describe the layers of the final \
            image: BuildKit exports it with `mode=min` whatever the entry says. Intermediate stages of a \
            multi-stage build are never cached this way.

            Fix: drop `mode=max`, or use a `registry` cache with its own ref (`type=registry,ref=<image>:cache,mode=max`) \
            to cache every stage.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/inline/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: ↓type=inline,mode=max
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=inline
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.compactMap { _, _, _, entry in
            guard entry.direction == .export,
                let spec = entry.specs.first(where: { $0.backend == .inline && entry.value(of: "mode", in: $0) == .known("max") })
            else { return nil }
            let modes = spec.fields.filter { $0.key == "mode" }
            let edits = modes.compactMap(entry.removing)
            return description.diagnostic(
                "`mode=max` does nothing here: an inline cache is always exported with `mode=min`, so intermediate stages are not cached",
                at: entry.span, help: "drop `mode=max`, or cache every stage with `type=registry,ref=<image>:cache,mode=max`",
                fix: edits.count == modes.count && modes.count == 1 ? Fix(summary: "drop `mode=max`", path: entry.span.path, edits: edits) : nil)
        }
    }
}
