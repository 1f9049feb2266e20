import BuildxModel

/// A flag on a command line, read the way the Docker CLI and buildx read flags (spf13/pflag through cobra):
/// `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, clusters of one-letter booleans
/// (`-qD`), and boolean flags that take a value only after `=` (`--push=false`).
public struct ShellFlag: Sendable, Equatable {
    /// The flag's long name without dashes (`cache-to` for `--cache-to` and `tag` for `-t`); for a flag the
    /// table does not know, the name as written without its dashes.
    public let name: String
    /// The word holding the flag.
    public let word: ShellWord
    /// The flag's own text: `--cache-to` in `--cache-to=type=gha`, or the letter `t` in `-qt`.
    public let nameRange: Range<Int>
    /// The value: the rest of the word after `=` (or after the letter), or the next word. Nil for a boolean
    /// written without a value.
    public let value: ShellWord?

    /// A boolean flag's value as pflag reads it (Go's `strconv.ParseBool`): true without a value, nil when
    /// the value is unknown or not a boolean.
    public var booleanValue: Bool? {
        guard let value else { return true }
        return value.literal.flatMap(GoBool.parse)
    }
}

/// The flags and arguments of one command, read with a flag table.
public struct CommandArguments: Sendable, Equatable {
    /// Every recognised flag, in order.
    public let flags: [ShellFlag]
    /// Arguments that are not flags or flag values, in order.
    public let positionals: [ShellWord]
    /// Flags the table does not know. Whether they take a value is unknown, so the word after one may have
    /// been its value rather than a positional argument.
    public let unrecognizedFlags: [ShellWord]
    /// Arguments that start with an unknown part (`$EXTRA_ARGS`, `${{ inputs.flags }}`): each may be any
    /// flags or arguments, or none, so a flag missing from `flags` may still be given.
    public let opaqueArguments: [ShellWord]

    /// Every occurrence of flag `name` (long name), in order.
    public func all(_ name: String) -> [ShellFlag] { flags.filter { $0.name == name } }

    /// The last occurrence of flag `name`: the one that counts for a flag that is not repeatable.
    public func last(_ name: String) -> ShellFlag? { flags.last { $0.name == name } }

    /// Whether anything unknown (an opaque argument) could add flags.
    public var mayHaveMoreFlags: Bool { !opaqueArguments.isEmpty }
}

/// The Docker CLI's global options (`docker --context x …`) and the environment variables that choose the
/// engine, the builder or the build backend.
public struct DockerOptions: Sendable, Equatable {
    /// The global flags before the subcommand, and buildx's own (`docker buildx --builder x …`).
    public let flags: [ShellFlag]
    public let unrecognizedFlags: [ShellWord]
    /// The variables of `ShellCommand.environmentNames` (`DOCKER_HOST`, `DOCKER_BUILDKIT`, `BUILDX_BUILDER`…)
    /// as the command sees them: its own prefixes first, then what the script exported before it.
    public let environment: [String: ShellWord]

    /// `--context`/`-c`.
    public var context: ShellFlag? { flags.last { $0.name == "context" } }
    /// `--host`/`-H`.
    public var host: ShellFlag? { flags.last { $0.name == "host" } }
    /// `--config`.
    public var config: ShellFlag? { flags.last { $0.name == "config" } }
}

/// `docker buildx build`, `docker buildx b`, `docker build`, `docker image build` or `docker builder build`.
public struct BuildCommand: Sendable, Equatable {
    public let docker: DockerOptions
    /// `docker buildx build` (always BuildKit) rather than `docker build` and its aliases.
    public let usesBuildx: Bool
    /// The `build` (or `b`) word.
    public let subcommand: ShellWord
    /// The flags, buildx's `--builder`/`--debug` given before `build` included.
    public let arguments: CommandArguments

    /// `DOCKER_BUILDKIT` as this command sees it. Only `docker build` reads it.
    public var buildKitVariable: ShellWord? { usesBuildx ? nil : docker.environment["DOCKER_BUILDKIT"] }

