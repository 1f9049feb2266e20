/// A rule that needs every plan of a repository at once: whether some build anywhere reads what this one
/// writes cannot be decided from one file. `Checker` runs it after the per-file rules, once per repository
/// (the files of a check that share a repository root), and hands its findings to the files they point
/// into, where configuration and suppressions apply as for any finding. A single file checked on its own
/// is a repository of one plan. Only plans that run builds are handed over: a workflow that builds nothing
/// has nothing such a rule could compare (and most files of a large check build nothing).
public protocol RepositoryRule: Rule {
    func check(_ repository: RepositoryPlans) -> [Diagnostic]
}

extension RepositoryRule {
    /// A repository rule sees no single plan: `Checker` calls `check(_ repository:)`.
    public func check(_ plan: BuildPlan) -> [Diagnostic] { [] }

    public var asRepositoryRule: (any RepositoryRule)? { self }
}

/// The plans of one repository's checked files, and read access to the repository's other files (a
/// Dockerfile a build names), relative to its root.
public struct RepositoryPlans: Sendable {
    public let plans: [BuildPlan]
    private let loaders: [String: RepositoryFileLoader]

    init(plans: [BuildPlan], loaders: [String: RepositoryFileLoader]) {
        self.plans = plans
        self.loaders = loaders
    }

    /// A file of the repository that holds `plan`, by its path from the repository root; nil when it
    /// cannot be found or read, or when the plan's file was not read from a repository on disk (a file
    /// checked from memory or standard input has no repository).
    public func file(_ relativePath: String, of plan: BuildPlan) -> SourceFile? {
        loaders[plan.file.path]?.load(relativePath)
    }

    /// The findings of `rules` over each repository among `plans`: plans are grouped by the repository
    /// root of their file (files under no root form one group), and each finding is given to the plan of
    /// the file it points into (or that runs the script it points into).
    static func findings(
        of rules: [any RepositoryRule], over plans: [BuildPlan], loader: (String) -> RepositoryFileLoader?
    ) -> [String: [Diagnostic]] {
        guard !rules.isEmpty, !plans.isEmpty else { return [:] }
        var loaders: [String: RepositoryFileLoader] = [:]
        var groups: [String: [BuildPlan]] = [:]
        var order: [String] = []
        for plan in plans {
            let fileLoader = loader(plan.file.path)
            loaders[plan.file.path] = fileLoader
            let root = fileLoader?.repositoryRoot ?? ""
            if groups[root] == nil { order.append(root) }
            groups[root, default: []].append(plan)
        }
        var found: [String: [Diagnostic]] = [:]
        for root in order {
            let group = groups[root] ?? []
            let repository = RepositoryPlans(plans: group, loaders: loaders)
            for diagnostic in rules.flatMap({ $0.check(repository) }) {
                let path = diagnostic.span.path
                let owner = group.first { $0.file.path == path } ?? group.first { $0.referencedPaths.contains(path) }
                found[owner?.file.path ?? path, default: []].append(diagnostic)
            }
        }
        return found
    }
}
