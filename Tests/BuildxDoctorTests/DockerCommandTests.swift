import BuildxDoctor
import BuildxModel
import Testing

/// What `DockerCommand` makes of each command of `text`.
private func invocations(_ text: String, knownVariables: [String: String] = [:]) -> [ShellInvocation?] {
    ShellScript.parse(text, knownVariables: knownVariables).commands.map(DockerCommand.recognize)
}

private func build(_ text: String, knownVariables: [String: String] = [:]) throws -> BuildCommand {
    let found = invocations(text, knownVariables: knownVariables).compactMap { invocation -> BuildCommand? in
        if case .build(let command)? = invocation { return command }
        return nil
    }
    return try #require(found.last)
}

@Suite("Docker and script commands in shell")
struct DockerCommandTests {
    // MARK: Builds

    @Test func buildxBuildFlagsAndTheirRanges() throws {
        let text = "docker buildx build --cache-to type=gha --cache-from=type=gha,scope=x -t app:1 --tag=app:2 --push --platform linux/amd64,linux/arm64 ."
        let command = try build(text)
        #expect(command.usesBuildx)
        #expect(command.subcommand.range == byteRange(of: "build", in: text, occurrence: 1))
        #expect(command.cacheTo.map { $0.value?.literal } == ["type=gha"])
        #expect(command.cacheTo[0].value?.range == 31..<39)
        #expect(command.cacheTo[0].nameRange == 20..<30)
        #expect(command.cacheTo[0].word.range == 20..<30)
        #expect(command.cacheFrom.map { $0.value?.literal } == ["type=gha,scope=x"])
        #expect(command.cacheFrom[0].nameRange == byteRange(of: "--cache-from", in: text))
        #expect(command.cacheFrom[0].value?.range == byteRange(of: "type=gha,scope=x", in: text))
        #expect(command.tags.map { $0.value?.literal } == ["app:1", "app:2"])
        #expect(command.push?.booleanValue == true)
        #expect(command.load == nil)
        let platforms = try #require(command.platforms.first?.value).components(separatedBy: ",")
        #expect(platforms.map(\.literal) == ["linux/amd64", "linux/arm64"])
        #expect(platforms[1].range == byteRange(of: "linux/arm64", in: text))
        #expect(command.context?.literal == ".")
        #expect(command.arguments.unrecognizedFlags.isEmpty && command.arguments.opaqueArguments.isEmpty)
    }

    @Test func aCacheEntryInQuotesParsesWithBuildxsParserAndPointsAtTheInput() throws {
        let text = #"docker buildx build --cache-to "type=registry,ref=$REGISTRY/app:cache,mode=max" ."#
        let value = try #require(try build(text).cacheTo.first?.value)
        let masked = value.masked
        let spec = try #require(try CacheSpecParser.parse(masked.text).first)
        let mode = try #require(spec.field("mode"))
        #expect(mode.value == "max")
        #expect(value.inputRange(ofValue: mode.range) == byteRange(of: "mode=max", in: text))
        let reference = try #require(spec.field("ref"))
        #expect(masked.isUnknown(reference.range))
        #expect(value.inputRange(ofValue: reference.range) == byteRange(of: "ref=$REGISTRY/app:cache", in: text))
    }

    @Test func valueFlagsTakeTheNextWordSoTheContextIsFound() throws {
        let command = try build("docker buildx build --tag x --file - -o type=local,dest=out --target t --attest type=sbom --provenance=mode=max --sbom false ctx")
        #expect(command.context?.literal == "ctx")
        #expect(command.arguments.positionals.map(\.literal) == ["ctx"])
        #expect(command.file?.value?.literal == "-")
        #expect(command.outputs.map { $0.value?.literal } == ["type=local,dest=out"])
        #expect(command.target?.value?.literal == "t")
        #expect(command.attests.map { $0.value?.literal } == ["type=sbom"])
        #expect(command.provenance?.value?.literal == "mode=max")
        #expect(command.sbom?.value?.literal == "false")
    }