    /// `docker build` with `DOCKER_BUILDKIT` set to a false value (`0`, `false`…, read with Go's
    /// `strconv.ParseBool` as docker/cli does): the legacy builder runs, and `--cache-to`, `--platform`
    /// lists, `--push`, `--load`, `--output` types and attestations do not exist. BuildKit is the default
    /// since Docker Engine 23.0 (https://docs.docker.com/engine/reference/commandline/build/).
    public var buildKitDisabled: Bool {
        buildKitVariable?.literal.flatMap(GoBool.parse) == false
    }

    /// The build context: the last positional argument (buildx takes exactly one; when an unrecognised
    /// flag took a value, the value comes first).
    public var context: ShellWord? { arguments.positionals.last }
    public var file: ShellFlag? { arguments.last("file") }
    public var target: ShellFlag? { arguments.last("target") }
    /// `--builder`; when absent, `BUILDX_BUILDER` in `docker.environment` chooses.
    public var builder: ShellFlag? { arguments.last("builder") }
    public var cacheTo: [ShellFlag] { arguments.all("cache-to") }
    public var cacheFrom: [ShellFlag] { arguments.all("cache-from") }
    /// Each `--platform`; a value may list several platforms separated by commas.
    public var platforms: [ShellFlag] { arguments.all("platform") }
    public var outputs: [ShellFlag] { arguments.all("output") }
    public var tags: [ShellFlag] { arguments.all("tag") }
    public var attests: [ShellFlag] { arguments.all("attest") }
    public var provenance: ShellFlag? { arguments.last("provenance") }
    public var sbom: ShellFlag? { arguments.last("sbom") }
    public var buildArgs: [ShellFlag] { arguments.all("build-arg") }
    public var load: ShellFlag? { arguments.last("load") }
    public var push: ShellFlag? { arguments.last("push") }

    /// The value of the last `--build-arg NAME=value`, starting after `=` (`BUILDKIT_INLINE_CACHE`).
    public func buildArg(_ name: String) -> ShellWord? {
        for flag in buildArgs.reversed() {
            guard let value = flag.value, value.assignmentName == name else { continue }
            return value.subword(fromValueOffset: name.utf8.count + 1)
        }
        return nil
    }
}

/// `docker buildx bake`.
public struct BakeCommand: Sendable, Equatable {
    public let docker: DockerOptions
    public let subcommand: ShellWord
    public let arguments: CommandArguments

    /// The targets and groups named; none means the `default` group.
    public var targets: [ShellWord] { arguments.positionals }
    /// Each `-f`/`--file`; none means bake's default files.
    public var files: [ShellFlag] { arguments.all("file") }
    /// Each `--set target.key=value`.
    public var sets: [ShellFlag] { arguments.all("set") }
    public var builder: ShellFlag? { arguments.last("builder") }
    public var load: ShellFlag? { arguments.last("load") }
    public var push: ShellFlag? { arguments.last("push") }
    public var provenance: ShellFlag? { arguments.last("provenance") }
    public var sbom: ShellFlag? { arguments.last("sbom") }
}

/// `docker compose build` (or `docker-compose build`): builds the services of the Compose files with the
/// current buildx builder.
public struct ComposeBuildCommand: Sendable, Equatable {
    public let docker: DockerOptions
    /// Compose's own flags (before `build`) and `build`'s.
    public let compose: CommandArguments
    public let arguments: CommandArguments

    /// The services named; none means every service with a `build` section.
    public var services: [ShellWord] { arguments.positionals }
    /// Each `-f`/`--file`; none means Compose's default file.
    public var files: [ShellFlag] { compose.all("file") }
    public var projectDirectory: ShellFlag? { compose.last("project-directory") }
    public var builder: ShellFlag? { arguments.last("builder") }
    public var push: ShellFlag? { arguments.last("push") }
}

