/// Edits to builds written as shell commands outside GitHub Actions: `docker buildx create` is added
/// right before the first build that runs on the engine's own builder, in the layout of the file — a
/// GitLab `script:` item, a line of a CircleCI `run` block or a new `run` step, a script line, a recipe
/// line. Only where the place is certain: the build must stand alone (`Step.standsAlone`) and start its
/// line, so that the new command runs exactly once, right before it, whatever the build's surroundings.
struct CommandEditor: PlanEditor {
    /// How the file holds its commands.
    enum Layout: Sendable {
        /// A shell script: a command is a line.
        case script
        /// A Makefile: a command is a recipe line, after a tab and the recipe's `@`, `-` and `+` prefixes.
        case makefile
        /// GitLab CI: each `script:` item is a command line; a new item goes before the item that holds the build.
        case gitlabItems([YAMLScalar])
        /// CircleCI: each `run` step holds a script; a line goes inside a literal block, or a `- run:` step
        /// before a step written on one line.
        case circleCIRuns([YAMLScalar])
    }

    let layout: Layout
    /// The jobs whose Docker CLI reaches its engine over TCP with TLS taken from the environment. There
    /// buildx refuses to create a builder from the environment (`could not create a builder instance with
    /// TLS data loaded from environment`, docker/buildx `builder/builder.go`) and asks for a context first,
    /// as GitLab documents for the `docker:dind` service (https://docs.gitlab.com/ci/docker/docker_layer_caching/,
    /// "Docker registry caching example": `docker context create my-builder`, then
    /// `docker buildx create my-builder --driver docker-container --use`).
    let tlsJobs: Set<String>

    init(layout: Layout, tlsJobs: Set<String> = []) {
        self.layout = layout
        self.tlsJobs = tlsJobs
    }

    /// The command docs.docker.com gives as the drop-in replacement for the default builder
    /// (https://docs.docker.com/build/cache/backends/registry/ and buildx's own refusal, "Please switch to a
    /// different driver (eg. "docker buildx create --use")"), with the driver written out. No `--name`:
    /// buildx names the builder itself, while a fixed name makes the command fail the second time it runs on
    /// a machine that keeps its builders (`existing instance for "<name>" but no append mode`,
    /// docker/buildx `builder/builder.go` `Create`).
    static let createCommand = "docker buildx create --use --driver docker-container"
    /// The context the TLS form creates from the environment and builds the builder on.
    static let tlsContext = "tls-environment"

    func useBuildKitBuilder(_ request: BuilderRequest, in plan: BuildPlan) -> Fix? {
        switch request.reason {
        case .noSetup, .setupInOtherJob, .installedEngine: break
        // Editing another command (`--use`, `--driver`) or moving one is left to the user.
        case .plainDockerBuild, .dockerDriverSetup, .unusedSetup, .lateSetup: return nil
        }
        // One builder before the first build on the engine's builder serves every later build too.
        let target = request.job.firstBuildOnRunnerDefault ?? request.step
        let file = plan.file
        guard target.enclosing == nil, target.standsAlone, target.span.path == file.path else { return nil }
        let usesTLS = tlsJobs.contains(request.job.id)
        let commands =
            usesTLS
            ? ["docker context create \(Self.tlsContext)", "\(Self.createCommand) \(Self.tlsContext)"] : [Self.createCommand]
        guard let edit = insertion(of: commands, before: target, in: file) else { return nil }
        let summary =
            usesTLS
            ? "run `docker context create \(Self.tlsContext)` and `\(Self.createCommand) \(Self.tlsContext)` before the build"
            : "run `\(Self.createCommand)` before the build"
        return Fix(summary: summary, path: file.path, edits: [edit])
    }

