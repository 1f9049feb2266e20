@testable import BuildxDoctor
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The machinery of the `Fuzz` suite (FuzzTests.swift): a seeded generator, mutations, a generator of
// workflows, and the oracle that states what must hold for every input.

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a
/// 64-bit state advanced by a constant and mixed. Our own so that a seed gives the same inputs on every
/// platform and Swift version, which `SystemRandomNumberGenerator` cannot promise.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int.random(in: 0..<bound, using: &self) }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// One input for the oracle and how it was made, so that a failure names something reproducible.
struct FuzzInput: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    /// The path the checker sees: `action.yml` makes content-less files count as composite actions.
    var path: String = ".github/workflows/fuzz.yml"
    var testDescription: String { name }

    init(name: String, bytes: [UInt8], path: String = ".github/workflows/fuzz.yml") {
        self.name = name
        self.bytes = bytes
        self.path = path
    }

    init(name: String, text: String, path: String = ".github/workflows/fuzz.yml") {
        self.init(name: name, bytes: Array(text.utf8), path: path)
    }
}

// MARK: - Mutations

/// A change to an input's bytes: named so a failing case says what was done.
struct Mutation: Sendable {
    let name: String
    let apply: @Sendable (inout [UInt8], inout SplitMix64) -> Void

    /// Every kind of line break libyaml counts, and the characters YAML forbids or treats specially.
    static let lineBreaks: [[UInt8]] = ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"].map { Array($0.utf8) }
    static let oddBytes: [[UInt8]] = [
        [0x09], [0x00], [0x01], [0x07], [0x08], [0x0B], [0x0C], [0x1B], [0x1F], [0x7F],
        Array("\u{80}".utf8), Array("\u{9F}".utf8), Array("\u{FEFF}".utf8), Array("\u{200B}".utf8), Array("\u{FFFD}".utf8),
        // Not UTF-8: a lone continuation byte, an overlong NUL, a truncated sequence, an encoded surrogate, 0xFF.
        [0x80], [0xC0, 0x80], [0xE2, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80],
    ]
    static let wideText: [String] = ["日本語", "🙂", "👩‍👩‍👧", "e\u{301}", "한국어", "\u{FF21}\u{FF22}", "𝔘", "\u{202E}rtl"]
    static let syntax: [String] = [
        "&a ", "*a", "<<: *a\n", "{", "}", "[", "]", ": ", "- ", "? ", "|", ">", "|2-", "# c", "---\n", "...\n",
        "%YAML 1.1\n", "!!str ", "!t ", "\"", "'", "\\", ",", "${{ ", "}}", "${{ github.ref }}", "${{ '}}' }}",
        "\t", " ", "  ", "@", "`", "%", "&", "*", "!", "=", "type=", "mode=max", "ref=", ",mode=max", "\"a,b=c\"",
        // Shell and make: substitutions, here-documents, continuations, variables, conditionals.
        "$(", ")", "$((", "${", "${X:-", "<<EOF\n", "<<'E'\n", "\\\n", "|", "&&", ";", "$(MAKE)", "$$", "$@", "define X\n", "endef\n",
        "ifeq (a,b)\n", "endif\n", "include x.mk\n", "\t@", " --cache-to ", " --cache-to=", " --cache-from \"", " docker buildx build ",
    ]