    @Test func shortFlagsClusterAndTakeAttachedValues() throws {
        let text = "docker buildx b -qtapp:1 -fDockerfile.ci -o=out -D ."
        let command = try build(text)
        #expect(command.arguments.flags.map(\.name) == ["quiet", "tag", "file", "output", "debug"])
        #expect(command.tags.first?.value?.literal == "app:1")
        let cluster = byteRange(of: "-qtapp:1", in: text)
        #expect(command.tags.first?.nameRange == (cluster.lowerBound + 2)..<(cluster.lowerBound + 3))
        #expect(command.tags.first?.word.range == cluster)
        #expect(command.tags.first?.value?.range == byteRange(of: "app:1", in: text))
        #expect(command.file?.value?.literal == "Dockerfile.ci")
        #expect(command.outputs.first?.value?.literal == "out")
        #expect(command.context?.literal == ".")
    }

    @Test func booleanFlagsReadTheirValueOnlyAfterEquals() throws {
        let command = try build("docker buildx build --push=false --load --no-cache true")
        #expect(command.push?.booleanValue == false)
        #expect(command.load?.booleanValue == true)
        #expect(command.context?.literal == "true")
    }

    @Test func buildArgsAndInlineCache() throws {
        let text = "docker build --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg=VERSION=2 ."
        let command = try build(text)
        #expect(!command.usesBuildx)
        #expect(command.buildArgs.count == 2)
        #expect(command.buildArg("BUILDKIT_INLINE_CACHE")?.literal == "1")
        #expect(command.buildArg("BUILDKIT_INLINE_CACHE")?.range == byteRange(of: "1", in: text))
        #expect(command.buildArg("VERSION")?.literal == "2")
        #expect(command.buildArg("OTHER") == nil)
    }

    @Test func theBuilderIsChosenBeforeOrAfterTheSubcommand() throws {
        let before = try build("docker buildx --builder ci build .")
        #expect(before.builder?.value?.literal == "ci")
        #expect(before.docker.flags.map(\.name) == ["builder"])
        let after = try build("docker buildx build --builder=ci .")
        #expect(after.builder?.value?.literal == "ci")
        let environment = try build("BUILDX_BUILDER=ci docker buildx build .")
        #expect(environment.builder == nil)
        #expect(environment.docker.environment["BUILDX_BUILDER"]?.literal == "ci")
    }

    @Test func dockerGlobalOptionsComeBeforeTheSubcommand() throws {
        let command = try build("docker --context remote -H tcp://h:2376 --config /c -l debug -D --tlsverify buildx build .")
        #expect(command.docker.context?.value?.literal == "remote")
        #expect(command.docker.host?.value?.literal == "tcp://h:2376")
        #expect(command.docker.config?.value?.literal == "/c")
        #expect(command.docker.flags.map(\.name) == ["context", "host", "config", "log-level", "debug", "tlsverify"])
        let short = try build("docker -c other build .")
        #expect(short.docker.context?.value?.literal == "other")
    }

    @Test func buildAliases() throws {
        #expect(try build("docker image build .").usesBuildx == false)
        #expect(try build("docker builder build .").usesBuildx == false)
        #expect(try build("/usr/bin/docker buildx build .").usesBuildx)
        #expect(try build("sudo docker build .").subcommand.literal == "build")
        #expect(try build("buildx build .").usesBuildx)
    }

    @Test func dockerBuildKitZeroTurnsTheLegacyBuilderOn() throws {
        #expect(try build("DOCKER_BUILDKIT=0 docker build .").buildKitDisabled)
        #expect(try build("DOCKER_BUILDKIT=false docker build .").buildKitDisabled)
        #expect(try build("export DOCKER_BUILDKIT=0\ndocker build .").buildKitDisabled)
        #expect(try build("DOCKER_BUILDKIT=1 docker build .").buildKitDisabled == false)
        #expect(try build("docker build .").buildKitDisabled == false)
        let unknown = try build("DOCKER_BUILDKIT=$X docker build .")
        #expect(unknown.buildKitDisabled == false)
        #expect(unknown.buildKitVariable?.literal == nil)
        #expect(unknown.buildKitVariable?.displayText == "$X")
        // buildx does not read DOCKER_BUILDKIT.
        #expect(try build("DOCKER_BUILDKIT=0 docker buildx build .").buildKitDisabled == false)
        let host = try build("DOCKER_HOST=ssh://u@h docker build .")
        #expect(host.docker.environment["DOCKER_HOST"]?.literal == "ssh://u@h")
    }