/// `docker buildx create`.
public struct CreateBuilderCommand: Sendable, Equatable {
    public let docker: DockerOptions
    public let subcommand: ShellWord
    public let arguments: CommandArguments

    public var name: ShellFlag? { arguments.last("name") }
    /// `--driver`; absent means `docker-container`.
    public var driver: ShellFlag? { arguments.last("driver") }
    public var driverOptions: [ShellFlag] { arguments.all("driver-opt") }
    /// `--use`: the new builder becomes the current one. Without it the builder is used only where
    /// `--builder NAME` or `BUILDX_BUILDER` names it.
    public var use: ShellFlag? { arguments.last("use") }
    public var bootstrap: ShellFlag? { arguments.last("bootstrap") }
    public var platforms: [ShellFlag] { arguments.all("platform") }
    public var buildkitdFlags: ShellFlag? { arguments.last("buildkitd-flags") }
    /// `--buildkitd-config` or its hidden older spelling `--config`.
    public var buildkitdConfig: ShellFlag? { arguments.flags.last { $0.name == "buildkitd-config" || $0.name == "config" } }
    /// `--append`: adds a node to the builder `--name` names instead of creating one.
    public var append: ShellFlag? { arguments.last("append") }
    public var leave: ShellFlag? { arguments.last("leave") }
    /// The Docker context or endpoint (`unix:///…`, `tcp://…`, a context name) the builder runs on.
    public var endpoint: ShellWord? { arguments.positionals.first }
}

/// `docker buildx use NAME`.
public struct UseBuilderCommand: Sendable, Equatable {
    public let docker: DockerOptions
    public let arguments: CommandArguments
    public var name: ShellWord? { arguments.positionals.first }
    /// `--default`: the builder becomes the default of the current Docker context.
    public var isDefault: Bool { arguments.last("default")?.booleanValue == true }
    /// `--global`: the builder stays current when the Docker context changes.
    public var isGlobal: Bool { arguments.last("global")?.booleanValue == true }
}

/// `docker buildx rm [NAME…]`; no name removes the current builder.
public struct RemoveBuilderCommand: Sendable, Equatable {
    public let docker: DockerOptions
    public let arguments: CommandArguments
    public var names: [ShellWord] { arguments.positionals }
    public var allInactive: Bool { arguments.last("all-inactive")?.booleanValue == true }
}

/// `docker context create NAME --docker host=…`.
public struct ContextCreateCommand: Sendable, Equatable {
    public let docker: DockerOptions
    public let arguments: CommandArguments
    public var name: ShellWord? { arguments.positionals.first }
    /// `--docker`: the endpoint, as `host=…,ca=…` pairs.
    public var dockerEndpoint: ShellFlag? { arguments.last("docker") }
    /// `--from`: copies another context.
    public var from: ShellFlag? { arguments.last("from") }
}

/// `docker login [REGISTRY]`; no registry means Docker Hub.
public struct LoginCommand: Sendable, Equatable {
    public let docker: DockerOptions
    public let arguments: CommandArguments
    public var registry: ShellWord? { arguments.positionals.first }
    public var username: ShellFlag? { arguments.last("username") }
    public var passwordFromStandardInput: Bool { arguments.last("password-stdin")?.booleanValue == true }
}

/// A script the command runs: `./build.sh`, `bash build.sh`, `sh -e build.sh`, `. build.sh`, `source build.sh`.
public struct ScriptCommand: Sendable, Equatable {
    public let path: ShellWord
    public let arguments: [ShellWord]
    /// The shell named before the path (`bash`); nil when the file is run directly or sourced.
    public let interpreter: ShellWord?
    /// `.` or `source`: the script runs in the calling shell, so its variables and `cd` stay.
    public let isSourced: Bool
}

