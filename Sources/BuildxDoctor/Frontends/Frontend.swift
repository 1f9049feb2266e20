/// Turns one kind of CI file into a build plan. Adding a CI system means adding a frontend to
/// `Frontends.all`; rules never learn which system a plan came from.
public protocol Frontend: Sendable {
    /// Whether a file met while searching a folder is one this frontend reads, by its path below the folder.
    func claims(relativePath: String) -> Bool
    /// The plan of a file, or `nil` when the file is not of this frontend's kind.
    func plan(_ input: FrontendInput) -> BuildPlan?
}

/// A file handed to the frontends, with its YAML parsed once for all of them.
public struct FrontendInput: Sendable {
    public let file: SourceFile
    /// The first YAML document, or `nil` when the file is not YAML (or holds no document).
    public let yaml: YAMLNode?
    /// Reads other files of the repository (local actions, scripts, included pipelines).
    public let repository: RepositoryFileLoader
    /// What the configuration says about the runners' Docker Engines.
    public let runnerFacts: RunnerFacts

    public init(file: SourceFile, yaml: YAMLNode?, repository: RepositoryFileLoader, runnerFacts: RunnerFacts = RunnerFacts()) {
        self.file = file
        self.yaml = yaml
        self.repository = repository
        self.runnerFacts = runnerFacts
    }
}

/// The frontends, asked in order: the first that reads a file makes its plan.
public enum Frontends {
    public static let all: [any Frontend] = [
        GitHubActionsFrontend(), GitLabCIFrontend(), CircleCIFrontend(), MakefileFrontend(), ShellScriptFrontend(), BakeFrontend(),
    ]

    /// Whether some frontend reads a file met while searching.
    public static func claims(relativePath: String) -> Bool {
        all.contains { $0.claims(relativePath: relativePath) }
    }
}