    static let all: [Mutation] = [
        Mutation(name: "flip a bit") { bytes, rng in
            guard !bytes.isEmpty else { return }
            bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
        },
        Mutation(name: "flip a low bit (stays ASCII)") { bytes, rng in
            guard !bytes.isEmpty else { return }
            bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(7))
        },
        Mutation(name: "delete bytes") { bytes, rng in
            guard !bytes.isEmpty else { return }
            let start = rng.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + rng.below(16)))
        },
        Mutation(name: "delete a line") { bytes, rng in editLines(&bytes, &rng) { lines, rng in lines.remove(at: rng.below(lines.count)) } },
        Mutation(name: "duplicate a line") { bytes, rng in
            editLines(&bytes, &rng) { lines, rng in
                let index = rng.below(lines.count)
                lines.insert(lines[index], at: index)
            }
        },
        Mutation(name: "duplicate a run of lines") { bytes, rng in
            editLines(&bytes, &rng) { lines, rng in
                let start = rng.below(lines.count)
                let run = lines[start..<min(lines.count, start + 1 + rng.below(12))]
                lines.insert(contentsOf: run, at: rng.below(lines.count + 1))
            }
        },
        Mutation(name: "swap two lines") { bytes, rng in
            editLines(&bytes, &rng) { lines, rng in lines.swapAt(rng.below(lines.count), rng.below(lines.count)) }
        },
        Mutation(name: "indent or outdent a line") { bytes, rng in
            editLines(&bytes, &rng) { lines, rng in
                let index = rng.below(lines.count)
                if rng.chance(50) {
                    lines[index] = Array(repeating: UInt8(ascii: " "), count: 1 + rng.below(4)) + lines[index]
                } else {
                    lines[index] = Array(lines[index].drop { $0 == UInt8(ascii: " ") })
                }
            }
        },
        Mutation(name: "insert a line break") { bytes, rng in insert(rng.pick(lineBreaks), into: &bytes, &rng) },
        Mutation(name: "every line break becomes another kind") { bytes, rng in
            let replacement = rng.pick(Array(lineBreaks.dropFirst()))
            bytes = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                .joined(separator: replacement).map { $0 }
        },
        Mutation(name: "one line break becomes another kind") { bytes, rng in
            let breaks = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
            guard !breaks.isEmpty else { return }
            let at = rng.pick(breaks)
            bytes.replaceSubrange(at...at, with: rng.pick(lineBreaks))
        },
        Mutation(name: "insert an odd character") { bytes, rng in insert(rng.pick(oddBytes), into: &bytes, &rng) },
        Mutation(name: "insert a byte order mark") { bytes, rng in
            if rng.chance(50) { bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0) } else { insert([0xEF, 0xBB, 0xBF], into: &bytes, &rng) }
        },
        Mutation(name: "insert wide characters") { bytes, rng in insert(Array(rng.pick(wideText).utf8), into: &bytes, &rng) },
        Mutation(name: "insert YAML syntax") { bytes, rng in insert(Array(rng.pick(syntax).utf8), into: &bytes, &rng) },
        Mutation(name: "wrap a value in an expression") { bytes, rng in
            editLines(&bytes, &rng) { lines, rng in
                let index = rng.below(lines.count)
                guard let colon = lines[index].firstIndex(of: UInt8(ascii: ":")) else { return }
                lines[index].insert(contentsOf: Array(" ${{ x }}".utf8), at: colon + 1)
            }
        },
        Mutation(name: "splice a line from elsewhere") { bytes, rng in
            let donor = rng.pick(donorLines)
            editLines(&bytes, &rng) { lines, rng in lines.insert(donor, at: rng.below(lines.count + 1)) }
        },
        Mutation(name: "truncate") { bytes, rng in
            guard !bytes.isEmpty else { return }
            bytes.removeSubrange(rng.below(bytes.count)...)
        },
        Mutation(name: "repeat a line's value") { bytes, rng in
            editLines(&bytes, &rng) { lines, rng in
                let index = rng.below(lines.count)
                guard let colon = lines[index].firstIndex(of: UInt8(ascii: ":")), colon + 1 < lines[index].count else { return }
                let value = Array(lines[index][(colon + 1)...])
                lines[index] += Array(repeating: value, count: 2 + rng.below(30)).joined(separator: Array(",".utf8))
            }
        },
    ]

    /// Lines worth splicing in anywhere: they make findings, fixes and odd structure.
    static let donorLines: [[UInt8]] = [
        "    steps:", "      - uses: docker/build-push-action@v6", "        with:", "          cache-to: type=gha,mode=max",
        "          cache-from: type=local,src=/tmp/c", "          cache-to: type=local,dest=/tmp/c", "          push: true",
        "          platforms: linux/amd64,linux/arm64", "          load: true", "      - uses: docker/setup-buildx-action@v3",
        "          driver: docker", "          use: false", "        with: {driver: docker, install: true} # keep",
        "          cache-to: type=registry,ref=ghcr.io/Acme/App:cache,mode=maximum", "permissions: {contents: read}",
        "      - &s {uses: docker/build-push-action@v6, with: {cache-to: type=gha}}", "      - *s", "      - <<: *s",
        "          cache-to: |", "            type=inline,mode=max", "  b:", "    runs-on: ubuntu-latest", "on: push", "jobs:",
    ].map { Array($0.utf8) }

    private static func insert(_ piece: [UInt8], into bytes: inout [UInt8], _ rng: inout SplitMix64) {
        bytes.insert(contentsOf: piece, at: rng.below(bytes.count + 1))
    }

    private static func editLines(
        _ bytes: inout [UInt8], _ rng: inout SplitMix64, _ edit: (inout [[UInt8]], inout SplitMix64) -> Void
    ) {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        guard !lines.isEmpty else { return }
        edit(&lines, &rng)
        bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }
}

/// `count` mutated versions of `seed`, each one to three mutations deep, the same for the same `rngSeed`.
func mutants(of seed: FuzzInput, count: Int, rngSeed: UInt64) -> [FuzzInput] {
    var rng = SplitMix64(seed: rngSeed)
    return (0..<count).map { index in
        var bytes = seed.bytes
        var names: [String] = []
        for _ in 0...rng.below(3) {
            let mutation = rng.pick(Mutation.all)
            mutation.apply(&bytes, &rng)
            names.append(mutation.name)
        }
        // Now and then the same bytes go to another frontend: a workflow read as a Makefile, a script as GitLab CI.
        var path = seed.path
        if rng.chance(8) {
            path = rng.pick([".github/workflows/other.yml", "action.yml", ".gitlab-ci.yml", ".circleci/config.yml", "build.sh", "Makefile"])
            names.append("read as \(path)")
        }
        return FuzzInput(name: "\(seed.name) #\(index) (seed \(rngSeed)): \(names.joined(separator: ", "))", bytes: bytes, path: path)
    }
}

// MARK: - Generated workflows