/// `sh -c '…'`, `bash -c "…"`: a script given as a string.
public struct ShellStringCommand: Sendable, Equatable {
    /// The script text; `ShellScript.parse(shellString:)` reads it with ranges into the original input.
    public let script: ShellWord
    public let interpreter: ShellWord
    /// `$0`, `$1`… for the script.
    public let arguments: [ShellWord]
}

/// `make`, `make -C dir`, `make -f file target VAR=value`.
public struct MakeCommand: Sendable, Equatable {
    public let arguments: CommandArguments
    /// The goals named; none means the Makefile's default goal.
    public var targets: [ShellWord] { arguments.positionals.filter { $0.assignmentName == nil } }
    /// `-C`/`--directory`: make changes into it before reading the Makefile (the last one, relative to the
    /// ones before, counts).
    public var directories: [ShellFlag] { arguments.all("directory") }
    public var directory: ShellWord? { directories.last?.value }
    /// `-f`/`--file`/`--makefile`; none means `GNUmakefile`, `makefile` or `Makefile` in the directory.
    public var files: [ShellFlag] { arguments.all("file") }
    public var file: ShellWord? { files.last?.value }
    /// `NAME=value` arguments: they override the Makefile's own assignments.
    public var variables: [(name: String, value: ShellWord)] {
        arguments.positionals.compactMap { word in
            word.assignmentName.map { ($0, word.subword(fromValueOffset: $0.utf8.count + 1)) }
        }
    }
}

/// What a shell command does, when it is something buildx-doctor follows.
public enum ShellInvocation: Sendable, Equatable {
    case build(BuildCommand)
    case bake(BakeCommand)
    case composeBuild(ComposeBuildCommand)
    case createBuilder(CreateBuilderCommand)
    case useBuilder(UseBuilderCommand)
    case removeBuilder(RemoveBuilderCommand)
    case contextCreate(ContextCreateCommand)
    /// `docker context use NAME`.
    case contextUse(name: ShellWord?, docker: DockerOptions)
    case login(LoginCommand)
    case runScript(ScriptCommand)
    case shellString(ShellStringCommand)
    case make(MakeCommand)
}

/// Recognises the commands buildx-doctor follows in a `ShellCommand`: Docker and buildx invocations,
/// scripts, `sh -c` strings and `make`.
///
/// Flag tables come from buildx's `commands/build.go`, `bake.go`, `create.go`, `use.go`, `rm.go` and
/// `root.go` (hidden and experimental flags included, so that their values are not taken for the build
/// context), docker/cli's `cli/flags/options.go` (global options) and `cli/command/context/create.go`, and
/// GNU make's and bash's manuals.
public enum DockerCommand {
    public static func recognize(_ command: ShellCommand) -> ShellInvocation? {
        guard let first = command.words.first, let name = first.literal else { return nil }
        let words = command.words
        switch basename(name) {
        case "docker": return docker(words, command)
        case "buildx", "docker-buildx":
            return buildx(words, from: 1, global: ParsedFlags(), command)
        case "docker-compose":
            return compose(words[1...], docker: DockerOptions(flags: [], unrecognizedFlags: [], environment: environment(command)))
        case "make", "gmake":
            return .make(MakeCommand(arguments: parse(words[1...], FlagTables.make).arguments))
        case "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh":
            return shell(words)
        case ".", "source":
            guard words.count > 1 else { return nil }
            return .runScript(ScriptCommand(path: words[1], arguments: Array(words.dropFirst(2)), interpreter: nil, isSourced: true))
        default:
            // A command name with a slash is a file the shell runs itself (POSIX XCU 2.9.1.1).
            // The byte test first: Foundation's `contains` costs more than recognising the command.
            guard name.utf8.contains(UInt8(ascii: "/")), name.contains("/") else { return nil }
            return .runScript(ScriptCommand(path: first, arguments: Array(words.dropFirst()), interpreter: nil, isSourced: false))
        }
    }

    static func basename(_ path: String) -> Substring {
        path.splitting("/", omittingEmptySubsequences: false).last ?? Substring(path)
    }

    // MARK: Docker

