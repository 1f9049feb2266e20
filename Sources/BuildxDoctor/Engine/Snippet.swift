/// How to read one input: as the file it is, or as a piece of a workflow (`check --kind`, and what a
/// pasted snippet is found to be).
public enum InputKind: String, Sendable, CaseIterable {
    case workflow
    case action
    /// A list of steps.
    case steps
    /// One step.
    case step
    /// A `jobs:` map (or a workflow with `jobs:` but no `on:`).
    case jobs
}

/// Snippets: steps, a step or jobs without the workflow around them. They are checked as if they sat in a
/// workflow whose jobs run on `ubuntu-latest`. The workflow is built around the snippet's own nodes, so
/// every position still points into the text as written: nothing is re-rendered.
enum Snippet {
    /// The runner a snippet's jobs are assumed to run on.
    static let runner = "ubuntu-latest"
    /// The id of the job a list of steps or a step is put in.
    static let jobID = "snippet"

    /// The snippet shape of a document that is neither a workflow nor a composite action, if it has one.
    static func shape(of root: YAMLNode) -> InputKind? {
        switch root {
        case .sequence(let sequence):
            let steps = sequence.items.compactMap(\.mapping)
            guard steps.count == sequence.items.count, steps.contains(where: isStep) else { return nil }
            return .steps
        case .mapping(let mapping):
            if isStep(mapping) { return .step }
            if let jobs = mapping["jobs"]?.mapping, isJobs(jobs) { return .jobs }
            return isJobs(mapping) ? .jobs : nil
        case .scalar:
            return nil
        }
    }

    /// Whether `root` can be read as `shape`, and why not when it cannot.
    static func mismatch(_ root: YAMLNode?, _ shape: InputKind) -> String? {
        switch shape {
        case .workflow, .action: return root?.mapping == nil ? "the document is not a mapping" : nil
        case .steps: return root?.sequence?.items.allSatisfy({ $0.mapping != nil }) == true ? nil : "the document is not a list of steps"
        case .step: return root?.mapping == nil ? "the document is not a step (a mapping)" : nil
        case .jobs:
            guard let mapping = root?.mapping else { return "the document is not a mapping of jobs" }
            let jobs = mapping["jobs"]?.mapping ?? mapping
            return jobs.entries.allSatisfy({ $0.value.mapping != nil }) ? nil : "the document is not a mapping of jobs"
        }
    }

    /// A workflow around the snippet, made of the snippet's nodes and zero-width nodes at its start.
    static func workflow(around root: YAMLNode, as shape: InputKind) -> YAMLNode {
        let at = root.start
        func scalar(_ value: String) -> YAMLScalar { YAMLScalar(value: value, style: .plain, start: at, end: at) }
        func mapping(_ entries: [(String, YAMLNode)]) -> YAMLNode {
            .mapping(YAMLMapping(entries: entries.map { YAMLMapping.Entry(key: scalar($0.0), value: $0.1) }, start: at, end: at, isFlow: false))
        }
        func job(steps: YAMLNode) -> YAMLNode {
            mapping([("runs-on", .scalar(scalar(runner))), ("steps", steps)])
        }
        switch shape {
        case .workflow, .action:
            return root
        case .steps:
            return mapping([("jobs", mapping([(jobID, job(steps: root))]))])
        case .step:
            return mapping([("jobs", mapping([(jobID, job(steps: .sequence(YAMLSequence(items: [root], start: at, end: at, isFlow: false))))]))])
        case .jobs:
            guard let outer = root.mapping else { return root }
            let jobs = outer["jobs"]?.mapping
            let withRunners = withDefaultRunner(jobs ?? outer, at: at)
            guard jobs != nil else { return mapping([("jobs", .mapping(withRunners))]) }
            let entries = outer.entries.map { entry in
                entry.key.value == "jobs" ? YAMLMapping.Entry(key: entry.key, value: .mapping(withRunners)) : entry
            }
            return .mapping(YAMLMapping(entries: entries, start: outer.start, end: outer.end, isFlow: outer.isFlow))
        }
    }

    /// The jobs, each without `runs-on` (and not calling a reusable workflow) given `ubuntu-latest`.
    private static func withDefaultRunner(_ jobs: YAMLMapping, at: Location) -> YAMLMapping {
        let entries = jobs.entries.map { entry -> YAMLMapping.Entry in
            guard let job = entry.value.mapping, job["runs-on"] == nil, job["uses"] == nil else { return entry }
            let runsOn = YAMLMapping.Entry(
                key: YAMLScalar(value: "runs-on", style: .plain, start: at, end: at),
                value: .scalar(YAMLScalar(value: runner, style: .plain, start: at, end: at)))
            return YAMLMapping.Entry(
                key: entry.key, value: .mapping(YAMLMapping(entries: [runsOn] + job.entries, start: job.start, end: job.end, isFlow: job.isFlow)))
        }
        return YAMLMapping(entries: entries, start: jobs.start, end: jobs.end, isFlow: jobs.isFlow)
    }

    private static func isStep(_ mapping: YAMLMapping) -> Bool {
        mapping["uses"]?.scalar != nil || mapping["run"]?.scalar != nil
    }

    private static func isJobs(_ mapping: YAMLMapping) -> Bool {
        !mapping.entries.isEmpty && mapping.entries.allSatisfy { $0.value.mapping != nil }
            && mapping.entries.contains { $0.value.mapping?["steps"]?.sequence != nil }
    }
}