/// Writes random but plausible workflows and composite actions: the builders, drivers, cache entries and
/// inputs the rules read, in every scalar style YAML has, with expressions, anchors, comments and wide
/// characters, so that findings and fixes land in awkward places.
struct WorkflowGenerator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A file of a random kind this tool reads, with a path that makes the checker read it as that kind.
    mutating func document() -> (text: String, path: String) {
        switch rng.below(20) {
        case 0...9: (workflow(), ".github/workflows/generated.yml")
        case 10...11: (compositeAction(), "action.yml")
        case 12...13: (shellScript(), rng.pick(["scripts/build.sh", "ci/release.bash"]))
        case 14...15: (makefile(), rng.pick(["Makefile", "docker.mk"]))
        case 16...18: (gitlabCI(), ".gitlab-ci.yml")
        default: (circleCI(), ".circleci/config.yml")
        }
    }

    /// A `docker build`, `docker buildx build|bake|create|use` command with random flags, quoting,
    /// expansions and line continuations, as scripts and CI jobs write them.
    mutating func dockerCommand() -> String {
        let command = rng.pick([
            "docker buildx build", "docker build", "docker buildx build", "docker buildx bake", "docker buildx create --use",
            "docker buildx create --driver docker-container --use --name ci", "docker buildx use ci", "DOCKER_BUILDKIT=1 docker build",
            "docker --context remote buildx build", "sudo docker buildx build", "docker buildx --builder b build",
        ])
        var words = [command]
        for _ in 0..<rng.below(6) {
            let value = rng.pick([cacheEntry(), "\"\(cacheEntry())\"", "'\(cacheEntry())'", "$CACHE", "${CACHE:-type=gha}", "$(cat c)"])
            words.append(
                rng.pick([
                    "--cache-to \(value)", "--cache-to=\(value)", "--cache-from \(value)", "--platform linux/amd64,linux/arm64",
                    "--load", "--push", "-o type=docker", "--output=type=oci,dest=x.tar", "--builder b", "-t \"$IMAGE:latest\"",
                    "--set '*.cache-to=\(cacheEntry())'", "--progress plain", "-f Dockerfile", "--attest type=provenance",
                    "--driver docker", "--driver-opt image=moby/buildkit:latest", "\\\n  --no-cache",
                ]))
        }
        if !command.contains("create"), !command.contains("use") { words.append(rng.pick([".", "./app", "\"$CONTEXT\"", "-"])) }
        return words.joined(separator: rng.chance(20) ? " \\\n  " : " ")
    }

    mutating func shellScript() -> String {
        var text = rng.pick(["#!/bin/bash\n", "#!/usr/bin/env sh\n", "", "#!/bin/sh -e\n"])
        if rng.chance(50) { text += "set -euo pipefail\n" }
        if rng.chance(50) { text += "IMAGE=${IMAGE:-ghcr.io/acme/app}\nexport CACHE=\"\(cacheEntry())\"\n" }
        for _ in 0..<(1 + rng.below(5)) {
            switch rng.below(8) {
            case 0: text += "if [ -n \"${CI:-}\" ]; then\n  \(dockerCommand())\nfi\n"
            case 1: text += "for p in a b; do \(dockerCommand()); done\n"
            case 2: text += "cat <<EOF > x\n\(dockerCommand())\nEOF\n"
            case 3: text += "build() {\n  \(dockerCommand()) \"$@\"\n}\nbuild --load\n"
            case 4: text += "sh -c '\(dockerCommand().replacingOccurrences(of: "'", with: ""))'\n"
            case 5: text += "case \"$1\" in\n  push) \(dockerCommand()) ;;\n  *) echo no ;;\nesac\n"
            default: text += dockerCommand() + "\n"
            }
        }
        return text
    }

    mutating func makefile() -> String {
        var text = "IMAGE ?= ghcr.io/acme/app\nCACHE := --cache-to \(cacheEntry())\n.PHONY: image push\n"
        if rng.chance(30) { text += "ifeq ($(CI),true)\nPUSH := --push\nelse\nPUSH := --load\nendif\n" }
        if rng.chance(20) { text += "define BUILD\n\(dockerCommand())\nendef\n" }
        for target in ["image", "push", "all"].prefix(1 + rng.below(3)) {
            text += "\(target): \(rng.pick(["", "image", "$(DEPS)"]))\n"
            for _ in 0..<(1 + rng.below(3)) {
                text += "\t" + rng.pick(["", "@", "-"]) + rng.pick([dockerCommand(), "$(MAKE) image", "docker buildx build $(CACHE) $(PUSH) -t $(IMAGE) $@ $<", "echo $$HOME"]) + "\n"
            }
        }
        if rng.chance(20) { text += "include other.mk\n" }
        return text
    }

    mutating func gitlabCI() -> String {
        var text = rng.chance(40) ? "default:\n  image: docker:24\n  services: [docker:24-dind]\n" : ""
        if rng.chance(30) { text += ".build: &build\n  image: docker:24\n  script:\n    - \(scalar(dockerCommand(), indent: 4))\n" }
        for job in 0..<(1 + rng.below(3)) {
            text += "job\(job):\n"
            if rng.chance(30) { text += "  extends: .build\n" }
            if rng.chance(40) { text += "  services:\n    - docker:dind\n" }
            if rng.chance(30) { text += "  variables:\n    DOCKER_HOST: tcp://docker:2375\n" }
            text += "  script:\n"
            for _ in 0..<(1 + rng.below(3)) { text += "    - \(scalar(dockerCommand(), indent: 4))\n" }
        }
        return text
    }

    mutating func circleCI() -> String {
        var text = "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - checkout\n"
        if rng.chance(60) { text += "      - setup_remote_docker\n" }
        for _ in 0..<(1 + rng.below(3)) { text += "      - run: \(scalar(dockerCommand(), indent: 8))\n" }
        return text + "workflows:\n  main:\n    jobs: [build]\n"
    }

    mutating func workflow() -> String {
        var text = rng.chance(20) ? "# \(rng.pick(Mutation.wideText)) generated\n" : ""
        if rng.chance(30) { text += "name: \(scalar("CI \(rng.pick(Mutation.wideText))", indent: 0))\n" }
        text += rng.pick([
            "on: push\n", "on: [push, pull_request]\n", "on:\n  pull_request_target:\n  push:\n    branches: [main]\n",
            "on: pull_request\n", "\"on\": push\n",
        ])
        if rng.chance(40) {
            text += rng.pick([
                "permissions:\n  contents: read\n", "permissions: read-all\n", "permissions: {contents: read} # flow\n",
                "permissions: {}\n", "permissions: ${{ x }}\n",
            ])
        }
        if rng.chance(20) { text += "env:\n  \(rng.pick(["BUILDX_BUILDER", "DOCKER_HOST", "X"])): \(rng.pick(["b", "${{ x }}", "tcp://h:2375"]))\n" }
        if rng.chance(25) {
            text += "x-defaults: &defaults\n  cache-to: \(cacheEntry())\n  push: true\n"
        }
        text += "jobs:\n"
        for job in 0..<(1 + rng.below(3)) {
            text += "  \(rng.chance(10) ? "\(rng.pick(Mutation.wideText))\(job)" : "job\(job)"):\n"
            text += "    runs-on: \(rng.pick(["ubuntu-latest", "self-hosted", "[self-hosted, linux]", "${{ matrix.os }}", "{group: big}", "ubuntu-24.04"]))\n"
            if rng.chance(10) { text += "    container: node:20\n" }
            if rng.chance(20) { text += "    strategy:\n      matrix:\n        image: [api, web]\n" }
            if rng.chance(20) { text += "    permissions:\n      packages: \(rng.pick(["write", "read"]))\n" }
            text += "    steps:\n"
            for _ in 0..<(1 + rng.below(6)) { text += step() }
        }
        return text
    }

    mutating func compositeAction() -> String {
        var text = "name: action\ndescription: d\nruns:\n  using: composite\n  steps:\n"
        for _ in 0..<(1 + rng.below(4)) {
            text += step().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : String($0.dropFirst(4)) }
                .joined(separator: "\n")
        }
        return text
    }

    private mutating func step() -> String {
        let prefix = rng.chance(15) ? "- &step\(rng.below(3)) " : "- "
        var text = "      \(prefix)"
        if rng.chance(40) { text += "name: \(scalar(rng.pick(["Build", "Set up", "ビルド 🙂", "a: b", "x # y"]), indent: 8))\n        " }
        switch rng.below(10) {
        case 0...3: text += buildStep()
        case 4...5: text += setupStep()
        case 6: text += "uses: docker/setup-qemu-action@v3\n"
        case 7: text += "uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n"
        case 8: text += "uses: actions/cache@v4\n        with:\n          path: /tmp/c\n          key: k\n"
        default:
            text += "run: \(scalar(rng.chance(50) ? dockerCommand() : rng.pick(["make image", "./scripts/build.sh", "docker buildx use x"]), indent: 10))\n"
        }
        if rng.chance(10) { text += "      - *step\(rng.below(3))\n" }
        if rng.chance(8) { text += "      - <<: *step\(rng.below(3))\n        if: always()\n" }
        return text
    }

    private mutating func setupStep() -> String {
        var text = "uses: \(rng.pick(["docker/setup-buildx-action@v3", "docker/setup-buildx-action@v1", "docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e", "./.github/actions/buildx"]))\n"
        if rng.chance(20) { text += "        id: buildx\n" }
        var inputs: [(String, String)] = []
        if rng.chance(50) { inputs.append(("driver", rng.pick(["docker", "docker-container", "kubernetes", "remote", "${{ x }}", "Docker"]))) }
        if rng.chance(30) { inputs.append(("use", rng.pick(["false", "true", "FALSE", "0"]))) }
        if rng.chance(30) { inputs.append(("driver-opts", rng.pick(["image=moby/buildkit:latest", "network=host", "image=moby/buildkit:v0.12.0"]))) }
        if rng.chance(20) { inputs.append(("version", rng.pick(["latest", "v0.19.0"]))) }
        if rng.chance(20) { inputs.append(("install", "true")) }
        if rng.chance(10) { inputs.append(("endpoint", "tcp://h:1234")) }
        return text + with(inputs)
    }

    private mutating func buildStep() -> String {
        var text = "uses: \(rng.pick(["docker/build-push-action@v6", "docker/build-push-action@v2", "docker/build-push-action@master", "docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83", "'docker/build-push-action@v5'"]))\n"
        if rng.chance(10) { text += "        env:\n          BUILDX_BUILDER: \(rng.pick(["b", "${{ steps.buildx.outputs.name }}"]))\n" }
        var inputs: [(String, String)] = []
        if rng.chance(40) { inputs.append(("context", rng.pick([".", "./api", "./${{ matrix.image }}", "{{defaultContext}}:dir"]))) }
        if rng.chance(70) { inputs.append((rng.pick(["cache-to", "cache-to", "cache_to", "cacheTo"]), cacheList())) }
        if rng.chance(60) { inputs.append(("cache-from", cacheList())) }
        if rng.chance(30) { inputs.append(("platforms", rng.pick(["linux/amd64,linux/arm64", "linux/amd64", "linux/amd64\nlinux/arm64", "${{ matrix.platform }}", "linux/arm/v7, linux/386"]))) }
        if rng.chance(30) { inputs.append(("push", rng.pick(["true", "false", "${{ github.event_name != 'pull_request' }}"]))) }
        if rng.chance(25) { inputs.append(("load", rng.pick(["true", "false"]))) }
        if rng.chance(30) { inputs.append(("tags", rng.pick(["ghcr.io/acme/app:1", "ghcr.io/Acme/App:latest\nghcr.io/acme/app:cache", "${{ steps.meta.outputs.tags }}"]))) }
        if rng.chance(15) { inputs.append(("outputs", rng.pick(["type=docker", "type=oci,dest=/tmp/a.tar", "type=image,push=true"]))) }
        if rng.chance(15) { inputs.append((rng.pick(["provenance", "sbom", "attests"]), rng.pick(["true", "mode=max", "type=sbom"]))) }
        if rng.chance(10) { inputs.append(("builder", rng.pick(["${{ steps.buildx.outputs.name }}", "mybuilder"]))) }
        if rng.chance(8) { inputs.append(("<<", "*defaults")) }
        return text + with(inputs)
    }

    private mutating func cacheList() -> String {
        let count = rng.chance(70) ? 1 : 2 + rng.below(3)
        return (0..<count).map { _ in cacheEntry() }.joined(separator: rng.chance(80) ? "\n" : ",")
    }

    mutating func cacheEntry() -> String {
        if rng.chance(8) { return rng.pick(["user/app:cache", "${{ env.CACHE }}", "", "type=", "=", ",,", "\"type=gha\""]) }
        var fields = [rng.pick(["type=gha", "type=GHA", "type=registry", "type=local", "type=inline", "type=s3", "type=azblob", "type=bogus", "type=${{ x }}", "type= gha"])]
        for _ in 0..<rng.below(5) {
            fields.append(rng.pick([
                "mode=max", "mode=min", "mode=maximum", "ref=ghcr.io/acme/app:cache", "ref=ghcr.io/Acme/App:Cache",
                "ref=ghcr.io/${{ github.repository }}:cache", "dest=/tmp/c", "src=/tmp/c", "dest=/tmp/c-new", "scope=\(rng.pick(Mutation.wideText))",
                "scope=app", "ignore-errors=true", "ignore-error=tru", "compression=zstd", "oci-mediatypes=true",
                "image-manifest=true", "url=http://x", "token=${{ secrets.T }}", "version=2", "region=us-east-1",
                "bucket=b", "name=n", "\"ref=a,b\"", "", "mode", "timeout=10m", "compression-level=30", "force-compression=yes",
            ]))
        }
        if rng.chance(20) { fields.swapAt(0, rng.below(fields.count)) }
        return fields.joined(separator: ",")
    }

    /// A `with:` block in block or flow style.
    private mutating func with(_ inputs: [(String, String)]) -> String {
        guard !inputs.isEmpty else { return "" }
        if rng.chance(15), !inputs.contains(where: { $0.1.contains("\n") || $0.0 == "<<" }) {
            let comment = rng.chance(50) ? " # keep" : ""
            return "        with: {\(inputs.map { "\($0.0): \(flowScalar($0.1))" }.joined(separator: ", "))}\(comment)\n"
        }
        var text = "        with:\n"
        for (key, value) in inputs {
            text += key == "<<" ? "          <<: \(value)\n" : "          \(key): \(scalar(value, indent: 10))\n"
        }
        return text
    }

    private mutating func flowScalar(_ value: String) -> String {
        value.contains(",") || value.contains("{") || value.contains("}") || value.isEmpty ? "\"\(value)\"" : value
    }

    /// `value` written as a YAML scalar (whose key is at `indent`), in a random style that keeps its value.
    mutating func scalar(_ value: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        let comment = rng.chance(15) ? " # \(rng.pick(Mutation.wideText))" : ""
        if value.contains("\n") || rng.chance(20) {
            let header = rng.pick(["|", "|-", "|+", "|2", ">", ">-"])
            let extra = header == "|2" ? "" : (rng.chance(20) ? "  " : "")
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            return header + comment + "\n" + lines.map { pad + extra + $0 }.joined(separator: "\n")
        }
        let plainIsSafe = !value.isEmpty && !value.contains(": ") && !value.contains(" #") && !"{[&*!|>'\"%@`#,".contains(value.first!)
        switch rng.below(4) {
        case 0 where plainIsSafe: return value + comment
        case 1: return "'" + value.replacingOccurrences(of: "'", with: "''") + "'" + comment
        case 2:
            // Double quotes with an escape the parser must undo, so value offsets no longer equal file offsets.
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + (rng.chance(30) ? escaped.replacingOccurrences(of: "a", with: "\\x61") : escaped) + "\"" + comment
        default: return plainIsSafe ? value : "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }
}

// MARK: - The oracle

/// Problems the fuzzer finds that are known and reported, each naming where it lies. The fuzz tests record
/// them as known issues, so that the suite stays green while they are open and a new kind of problem
/// still fails it; the regression tests in FuzzTests.swift fail once a fix lands, as a reminder to drop the
/// `withKnownIssue` around them.
enum KnownFuzzIssue {
    static let aliasAmplifiedFindings =
        "ActionInputUnknown (an edit distance per unknown input, recomputed for every alias of the same step): a "
        + "small file whose aliases expand to tens of thousands of identical findings takes seconds to check, and "
        + "the reports of so many findings take seconds in a debug build"
}

/// What must hold for every input, whatever its bytes: nothing crashes (a crash ends the test process,
/// which the runner reports), every position lies inside the file and agrees with the line table, a check
/// and its reports end within a time bound, every fix keeps the file valid YAML, keeps the other keys and
/// every `${{ }}` expression, fixing twice changes nothing the second time, every report renders (JSON and
/// SARIF as valid JSON), and the same bytes read as a CI log neither crash the scanner nor give a line
/// outside the log.
enum FuzzOracle {
    /// Something that must not happen, and the known issue it is an instance of, if any.
    struct Problem: CustomStringConvertible {
        let text: String
        var knownIssue: String?
        /// Whether the problem is only that something took too long.
        var isSlowness = false
        var description: String { text }

        init(_ text: String, knownIssue: String? = nil, isSlowness: Bool = false) {
            self.text = text
            self.knownIssue = knownIssue
            self.isSlowness = isSlowness
        }
    }

    struct Verdict {
        var problems: [Problem] = []
        var checkTime: Duration = .zero
        var renderTime: Duration = .zero
        var diagnostics: [Diagnostic] = []
        var fixesApplied = 0
    }

    /// A check of `bytes` may take this long in a debug build: 2 s up to 300 KB, proportionally beyond.
    static func timeLimit(forSize size: Int) -> Duration { .seconds(2) * max(1, Double(size) / 300_000) }

    /// The processor time the calling thread spends in `work`. Wall time would also count the time the
    /// thread waits for a core, which on a shared two-core machine running other builds is most of it; a
    /// check is synchronous and stays on one thread (clock_gettime(2), CLOCK_THREAD_CPUTIME_ID).
    static func processorTime(_ work: () -> Void) -> Duration {
        func now() -> Duration {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
        let start = now()
        work()
        return now() - start
    }

    /// Individually applied fixes per input: each costs a parse, and the first ones show any pattern.
    static let singleFixLimit = 12

    static func examine(_ input: FuzzInput, fixing: Bool = true, readingAsLog: Bool = true, rendering: Bool = true) -> Verdict {
        var verdict = Verdict()
        if readingAsLog { examineAsLog(input.bytes, &verdict) }
        let file: SourceFile
        do {
            file = try SourceFile(path: input.path, data: input.bytes)
        } catch {
            checkInputError(error, input.bytes, &verdict)
            // The command line stops here; the library also takes any `String`, NUL and U+FFFD included.
            file = SourceFile(path: input.path, text: String(decoding: input.bytes, as: UTF8.self))
        }
        var result = FileResult.ignored
        verdict.checkTime = processorTime { result = Checker().check(file) }
        let limit = timeLimit(forSize: file.bytes.count)
        guard case .checked(_, let kind, let diagnostics) = result else {
            if verdict.checkTime > limit {
                verdict.problems.append(Problem("check took \(verdict.checkTime) of processor time, over \(limit) for \(file.bytes.count) bytes", isSlowness: true))
            }
            return verdict
        }
        verdict.diagnostics = diagnostics
        verdict.problems += spanProblems(diagnostics, in: file)
        // Thousands of identical findings from a few bytes can only come from aliases.
        let amplified = diagnostics.count > 10 * max(1, file.lineCount) && file.bytes.contains(UInt8(ascii: "*"))
        if verdict.checkTime > limit {
            verdict.problems.append(
                Problem(
                    "check took \(verdict.checkTime) of processor time, over \(limit) for \(file.bytes.count) bytes",
                    knownIssue: amplified ? KnownFuzzIssue.aliasAmplifiedFindings : nil, isSlowness: true))
        }
        if rendering {
            verdict.renderTime = processorTime { verdict.problems += reportProblems(CheckReport(results: [result])) }
            if verdict.renderTime > limit {
                let known = amplified ? KnownFuzzIssue.aliasAmplifiedFindings : nil
                verdict.problems.append(
                    Problem("the reports took \(verdict.renderTime) of processor time, over \(limit) for \(file.bytes.count) bytes", knownIssue: known, isSlowness: true))
            }
        }
        for diagnostic in diagnostics.filter({ $0.fix != nil }).prefix(singleFixLimit) {
            verdict.problems += fixProblems(diagnostic, in: file, kind: kind)
        }
        if fixing { examineFixer(file, kind: kind, &verdict) }
        return verdict
    }

    /// Every span of `diagnostics` lies in `file`, names it, and its line and column are what the line
    /// table says for its offset.
    static func spanProblems(_ diagnostics: [Diagnostic], in file: SourceFile) -> [Problem] {
        var problems: [Problem] = []
        for diagnostic in diagnostics {
            let span = diagnostic.span
            let label = "\(diagnostic.rule) at \(span.start.line):\(span.start.column) (bytes \(span.start.offset)..<\(span.end.offset))"
            // A finding may lie in a script or Makefile the file runs; it must lie inside that file.
            guard span.path == file.path else {
                if let other = try? Checker().load(span.path) {
                    problems += spanProblems([diagnostic], in: other)
                } else {
                    problems.append(Problem("\(label): names \(span.path), which cannot be read"))
                }
                continue
            }
            guard 0 <= span.start.offset, span.start.offset <= span.end.offset, span.end.offset <= file.bytes.count else {
                problems.append(Problem("\(label): outside the file of \(file.bytes.count) bytes"))
                continue
            }
            for (name, location) in [("start", span.start), ("end", span.end)] {
                let expected = file.location(ofByte: location.offset)
                guard expected != location else { continue }
                if !(1...file.lineCount).contains(location.line) {
                    problems.append(Problem("\(label): \(name) line \(location.line) outside 1…\(file.lineCount)"))
                } else {
                    problems.append(
                        Problem("\(label): \(name) is \(location.line):\(location.column), the line table says \(expected.line):\(expected.column)"))
                }
            }
            for edit in diagnostic.fix?.edits ?? [] where edit.range.lowerBound < 0 || edit.range.upperBound > file.bytes.count {
                problems.append(Problem("\(label): fix edits bytes \(edit.range), outside the file of \(file.bytes.count) bytes"))
            }
        }
        return problems
    }

    /// Every format renders; JSON and SARIF are valid JSON.
    static func reportProblems(_ report: CheckReport) -> [Problem] {
        var problems: [Problem] = []
        for format in ReportFormat.allCases {
            let rendered = format.reporter(colored: format == .text).render(report)
            if format == .json || format == .sarif, (try? JSONSerialization.jsonObject(with: Data(rendered.utf8))) == nil {
                problems.append(Problem("the \(format.rawValue) report is not valid JSON"))
            }
        }
        return problems
    }

    /// Whether files of `kind` are YAML, so that a fix must leave them parseable.
    static func isYAML(_ kind: FileKind) -> Bool { kind != .shellScript && kind != .makefile }

    /// One fix applied on its own: the result is UTF-8, keeps every `${{ }}` expression, and in YAML files
    /// parses and keeps every key but the one or two the fix is about (removing `driver: docker` may take
    /// its emptied `with:` along, nothing more).
    static func fixProblems(_ diagnostic: Diagnostic, in file: SourceFile, kind: FileKind) -> [Problem] {
        guard let fix = diagnostic.fix else { return [] }
        let label = "fix of \(diagnostic.rule) at \(diagnostic.span.start.line):\(diagnostic.span.start.column) (\(fix.summary))"
        let (bytes, applied) = FixApplier.apply([fix], to: file.bytes)
        guard !applied.isEmpty else { return [Problem("\(label): cannot be applied on its own")] }
        guard let after = try? SourceFile(path: file.path, data: bytes) else { return [Problem("\(label): the result is not UTF-8 text")] }
        var problems: [Problem] = []
        if let lost = lostExpressions(from: file.bytes, to: bytes) {
            problems.append(Problem("\(label): loses the expression \(lost)"))
        }
        guard isYAML(kind) else { return problems }
        guard let root = try? YAMLDocument.parse(after) else {
            return problems + [Problem("\(label): the result is not valid YAML")]
        }
        var lost = keyPaths(try? YAMLDocument.parse(file))
        for path in keyPaths(root).items { lost.remove(path) }
        let lostPaths = lost.items
        let isOneKeyWithItsParent =
            lostPaths.count == 2 && (lostPaths[0].hasPrefix(lostPaths[1] + ".") || lostPaths[1].hasPrefix(lostPaths[0] + "."))
        if lostPaths.count > 2 || (lostPaths.count == 2 && !isOneKeyWithItsParent) {
            problems.append(Problem("\(label): loses keys \(lostPaths.sorted())"))
        }
        return problems
    }

    /// `fix` as the command runs it: the result parses, keeps every expression, its remaining findings lie
    /// inside it, and fixing it again changes nothing.
    static func examineFixer(_ file: SourceFile, kind: FileKind, _ verdict: inout Verdict) {
        let fixed = Fixer().fix(file)
        verdict.fixesApplied = fixed.applied.count
        guard fixed.changed else { return }
        guard let after = try? SourceFile(path: file.path, data: fixed.fixed), !isYAML(kind) || (try? YAMLDocument.parse(after)) != nil else {
            verdict.problems.append(Problem("fix produced a file that does not parse"))
            return
        }
        if let lost = lostExpressions(from: file.bytes, to: fixed.fixed) {
            verdict.problems.append(Problem("fix loses the expression \(lost)"))
        }
        verdict.problems += spanProblems(fixed.remaining, in: after).map { Problem("after fix: \($0.text)", knownIssue: $0.knownIssue) }
        let again = Fixer().fix(after)
        if again.changed {
            verdict.problems.append(Problem("fixing twice is not idempotent: the second run applied \(again.applied.map(\.summary))"))
        }
    }

    /// An expression written in `old` that `new` holds fewer times, if any: fixes move and keep them.
    static func lostExpressions(from old: [UInt8], to new: [UInt8]) -> String? {
        var counts = Multiset()
        for expression in expressions(in: old) { counts.add(expression) }
        for expression in expressions(in: new) { counts.remove(expression) }
        return counts.items.first
    }

    /// Every `${{ … }}` in `bytes` that stays on one line, as written (a `${{` without `}}` on its line
    /// is no expression a fix could keep or lose).
    static func expressions(in bytes: [UInt8]) -> [String] {
        var found: [String] = []
        var index = 0
        while index + 2 < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{"), bytes[index + 2] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            var end = index + 3
            while end + 1 < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r"),
                !(bytes[end] == UInt8(ascii: "}") && bytes[end + 1] == UInt8(ascii: "}"))
            {
                end += 1
            }
            guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}") else {
                index = end
                continue
            }
            found.append(String(decoding: bytes[index..<(end + 2)], as: UTF8.self))
            index = end + 2
        }
        return found
    }

    /// The same bytes read as a CI log: no crash, every reported line inside the log, reports render.
    static func examineAsLog(_ bytes: [UInt8], _ verdict: inout Verdict) {
        let report = LogScanner.standard.scan(bytes)
        let lines = bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        for line in report.explanations.map(\.logLine) + report.unrecognized.map(\.line) + [report.binaryLine].compactMap({ $0 })
        where !(1...lines).contains(line) {
            verdict.problems.append(Problem("log line \(line) outside 1…\(lines)"))
        }
        _ = ExplanationReporter.text(report)
        if (try? JSONSerialization.jsonObject(with: Data(ExplanationReporter.json(report).utf8))) == nil {
            verdict.problems.append(Problem("the explain JSON report is not valid JSON"))
        }
    }

    /// A refused file names a line that exists.
    static func checkInputError(_ error: InputError, _ bytes: [UInt8], _ verdict: inout Verdict) {
        _ = error.description
        if case .binary(let line) = error.reason {
            let lineCount = LineBreaks.lineStarts(of: bytes).count
            if !(1...lineCount).contains(line) { verdict.problems.append(Problem("binary at line \(line), outside 1…\(lineCount)")) }
        }
    }

    /// Every mapping key by its path (sequence items as `[]`), counted, aliases expanded.
    static func keyPaths(_ node: YAMLNode?) -> Multiset {
        var result = Multiset()
        var pending: [(YAMLNode, String)] = node.map { [($0, "")] } ?? []
        while let (node, path) = pending.popLast() {
            switch node {
            case .scalar: break
            case .sequence(let sequence): pending += sequence.items.map { ($0, path + "[]") }
            case .mapping(let mapping):
                for entry in mapping.entries {
                    let child = path.isEmpty ? entry.key.value : path + "." + entry.key.value
                    result.add(child)
                    pending.append((entry.value, child))
                }
            }
        }
        return result
    }

    struct Multiset {
        private var counts: [String: Int] = [:]
        mutating func add(_ item: String) { counts[item, default: 0] += 1 }
        mutating func remove(_ item: String) {
            guard let count = counts[item] else { return }
            counts[item] = count > 1 ? count - 1 : nil
        }
        var items: [String] { counts.flatMap { Array(repeating: $0.key, count: $0.value) } }
    }
}

/// `bytes` as a Swift string literal (or a `[UInt8]` literal when they are not UTF-8), for pasting a
/// failing input into a regression test.
func swiftLiteral(_ bytes: [UInt8]) -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
        return "[" + bytes.map { String(format: "0x%02X", $0) }.joined(separator: ", ") + "] as [UInt8]"
    }
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\t": literal += "\\t"
        case "\"": literal += "\\\""
        case "\\": literal += "\\\\"
        case " "..."~": literal.unicodeScalars.append(scalar)
        default: literal += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        }
    }
    return literal + "\""
}