    static func docker(_ words: [ShellWord], _ command: ShellCommand) -> ShellInvocation? {
        // docker/cli stops reading global options at the first argument that is not one (flags are not interspersed).
        let global = parse(words[1...], FlagTables.dockerGlobal, stopAtPositional: true)
        guard let index = global.stoppedAt, let subcommand = words[index].literal else { return nil }
        let options = DockerOptions(flags: global.flags, unrecognizedFlags: global.unrecognized, environment: environment(command))
        let rest = words[(index + 1)...]
        switch subcommand {
        case "build":
            return build(words[index], rest, usesBuildx: false, docker: options, inherited: [])
        case "image", "builder":
            guard let next = rest.first, next.literal == "build" else { return nil }
            return build(next, rest.dropFirst(), usesBuildx: false, docker: options, inherited: [])
        case "buildx":
            var parsed = ParsedFlags()
            parsed.flags = global.flags
            parsed.unrecognized = global.unrecognized
            return buildx(words, from: index + 1, global: parsed, command)
        case "context":
            guard let action = rest.first?.literal else { return nil }
            let arguments = parse(rest.dropFirst(), action == "create" ? FlagTables.contextCreate : FlagTables.none).arguments
            switch action {
            case "create": return .contextCreate(ContextCreateCommand(docker: options, arguments: arguments))
            case "use": return .contextUse(name: arguments.positionals.first, docker: options)
            default: return nil
            }
        case "login":
            return .login(LoginCommand(docker: options, arguments: parse(rest, FlagTables.login).arguments))
        case "compose":
            return compose(rest, docker: options)
        default:
            return nil
        }
    }

    /// `buildx …` with the words from `start`: buildx's own flags, then its subcommand.
    static func buildx(_ words: [ShellWord], from start: Int, global: ParsedFlags, _ command: ShellCommand) -> ShellInvocation? {
        let root = parse(words[start...], FlagTables.buildxRoot, stopAtPositional: true)
        guard let index = root.stoppedAt, let subcommand = words[index].literal else { return nil }
        let options = DockerOptions(flags: global.flags + root.flags, unrecognizedFlags: global.unrecognized + root.unrecognized,
                                    environment: environment(command))
        let rest = words[(index + 1)...]
        switch subcommand {
        case "build", "b":
            return build(words[index], rest, usesBuildx: true, docker: options, inherited: root.flags)
        case "bake", "f":
            let parsed = parse(rest, FlagTables.bake)
            return .bake(BakeCommand(docker: options, subcommand: words[index], arguments: parsed.arguments(inheriting: root.flags)))
        case "create":
            let parsed = parse(rest, FlagTables.create)
            return .createBuilder(CreateBuilderCommand(docker: options, subcommand: words[index], arguments: parsed.arguments(inheriting: root.flags)))
        case "use":
            return .useBuilder(UseBuilderCommand(docker: options, arguments: parse(rest, FlagTables.use).arguments(inheriting: root.flags)))
        case "rm":
            return .removeBuilder(RemoveBuilderCommand(docker: options, arguments: parse(rest, FlagTables.remove).arguments(inheriting: root.flags)))
        default:
            return nil
        }
    }

    /// `compose [flags] build [flags] [SERVICE…]`; other Compose subcommands are not followed.
    static func compose(_ words: ArraySlice<ShellWord>, docker: DockerOptions) -> ShellInvocation? {
        let global = parse(words, FlagTables.compose, stopAtPositional: true)
        guard let index = global.stoppedAt, words[index].literal == "build" else { return nil }
        let build = parse(words[(index + 1)...], FlagTables.composeBuild)
        return .composeBuild(ComposeBuildCommand(docker: docker, compose: global.arguments, arguments: build.arguments))
    }

