/// Reads CircleCI configuration (`.circleci/config.yml`): every job's `run` steps, with the reusable
/// `commands:` they call expanded, and the Docker Engine the job talks to: `setup_remote_docker` (with its
/// `version`) or a `machine` executor (https://circleci.com/docs/configuration-reference/).
struct CircleCIFrontend: Frontend {
    /// Whether a file found by searching is CircleCI configuration by its place.
    func claims(relativePath: String) -> Bool {
        let components = relativePath.split(separator: "/")
        guard components.count >= 2, components[components.count - 2] == ".circleci" else { return false }
        return components.last == "config.yml" || components.last == "config.yaml"
    }

    /// Whether a YAML document is CircleCI configuration by its content: `version` and `jobs` whose
    /// values have `steps` (GitHub jobs have `runs-on` instead).
    static func isConfiguration(_ root: YAMLNode?) -> Bool {
        guard let mapping = root?.mapping, mapping["version"] != nil, let jobs = mapping["jobs"]?.mapping else { return false }
        return jobs.entries.contains { $0.value.mapping?["steps"] != nil } && mapping["on"] == nil
    }

    func plan(_ input: FrontendInput) -> BuildPlan? {
        guard Self.isConfiguration(input.yaml), let top = input.yaml?.mapping, let jobs = top["jobs"]?.mapping else { return nil }
        let file = input.file
        let reader = Reader(top: top, file: file, loader: input.repository)
        let planned = jobs.entries.compactMap { reader.job($0) }
        // `setup_remote_docker` hands the job its engine through the environment, over TCP with TLS (it prints
        // `DOCKER_TLS_VERIFY=1`, `DOCKER_HOST=tcp://…:2376`, `DOCKER_CERT_PATH=…`, as quoted in
        // https://github.com/lando/lando/issues/647), where buildx wants a context to create a builder on
        // (see `CommandEditor.tlsJobs`). A context works as well where the engine turns out to be local.
        let remote = planned.filter { job in
            if case .remoteDocker = job.host { return true }
            return false
        }
        let editor = CommandEditor(layout: .circleCIRuns(jobs.entries.flatMap(reader.scripts(ofJob:))), tlsJobs: Set(remote.map(\.id)))
        return BuildPlan(file: file, kind: .circleCI, jobs: planned, editor: editor)
    }

    private struct Reader {
        let top: YAMLMapping
        let file: SourceFile
        let loader: RepositoryFileLoader

        func job(_ entry: YAMLMapping.Entry) -> Job? {
            guard let job = entry.value.mapping else { return nil }
            let name = entry.key.value
            let pieces = steps(job["steps"], depth: 0)
            return CommandJobReader(file: file, loader: loader).job(
                id: name, span: entry.key.valueSpan(in: file), host: host(of: job, pieces: pieces), place: "job `\(name)`",
                pieces: pieces.map(\.piece), variables: [:], unknownBuilderReason: nil)
        }

        /// The scripts of a job's `run` steps, reusable commands expanded.
        func scripts(ofJob entry: YAMLMapping.Entry) -> [YAMLScalar] {
            steps(entry.value.mapping?["steps"], depth: 0).compactMap { piece in
                if case .script(let scalar) = piece.piece { return scalar }
                return nil
            }
        }

        private struct Piece {
            let piece: CommandJobReader.Piece
            /// A `setup_remote_docker` step, with its `version` when it names one.
            var remoteDocker: String??
        }

        /// The job's steps in order, reusable commands expanded (at most four levels deep).
        private func steps(_ node: YAMLNode?, depth: Int) -> [Piece] {
            guard depth < 4 else { return [] }
            return (node?.sequence?.items ?? []).flatMap { item -> [Piece] in
                let name: String
                let parameters: YAMLNode?
                if let text = item.string {
                    name = text
                    parameters = nil
                } else if let mapping = item.mapping, mapping.entries.count == 1, let only = mapping.entries.first {
                    name = only.key.value
                    parameters = only.value
                } else {
                    return []
                }
                switch name {
                case "run":
                    let command = parameters?.scalar ?? parameters?.mapping?["command"]?.scalar
                    return command.map { [Piece(piece: .script($0), remoteDocker: nil)] } ?? []
                case "setup_remote_docker":
                    return [Piece(piece: .engineReady, remoteDocker: .some(parameters?.mapping?["version"]?.string))]
                case "checkout", "save_cache", "restore_cache", "persist_to_workspace", "attach_workspace", "store_artifacts",
                    "store_test_results", "add_ssh_keys", "when", "unless":
                    return []
                default:
                    if let command = top["commands"]?.mapping?[name]?.mapping {
                        return steps(command["steps"], depth: depth + 1)
                    }
                    // An orb's command (`docker/build`): what it runs is not in this file.
                    let span = (item.mapping?.entries.first?.key ?? item.scalar).map { $0.valueSpan(in: file) } ?? file.span(0..<0)
                    return [Piece(piece: .opaque(span: span, reason: "the orb command `\(name)` may change the builder"), remoteDocker: nil)]
                }
            }
        }

        /// The engine: a remote Docker (its version when pinned), a machine image, or none the file shows.
        private func host(of job: YAMLMapping, pieces: [Piece]) -> RunnerHost {
            if let remote = pieces.lazy.compactMap(\.remoteDocker).first { return .remoteDocker(version: remote) }
            var executor = job
            if let name = job["executor"]?.string ?? job["executor"]?.mapping?["name"]?.string,
                let defined = top["executors"]?.mapping?[name]?.mapping
            {
                executor = defined
            }
            if executor["machine"] != nil { return .unknownMachine("the CircleCI machine image") }
            return .unknownMachine("the CircleCI executor")
        }
    }
}