    @Test func unknownFlagsAndOpaqueArgumentsAreKept() throws {
        let command = try build("docker buildx build $CACHE_ARGS --frobnicate value ${{ inputs.args }} .")
        #expect(command.arguments.unrecognizedFlags.map(\.literal) == ["--frobnicate"])
        #expect(command.arguments.opaqueArguments.map(\.displayText) == ["$CACHE_ARGS", "${{ inputs.args }}"])
        #expect(command.arguments.mayHaveMoreFlags)
        #expect(command.arguments.positionals.map(\.literal) == ["value", "."])
        #expect(command.context?.literal == ".")
    }

    @Test func aDoubleDashEndsTheFlags() throws {
        let command = try build("docker buildx build --push -- --load")
        #expect(command.load == nil)
        #expect(command.context?.literal == "--load")
    }

    @Test func knownVariablesFillFlagValues() throws {
        let text = "CACHE=type=gha,mode=max\ndocker buildx build --cache-to \"$CACHE\" $FLAGS ."
        let command = try build(text, knownVariables: ["FLAGS": "--push --platform linux/arm64"])
        #expect(command.cacheTo.first?.value?.literal == "type=gha,mode=max")
        #expect(command.cacheTo.first?.value?.inputRange(ofValue: 9..<17) == byteRange(of: "$CACHE", in: text))
        #expect(command.push != nil)
        #expect(command.platforms.first?.value?.literal == "linux/arm64")
    }

    // MARK: Bake and builders

    @Test func bake() throws {
        let text = "docker buildx bake -f a.hcl --file=b.hcl --set '*.cache-to=type=gha' --push --builder x app test"
        guard case .bake(let bake)? = invocations(text).first else { Issue.record("not bake"); return }
        #expect(bake.targets.map(\.literal) == ["app", "test"])
        #expect(bake.files.map { $0.value?.literal } == ["a.hcl", "b.hcl"])
        #expect(bake.sets.map { $0.value?.literal } == ["*.cache-to=type=gha"])
        #expect(bake.sets.first?.value?.range == byteRange(of: "'*.cache-to=type=gha'", in: text))
        #expect(bake.push?.booleanValue == true)
        #expect(bake.builder?.value?.literal == "x")
        guard case .bake? = invocations("docker buildx f").first else { Issue.record("alias"); return }
    }

    @Test func createBuilder() throws {
        let text = "docker buildx create --name ci --driver docker-container --driver-opt network=host --driver-opt image=moby/buildkit:v0.12 --use --bootstrap --platform linux/arm64 --buildkitd-flags '--debug' unix:///var/run/docker.sock"
        guard case .createBuilder(let create)? = invocations(text).first else { Issue.record("not create"); return }
        #expect(create.name?.value?.literal == "ci")
        #expect(create.driver?.value?.literal == "docker-container")
        #expect(create.driverOptions.map { $0.value?.literal } == ["network=host", "image=moby/buildkit:v0.12"])
        #expect(create.use?.booleanValue == true)
        #expect(create.bootstrap?.booleanValue == true)
        #expect(create.platforms.map { $0.value?.literal } == ["linux/arm64"])
        #expect(create.buildkitdFlags?.value?.literal == "--debug")
        #expect(create.endpoint?.literal == "unix:///var/run/docker.sock")
        #expect(create.endpoint?.range == byteRange(of: "unix:///var/run/docker.sock", in: text))
        guard case .createBuilder(let plain)? = invocations("docker buildx create --config c.toml").first else { Issue.record("plain"); return }
        #expect(plain.use == nil)
        #expect(plain.driver == nil)
        #expect(plain.buildkitdConfig?.value?.literal == "c.toml")
        #expect(plain.endpoint == nil)
    }