    static func build(
        _ subcommand: ShellWord, _ rest: ArraySlice<ShellWord>, usesBuildx: Bool, docker: DockerOptions, inherited: [ShellFlag]
    ) -> ShellInvocation {
        let parsed = parse(rest, FlagTables.build)
        return .build(BuildCommand(docker: docker, usesBuildx: usesBuildx, subcommand: subcommand, arguments: parsed.arguments(inheriting: inherited)))
    }

    static func environment(_ command: ShellCommand) -> [String: ShellWord] {
        var result: [String: ShellWord] = [:]
        for name in ShellCommand.environmentNames {
            if let value = command.environmentValue(name) { result[name] = value }
        }
        return result
    }

    // MARK: Shells

    /// `bash [options] file args`, `bash -c 'script' args` (bash(1) "OPTIONS", sh(1p)).
    static func shell(_ words: [ShellWord]) -> ShellInvocation? {
        var index = 1
        var commandString = false
        while index < words.count {
            guard let text = words[index].literal else { break }
            if text == "--" || text == "-" {
                index += 1
                break
            }
            if text.hasPrefix("--") {
                // `--rcfile file`, `--init-file file`; other long options are booleans.
                index += text == "--rcfile" || text == "--init-file" ? 2 : 1
                continue
            }
            guard text.hasPrefix("-") || text.hasPrefix("+"), text.count > 1 else { break }
            let letters = text.dropFirst()
            if letters.contains("s") { return nil }  // the script comes from standard input
            if letters.contains("c") { commandString = true }
            // `-o name` and `-O name` take the next word.
            index += letters.last == "o" || letters.last == "O" ? 2 : 1
        }
        guard index < words.count else { return nil }
        if commandString {
            return .shellString(ShellStringCommand(script: words[index], interpreter: words[0], arguments: Array(words[(index + 1)...])))
        }
        return .runScript(ScriptCommand(path: words[index], arguments: Array(words[(index + 1)...]), interpreter: words[0], isSourced: false))
    }

    // MARK: Flags

    struct ParsedFlags {
        var flags: [ShellFlag] = []
        var positionals: [ShellWord] = []
        var unrecognized: [ShellWord] = []
        var opaque: [ShellWord] = []
        /// With `stopAtPositional`, the index of the first positional argument.
        var stoppedAt: Int?

        var arguments: CommandArguments { arguments(inheriting: []) }

        func arguments(inheriting inherited: [ShellFlag]) -> CommandArguments {
            CommandArguments(flags: inherited + flags, positionals: positionals, unrecognizedFlags: unrecognized, opaqueArguments: opaque)
        }
    }

