import BuildxModel

/// An input the action's version does not declare: the runner only warns (`Unexpected input(s) …`,
/// actions/runner) and runs the step without it.
struct ActionInputUnknown: Rule {
    let description = RuleDescription(
        id: "action-input-unknown",
        severity: .warning,
        summary: "An input the Docker action's version does not have: it is ignored and the build runs without it.",
        explanation: """
            GitHub passes every `with:` key to the action, but an action reads only the inputs it declares. \
            For any other key the runner prints a warning such as \
            `Unexpected input(s) 'cache_to', valid inputs are [...]` and the step goes on as if the key \
            were not there — the build runs without the cache, the tags or the push you asked for.

            Typical causes: snake_case names from build-push-action v1 (`repository`, `cache_froms`, \
            `build_args`) on v2 and later, typos (`cache_to`, `build-arg`), and inputs newer than the pinned \
            major (`provenance` needs v4, `annotations` v6).

            The job itself goes on, so this is a warning: the step runs, just not as written.

            Fix: use the input names of the version you pin, or move to the version that has the input.
            """,
        helpURI: "https://github.com/docker/build-push-action#inputs",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v4
                  with:
                    ↓install: true
                - uses: docker/build-push-action@v6
                  with:
                    ↓cache_to: type=gha,mode=max
                    ↓repository: acme/app
                - uses: docker/build-push-action@v3
                  with:
                    ↓provenance: false
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    install: true
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=gha,mode=max
                    provenance: false
                - uses: docker/build-push-action@0565240e2d4ab88bba5387d719585280857ece09
                  with:
                    build_args: A=1
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.jobs.flatMap { job in
            job.steps.flatMap { step -> [Diagnostic] in
                guard let action = step.action, let repository = action.repository else { return [] }
                let major = action.majorVersion
                let known = major.flatMap { DockerActionInputs.inputs(of: repository, major: $0) }
                    ?? DockerActionInputs.anyVersionInputs(of: repository)
                guard let known else { return [] }
                return step.inputs.compactMap { input in
                    guard !known.contains(input.text) else { return nil }
                    let version = major.map { "v\($0)" } ?? "any version"
                    let suggestion = Self.nearest(input.text, in: known)
                    return description.diagnostic(
                        "\(Quoted.code(input.text)) is not an input of \(repository) \(version): the runner only warns (\(Quoted.code("Unexpected input(s) '\(input.text)'"))) and the step runs without it",
                        at: input.span, help: suggestion.map { "did you mean \(Quoted.code($0))?" } ?? "remove it, or use the input this version has for it")
                }
            }
        }
    }

    /// The input a typo or an old spelling most likely meant.
    static func nearest(_ name: String, in inputs: Set<String>) -> String? {
        let dashed = name.replacingAll("_", with: "-")
        if inputs.contains(dashed) { return dashed }
        let renamed = ["cache_froms": "cache-from", "dockerfile": "file", "path": "context", "always_pull": "pull"]
        if let new = renamed[name], inputs.contains(new) { return new }
        return EditDistance.nearest(to: dashed, among: inputs.sorted())?.match
    }
}