    @Test func useRemoveAndContexts() {
        let all = invocations("""
            docker buildx use --global ci
            docker buildx rm --all-inactive -f
            docker buildx rm a b
            docker context create remote --docker host=ssh://me@host --description x
            docker context use remote
            docker login ghcr.io -u me --password-stdin
            docker login
            """)
        guard case .useBuilder(let use)? = all[0], case .removeBuilder(let remove)? = all[1], case .removeBuilder(let removeNamed)? = all[2],
              case .contextCreate(let create)? = all[3], case .contextUse(let name, _)? = all[4], case .login(let login)? = all[5],
              case .login(let hub)? = all[6]
        else {
            Issue.record("unexpected \(all)")
            return
        }
        #expect(use.name?.literal == "ci" && use.isGlobal && !use.isDefault)
        #expect(remove.allInactive && remove.names.isEmpty)
        #expect(removeNamed.names.map(\.literal) == ["a", "b"])
        #expect(create.name?.literal == "remote")
        #expect(create.dockerEndpoint?.value?.literal == "host=ssh://me@host")
        #expect(name?.literal == "remote")
        #expect(login.registry?.literal == "ghcr.io")
        #expect(login.username?.value?.literal == "me")
        #expect(login.passwordFromStandardInput)
        #expect(hub.registry == nil)
    }

    // MARK: Not Docker builds

    @Test func mentionsAndOtherCommandsAreNotRecognised() {
        let all = invocations("""
            echo docker buildx build --push
            # docker build .
            docker ps
            docker $SUBCOMMAND build .
            docker buildx inspect --bootstrap
            docker context ls
            "${{ inputs.tool }}" build .
            printf '%s' "docker buildx build"
            """)
        #expect(all.count == 7)
        #expect(all.allSatisfy { $0 == nil })
    }

    // MARK: Scripts and make

    @Test func scriptsAreRecognised() {
        let all = invocations("""
            ./scripts/build.sh --push
            bash -e scripts/ci.sh x
            sh -o errexit build.sh
            . ./env.sh
            source env.sh
            bash
            bash -s arg
            build.sh
            """)
        guard case .runScript(let direct)? = all[0], case .runScript(let bash)? = all[1], case .runScript(let sh)? = all[2],
              case .runScript(let dot)? = all[3], case .runScript(let source)? = all[4]
        else {
            Issue.record("unexpected \(all)")
            return
        }
        #expect(direct.path.literal == "./scripts/build.sh" && direct.interpreter == nil && !direct.isSourced)
        #expect(direct.arguments.map(\.literal) == ["--push"])
        #expect(bash.path.literal == "scripts/ci.sh" && bash.interpreter?.literal == "bash" && bash.arguments.map(\.literal) == ["x"])
        #expect(sh.path.literal == "build.sh")
        #expect(dot.path.literal == "./env.sh" && dot.isSourced)
        #expect(source.path.literal == "env.sh" && source.isSourced)
        // A shell reading standard input, and a name looked up in PATH, are not scripts of the repository.
        #expect(all[5] == nil && all[6] == nil && all[7] == nil)
    }

    @Test func shellStringsAreReadAsScriptsWithRangesIntoTheStep() throws {
        let text = "sh -c 'docker buildx build --cache-to type=gha .' sh"
        guard case .shellString(let string)? = invocations(text).first else { Issue.record("not a shell string"); return }
        #expect(string.interpreter.literal == "sh")
        #expect(string.arguments.map(\.literal) == ["sh"])
        let inner = ShellScript.parse(shellString: string.script)
        let command = try #require(inner.commands.first)
        guard case .build(let build)? = DockerCommand.recognize(command) else { Issue.record("not a build"); return }
        #expect(build.cacheTo.first?.value?.range == byteRange(of: "type=gha", in: text))
        guard case .shellString? = invocations("bash -xec 'make'").first else { Issue.record("cluster"); return }
    }

    @Test func make() throws {
        let text = "make -C services/api -j 4 --file=ci.mk build push IMAGE=ghcr.io/acme/api"
        guard case .make(let make)? = invocations(text).first else { Issue.record("not make"); return }
        #expect(make.targets.map(\.literal) == ["build", "push"])
        #expect(make.directory?.literal == "services/api")
        #expect(make.file?.literal == "ci.mk")
        #expect(make.variables.map(\.name) == ["IMAGE"])
        #expect(make.variables.first?.value.literal == "ghcr.io/acme/api")
        #expect(make.variables.first?.value.range == byteRange(of: "ghcr.io/acme/api", in: text))
        guard case .make(let plain)? = invocations("make -j4 -k").first else { Issue.record("plain"); return }
        #expect(plain.targets.isEmpty)
        #expect(plain.directory == nil && plain.file == nil)
    }
}