    /// Reads flags the way pflag does: `--` ends them, `-` alone is an argument, a flag that takes a value
    /// takes the next word whatever it looks like, and flags may come between arguments.
    static func parse(_ words: ArraySlice<ShellWord>, _ table: FlagTable, stopAtPositional: Bool = false) -> ParsedFlags {
        var result = ParsedFlags()
        var index = words.startIndex
        var onlyPositionals = false
        while index < words.endIndex {
            let word = words[index]
            index += 1
            guard !onlyPositionals, case .literal(let head)? = word.parts.first, head.hasPrefix("-"), head != "-" else {
                if !onlyPositionals, !stopAtPositional, startsUnknown(word) {
                    result.opaque.append(word)
                    continue
                }
                if stopAtPositional {
                    // The subcommand; when it is unknown (`docker $COMMAND`), so is everything after it.
                    result.stoppedAt = index - 1
                    return result
                }
                result.positionals.append(word)
                continue
            }
            if head == "--", word.parts.count == 1 {
                onlyPositionals = true
                continue
            }
            let bytes = Array(head.utf8)
            if bytes.count > 1, bytes[1] == UInt8(ascii: "-") {
                // `--name` or `--name=value`.
                let equals = bytes.firstIndex(of: UInt8(ascii: "="))
                let nameEnd = equals ?? bytes.count
                let name = String(decoding: bytes[2..<nameEnd], as: UTF8.self)
                let nameRange = word.inputRange(ofValue: 0..<nameEnd)
                guard let specification = table.long[name] else {
                    result.unrecognized.append(word)
                    continue
                }
                var value: ShellWord?
                if let equals {
                    value = word.subword(fromValueOffset: equals + 1)
                } else if specification.takesValue, index < words.endIndex {
                    value = words[index]
                    index += 1
                } else if specification.takesOptionalNumber, index < words.endIndex, isNumber(words[index]) {
                    value = words[index]
                    index += 1
                }
                result.flags.append(ShellFlag(name: specification.name, word: word, nameRange: nameRange, value: value))
                continue
            }
            // A cluster of one-letter flags; one that takes a value takes the rest of the word or the next word.
            var offset = 1
            while offset < bytes.count {
                let letter = bytes[offset]
                let nameRange = word.inputRange(ofValue: offset..<(offset + 1))
                guard let specification = table.short[letter] else {
                    result.unrecognized.append(word)
                    break
                }
                if specification.takesValue || specification.takesOptionalNumber && offset + 1 == bytes.count && index < words.endIndex
                    && isNumber(words[index]) || specification.takesOptionalNumber && offset + 1 < bytes.count
                {
                    var value: ShellWord?
                    if offset + 1 < word.valueLength {
                        let start = offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "=") ? offset + 2 : offset + 1
                        value = word.subword(fromValueOffset: start)
                    } else if index < words.endIndex {
                        value = words[index]
                        index += 1
                    }
                    result.flags.append(ShellFlag(name: specification.name, word: word, nameRange: nameRange, value: value))
                    break
                }
                if offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "=") {
                    result.flags.append(ShellFlag(name: specification.name, word: word, nameRange: nameRange,
                                                  value: word.subword(fromValueOffset: offset + 2)))
                    break
                }
                result.flags.append(ShellFlag(name: specification.name, word: word, nameRange: nameRange, value: nil))
                offset += 1
            }
        }
        return result
    }

    static func isNumber(_ word: ShellWord) -> Bool {
        guard let text = word.literal, !text.isEmpty else { return false }
        return text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func startsUnknown(_ word: ShellWord) -> Bool {
        if case .unknown? = word.parts.first { return true }
        return false
    }
}

/// Which flags a command knows and whether each takes a value.
struct FlagTable: Sendable {
    struct Flag: Sendable {
        let name: String
        let takesValue: Bool
        /// Takes a value only when attached (`-j4`) or when the next word is a number (`-j 4`), as GNU make's `-j` and `-l`.
        var takesOptionalNumber = false
    }

    let long: [String: Flag]
    let short: [UInt8: Flag]

    /// `values` and `booleans` list long names, each optionally followed by `/x` for its one-letter form.
    init(values: [String], booleans: [String], optionalNumbers: [String] = []) {
        var long: [String: Flag] = [:]
        var short: [UInt8: Flag] = [:]
        for (list, takesValue) in [(values, true), (booleans, false), (optionalNumbers, false)] {
            for entry in list {
                let pieces = entry.split(separator: "/")
                var flag = Flag(name: String(pieces[0]), takesValue: takesValue)
                flag.takesOptionalNumber = optionalNumbers.contains(entry)
                long[flag.name] = flag
                if pieces.count > 1, let letter = pieces[1].utf8.first { short[letter] = flag }
            }
        }
        self.long = long
        self.short = short
    }
}

enum FlagTables {
    static let none = FlagTable(values: [], booleans: [])

    /// docker/cli `cli/flags/options.go`.
    static let dockerGlobal = FlagTable(
        values: ["config", "context/c", "host/H", "log-level/l", "tlscacert", "tlscert", "tlskey"],
        booleans: ["debug/D", "tls", "tlsverify", "version/v", "help"]
    )

    /// buildx `commands/root.go`: persistent on every subcommand.
    static let buildxRoot = FlagTable(values: ["builder"], booleans: ["debug/D"])