    /// Lines holding `commands`, inserted where the layout puts a command before the build's.
    private func insertion(of commands: [String], before step: Step, in file: SourceFile) -> TextEdit? {
        let start = step.span.start
        switch layout {
        case .script:
            guard let prefix = linePrefix(before: start, in: file, allowing: " \t") else { return nil }
            return lines(commands, prefix: prefix, atLine: start.line, in: file)
        case .makefile:
            // A recipe line starts with a tab; `@`, `-` and `+` say how make runs it, and the new line keeps them.
            guard let prefix = linePrefix(before: start, in: file, allowing: " \t@-+"), prefix.first == "\t"
            else { return nil }
            return lines(commands, prefix: prefix, atLine: start.line, in: file)
        case .gitlabItems(let scalars):
            guard let scalar = Self.scalar(holding: start, in: scalars),
                let prefix = itemPrefix(of: scalar, in: file, key: nil)
            else { return nil }
            return lines(commands.map { Self.quoted($0, like: scalar) }, prefix: prefix, atLine: scalar.start.line, in: file)
        case .circleCIRuns(let scalars):
            guard let scalar = Self.scalar(holding: start, in: scalars) else { return nil }
            if scalar.style == .literal {
                // Inside a literal block a line is a line of the script; the build's line sets the indentation.
                guard start.line > scalar.start.line, let prefix = linePrefix(before: start, in: file, allowing: " ")
                else { return nil }
                return lines(commands, prefix: prefix, atLine: start.line, in: file)
            }
            // A script written on the step's own line: a new `- run:` step before it.
            guard scalar.style != .folded, scalar.start.line == scalar.end.line,
                let prefix = itemPrefix(of: scalar, in: file, key: "run:")
            else { return nil }
            return lines(commands.map { Self.quoted($0, like: scalar) }, prefix: prefix, atLine: scalar.start.line, in: file)
        }
    }

    /// The text before `location` on its line, when it holds only `allowed` bytes and the line does not
    /// continue the one before it (a line ending in a backslash joins the next one in the shell and in make).
    private func linePrefix(before location: Location, in file: SourceFile, allowing allowed: String) -> String? {
        let lineStart = file.startOffset(ofLine: location.line)
        guard lineStart <= location.offset, file.bytes[lineStart..<location.offset].allSatisfy(allowed.utf8.contains) else { return nil }
        if location.line > 1 {
            let previous = file.bytes[file.byteRange(ofLine: location.line - 1)]
            if previous.reversed().first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) == UInt8(ascii: "\\") { return nil }
        }
        return String(decoding: file.bytes[lineStart..<location.offset], as: UTF8.self)
    }

    /// `  - ` (or `  - run: ` with `key`) before a scalar that is a block sequence item on its own line.
    private func itemPrefix(of scalar: YAMLScalar, in file: SourceFile, key: String?) -> String? {
        let lineStart = file.startOffset(ofLine: scalar.start.line)
        guard lineStart <= scalar.start.offset else { return nil }
        let prefix = String(decoding: file.bytes[lineStart..<scalar.start.offset], as: UTF8.self)
        var rest = prefix.drop { $0 == " " }
        guard rest.hasPrefix("- ") else { return nil }
        rest = rest.dropFirst(2).drop { $0 == " " }
        if let key {
            guard rest.hasPrefix(key + " ") else { return nil }
            rest = rest.dropFirst(key.count).drop { $0 == " " }
        }
        return rest.isEmpty ? prefix : nil
    }

    /// Each command on a line of its own, after `prefix`, inserted where `line` starts.
    /// New lines before `line`, and before the comment lines right above it: a comment speaks of the command
    /// under it, and a suppression comment on a line of its own applies to the next line, which must stay
    /// the command's (a `#!` first line is no such comment).
    private func lines(_ commands: [String], prefix: String, atLine line: Int, in file: SourceFile) -> TextEdit {
        var line = line
        while line > 1, !file.isBlank(line: line - 1), file.isBlankOrComment(line: line - 1),
            !(line - 1 == 1 && file.bytes.starts(with: "#!".utf8))
        {
            line -= 1
        }
        return .insert(commands.map { prefix + $0 + file.lineEnding }.joined(), at: file.startOffset(ofLine: line))
    }

    /// The scalar whose text holds `location` (scripts of templates may serve several jobs; any copy will do).
    private static func scalar(holding location: Location, in scalars: [YAMLScalar]) -> YAMLScalar? {
        scalars.first { $0.start.offset <= location.offset && location.offset < $0.end.offset }
    }

    /// A command quoted as the neighbouring item is (a block scalar's neighbour gets a plain one-line item).
    private static func quoted(_ command: String, like scalar: YAMLScalar) -> String {
        switch scalar.style {
        case .singleQuoted: "'\(command)'"
        case .doubleQuoted: "\"\(command)\""
        case .plain, .literal, .folded: command
        }
    }
}
