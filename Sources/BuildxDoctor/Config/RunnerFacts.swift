import BuildxModel

/// What the user knows about their runners' Docker Engines and the workflow cannot show (the `runners:`
/// section of `.buildx-doctor.yml`): the frontend gives a job whose `runs-on` labels match an entry the
/// image stores that entry states, and the builder simulation starts from those.
public struct RunnerFacts: Sendable, Equatable {
    /// One `runners:` entry.
    public struct Runner: Sendable, Equatable {
        /// Every pattern must match one of the job's labels (compared without case, as GitHub does).
        public let labels: [Glob]
        public let imageStore: ImageStore?
        public let dockerVersion: SemanticVersion?

        public init(labels: [Glob], imageStore: ImageStore? = nil, dockerVersion: SemanticVersion? = nil) {
            self.labels = labels
            self.imageStore = imageStore
            self.dockerVersion = dockerVersion
        }

        /// The image stores the engine may use. Docker Engine 29.0 uses the containerd image store on fresh
        /// installations and keeps the classic one on upgraded installations; before 29.0 the containerd
        /// store is opt-in (`"features": {"containerd-snapshotter": true}` in daemon.json). So a version
        /// alone leaves both possible (https://docs.docker.com/engine/storage/containerd/).
        public var imageStores: [ImageStore]? {
            if let imageStore { return [imageStore] }
            guard let dockerVersion else { return nil }
            return dockerVersion.major >= 29 ? [.containerd, .classic] : [.classic, .containerd]
        }
    }

    public let runners: [Runner]
    /// This machine's builders read live (`check --builder`): scripts, Makefiles and self-hosted jobs are
    /// checked as running here.
    public var machine: LiveMachine?

    public init(runners: [Runner] = [], machine: LiveMachine? = nil) {
        self.runners = runners
        self.machine = machine
    }

    /// `host` with the image stores of the first entry that matches the labels of `runsOn` (a label, a
    /// list of labels, or a `group`/`labels` mapping); `host` itself when none matches, when it is a
    /// runner decided at run time or a composite action's caller. With `machine`, a self-hosted job runs
    /// on this machine (GitHub-hosted jobs keep the machine they are known to get).
    public func applied(to host: RunnerHost, runsOn: YAMLNode?) -> RunnerHost {
        let host = appliedRunners(to: host, runsOn: runsOn)
        if let machine, case .selfHosted(let label, _) = host { return .thisMachine(machine, runnerLabel: label) }
        return host
    }

    private func appliedRunners(to host: RunnerHost, runsOn: YAMLNode?) -> RunnerHost {
        guard !runners.isEmpty else { return host }
        let labels = Self.labels(of: runsOn)
        guard !labels.isEmpty,
            let stores = runners.first(where: { runner in
                runner.labels.allSatisfy { glob in labels.contains { glob.matches($0, ignoringCase: true) } }
            })?.imageStores
        else { return host }
        switch host {
        case .githubHosted(let label, _): return .githubHosted(label: label, imageStores: stores)
        case .selfHosted(let label, _): return .selfHosted(label: label, imageStores: stores)
        case .decidedAtRunTime, .caller, .dockerInDocker, .remoteDocker, .unknownMachine, .thisMachine: return host
        }
    }

    private static func labels(of runsOn: YAMLNode?) -> [String] {
        switch runsOn {
        case .scalar(let scalar)?: return scalar.isNull ? [] : [scalar.value]
        case .sequence(let sequence)?: return sequence.items.compactMap(\.string)
        case .mapping(let mapping)?:
            return [mapping["group"]?.string].compactMap { $0 } + labels(of: mapping["labels"])
        case nil: return []
        }
    }
}