    /// buildx `commands/build.go` (`buildCmd`, `commonBuildFlags`), hidden and experimental flags included;
    /// docker/cli's legacy builder adds `--disable-content-trust`.
    static let build = FlagTable(
        values: [
            "add-host", "allow", "annotation", "attest", "build-arg", "build-context", "builder", "cache-from", "cache-to", "call",
            "cgroup-parent", "file/f", "iidfile", "label", "metadata-file", "network", "no-cache-filter", "output/o", "platform",
            "progress", "provenance", "sbom", "secret", "shm-size", "ssh", "tag/t", "target", "ulimit", "isolation", "security-opt",
            "memory/m", "memory-swap", "cpu-shares/c", "cpu-period", "cpu-quota", "cpuset-cpus", "cpuset-mems", "print", "root",
            "server-config", "invoke", "on", "policy",
        ],
        booleans: [
            "load", "push", "no-cache", "pull", "quiet/q", "check", "debug/D", "detach", "compress", "squash", "rm", "force-rm",
            "disable-content-trust",
        ]
    )

    /// buildx `commands/bake.go`.
    static let bake = FlagTable(
        values: ["file/f", "set", "sbom", "provenance", "call", "allow", "list", "progress", "metadata-file", "builder", "var"],
        booleans: ["load", "push", "print", "check", "list-targets", "list-variables", "no-cache", "pull", "debug/D"]
    )

    /// docker/compose `cmd/compose/compose.go` (the root command's flags).
    static let compose = FlagTable(
        values: ["file/f", "project-name/p", "project-directory", "env-file", "profile", "ansi", "progress", "parallel", "workdir"],
        booleans: ["dry-run", "compatibility", "all-resources", "verbose", "no-ansi", "version/v"]
    )

    /// docker/compose `cmd/compose/build.go`.
    static let composeBuild = FlagTable(
        values: ["build-arg", "builder", "memory/m", "progress", "ssh"],
        booleans: ["no-cache", "pull", "push", "quiet/q", "with-dependencies", "print", "check", "no-rm", "parallel", "compress", "force-rm"]
    )

    /// buildx `commands/create.go`.
    static let create = FlagTable(
        values: ["name", "driver", "node", "platform", "driver-opt", "buildkitd-flags", "buildkitd-config", "config", "timeout", "builder"],
        booleans: ["bootstrap", "append", "leave", "use", "debug/D"]
    )

    /// buildx `commands/use.go`.
    static let use = FlagTable(values: ["builder"], booleans: ["default", "global", "debug/D"])

    /// buildx `commands/rm.go`.
    static let remove = FlagTable(values: ["builder", "timeout"], booleans: ["keep-state", "keep-daemon", "all-inactive", "force/f", "debug/D"])

    /// docker/cli `cli/command/context/create.go`.
    static let contextCreate = FlagTable(
        values: ["description", "docker", "from", "default-stack-orchestrator", "kubernetes"], booleans: []
    )

    /// docker/cli `cli/command/registry/login.go`.
    static let login = FlagTable(values: ["username/u", "password/p"], booleans: ["password-stdin"])

    /// GNU make's options (make(1)).
    static let make = FlagTable(
        values: [
            "directory/C", "file/f", "makefile", "include-dir/I", "old-file/o", "assume-old", "what-if/W", "new-file", "assume-new", "eval/E",
        ],
        booleans: [
            "always-make/B", "environment-overrides/e", "ignore-errors/i", "keep-going/k", "just-print/n", "dry-run", "recon",
            "print-data-base/p", "question/q", "no-builtin-rules/r", "no-builtin-variables/R", "silent/s", "quiet", "stop/S",
            "no-keep-going", "touch/t", "version/v", "print-directory/w", "no-print-directory", "warn-undefined-variables", "trace",
            "check-symlink-times/L", "debug/d", "output-sync/O", "help/h", "shuffle",
        ],
        optionalNumbers: ["jobs/j", "load-average/l"]
    )
}
