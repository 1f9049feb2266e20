import BuildxDoctor
import Testing

/// One fix of a build written as a command: a file before and exactly what it must look like after
/// (`after == before` when no place for the new command is certain and the finding must stay).
struct CommandFixCase: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    let before: String
    let after: String
    var testDescription: String { name }
}

/// The rules whose findings a BuildKit builder removes.
private let driverRules: Set<String> = [
    "cache-export-unsupported-by-driver", "multi-platform-unsupported-by-driver", "cache-import-unsupported-by-driver",
    "exporter-unsupported-by-driver", "attestation-unsupported-by-driver",
]

private let create = "docker buildx create --use --driver docker-container"
private let circleHead = "version: 2.1\njobs:\n  build:\n    machine: true\n    steps:\n      - checkout\n"

let commandFixCases: [CommandFixCase] = [
    CommandFixCase(
        name: "GitLab: a new script item before the build's, on a runner without dind",
        path: ".gitlab-ci.yml",
        before: "build:\n  image: docker:27-cli\n  script:\n    - docker login -u u -p p registry.example.com\n    - docker buildx build --cache-to type=registry,ref=r/c --push -t r/app .\n",
        after: "build:\n  image: docker:27-cli\n  script:\n    - docker login -u u -p p registry.example.com\n    - \(create)\n    - docker buildx build --cache-to type=registry,ref=r/c --push -t r/app .\n"),
    CommandFixCase(
        name: "GitLab: TLS to dind gets a context first, quoted like the build's item",
        path: ".gitlab-ci.yml",
        before: "variables:\n  DOCKER_HOST: tcp://docker:2376\n  DOCKER_TLS_CERTDIR: \"/certs\"\nbuild:\n  services:\n    - docker:24.0.5-dind\n  script:\n    - \"docker buildx build --cache-to type=registry,ref=r/c .\"\n",
        after: "variables:\n  DOCKER_HOST: tcp://docker:2376\n  DOCKER_TLS_CERTDIR: \"/certs\"\nbuild:\n  services:\n    - docker:24.0.5-dind\n  script:\n    - \"docker context create tls-environment\"\n    - \"\(create) tls-environment\"\n    - \"docker buildx build --cache-to type=registry,ref=r/c .\"\n"),
    CommandFixCase(
        name: "GitLab: dind with TLS turned off gets the plain command",
        path: ".gitlab-ci.yml",
        before: "build:\n  services: [docker:24-dind]\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n    DOCKER_TLS_CERTDIR: \"\"\n  script:\n    - docker buildx build --cache-to type=local,dest=c .\n",
        after: "build:\n  services: [docker:24-dind]\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n    DOCKER_TLS_CERTDIR: \"\"\n  script:\n    - \(create)\n    - docker buildx build --cache-to type=local,dest=c .\n"),
    CommandFixCase(
        name: "GitLab: a build inside a block item gets a plain item before that item",
        path: ".gitlab-ci.yml",
        before: "build:\n  script:\n    - |\n      echo start\n      docker buildx build --platform linux/amd64,linux/arm64 -t r/app .\n",
        after: "build:\n  script:\n    - \(create)\n    - |\n      echo start\n      docker buildx build --platform linux/amd64,linux/arm64 -t r/app .\n"),
    CommandFixCase(
        name: "CircleCI: a line inside the run block, at the build's indentation",
        path: ".circleci/config.yml",
        before: circleHead + "      - run: |\n          echo hi\n          docker buildx build --cache-to type=local,dest=/tmp/c .\n",
        after: circleHead + "      - run: |\n          echo hi\n          \(create)\n          docker buildx build --cache-to type=local,dest=/tmp/c .\n"),
    CommandFixCase(
        name: "CircleCI: a one-line run step on remote Docker gets run steps with a context before it",
        path: ".circleci/config.yml",
        before: "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - setup_remote_docker:\n          version: 20.10.24\n      - run: docker buildx build --cache-to type=local,dest=/tmp/c .\n",
        after: "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - setup_remote_docker:\n          version: 20.10.24\n      - run: docker context create tls-environment\n      - run: \(create) tls-environment\n      - run: docker buildx build --cache-to type=local,dest=/tmp/c .\n"),
    CommandFixCase(
        name: "script: a line before the build at its indentation, after a here-document",
        path: "build.sh",
        before: "#!/bin/sh\nset -e\ncat > Dockerfile <<EOF\nFROM alpine\nEOF\n  docker buildx build \\\n    --cache-to type=registry,ref=r/c .\n",
        after: "#!/bin/sh\nset -e\ncat > Dockerfile <<EOF\nFROM alpine\nEOF\n  \(create)\n  docker buildx build \\\n    --cache-to type=registry,ref=r/c .\n"),
    CommandFixCase(
        name: "Makefile: a recipe line with the recipe's tab and @",
        path: "Makefile",
        before: "image:\n\t@echo building\n\t@docker buildx build --cache-to type=registry,ref=r/c .\n",
        after: "image:\n\t@echo building\n\t@\(create)\n\t@docker buildx build --cache-to type=registry,ref=r/c .\n"),
    CommandFixCase(
        name: "Makefile: above the comments right above the build, so a suppression there keeps its line",
        path: "Makefile",
        before: "image:\n\t# buildx-doctor: ignore[cache-attribute-unknown] on purpose\n"
            + "\tdocker buildx build --cache-to type=registry,ref=r/c,ignore-errors=true .\n",
        after: "image:\n\t\(create)\n\t# buildx-doctor: ignore[cache-attribute-unknown] on purpose\n"
            + "\tdocker buildx build --cache-to type=registry,ref=r/c,ignore-errors=true .\n"),
    CommandFixCase(
        name: "Shell script: comments above the build, but never above the #! line",
        path: "build.sh",
        before: "#!/bin/sh\n# build the image\ndocker buildx build --cache-to type=registry,ref=r/c .\n",
        after: "#!/bin/sh\n\(create)\n# build the image\ndocker buildx build --cache-to type=registry,ref=r/c .\n"),
    CommandFixCase(
        name: "Makefile: CRLF line endings and the - prefix are kept",
        path: "Makefile",
        before: "image:\r\n\t-docker buildx build --platform linux/amd64,linux/arm64 .\r\n",
        after: "image:\r\n\t-\(create)\r\n\t-docker buildx build --platform linux/amd64,linux/arm64 .\r\n"),
]

/// Builds whose surroundings make the place of a new command uncertain: no fix, and the finding stays.
let commandNoFixCases: [CommandFixCase] = [
    CommandFixCase(
        name: "script: inside an if", path: "build.sh",
        before: "#!/bin/sh\nif [ -n \"$CI\" ]; then\n  docker buildx build --cache-to type=registry,ref=r/c .\nfi\n", after: ""),
    CommandFixCase(
        name: "script: inside a loop", path: "build.sh",
        before: "#!/bin/sh\nfor d in a b; do\n  docker buildx build --cache-to type=registry,ref=r/$d .\ndone\n", after: ""),
    CommandFixCase(
        name: "script: after && on its line", path: "build.sh",
        before: "#!/bin/sh\ncd app && docker buildx build --cache-to type=registry,ref=r/c .\n", after: ""),
    CommandFixCase(
        name: "script: fed a here-document through a pipe", path: "build.sh",
        before: "#!/bin/sh\ncat <<EOF | docker buildx build --cache-to type=registry,ref=r/c -f- .\nFROM alpine\nEOF\n", after: ""),
    CommandFixCase(
        name: "script: inside a function", path: "build.sh",
        before: "#!/bin/sh\nbuild() {\n  docker buildx build --cache-to type=registry,ref=r/c .\n}\nbuild\n", after: ""),
    CommandFixCase(
        name: "script: inside sh -c", path: "build.sh",
        before: "#!/bin/sh\nsh -c 'docker buildx build --cache-to type=registry,ref=r/c .'\n", after: ""),
    CommandFixCase(
        name: "script: continuing the line before", path: "build.sh",
        before: "#!/bin/sh\necho go; \\\ndocker buildx build --cache-to type=registry,ref=r/c .\n", after: ""),
    CommandFixCase(
        name: "GitLab: after && in the item", path: ".gitlab-ci.yml",
        before: "build:\n  script:\n    - cd app && docker buildx build --cache-to type=registry,ref=r/c .\n", after: ""),
    CommandFixCase(
        name: "GitLab: a script written as one string, not a list", path: ".gitlab-ci.yml",
        before: "build:\n  script: docker buildx build --cache-to type=registry,ref=r/c .\n", after: ""),
    CommandFixCase(
        name: "CircleCI: a folded block joins lines", path: ".circleci/config.yml",
        before: circleHead + "      - run: >\n          docker buildx build\n          --cache-to type=local,dest=/tmp/c .\n", after: ""),
    CommandFixCase(
        name: "Makefile: after && in the recipe line", path: "Makefile",
        before: "image:\n\tcd app && docker buildx build --cache-to type=registry,ref=r/c .\n", after: ""),
]

@Suite("Fixes of builds written as commands")
struct CommandFixTests {
    private func fixed(_ text: String, path: String) -> Fixer.Result {
        Fixer().fix(SourceFile(path: path, text: text))
    }

    @Test(arguments: commandFixCases)
    func fixAddsExactlyTheBuilder(_ example: CommandFixCase) {
        let before = diagnostics(example.before, path: example.path).filter { driverRules.contains($0.rule) }
        #expect(!before.isEmpty && before.allSatisfy { $0.fix != nil }, "\(before.map(\.message))")
        let result = fixed(example.before, path: example.path)
        #expect(String(decoding: result.fixed, as: UTF8.self) == example.after)
        // Checked again, the build runs on the new builder: no driver finding is left.
        let left = diagnostics(example.after, path: example.path).filter { driverRules.contains($0.rule) }
        #expect(left.isEmpty, "\(left.map(\.message))")
        #expect(!result.remaining.contains { driverRules.contains($0.rule) })
        // Fixing again adds nothing.
        #expect(fixed(example.after, path: example.path).changed == false)
    }

    @Test(arguments: commandNoFixCases)
    func noCertainPlaceMeansNoFixAndTheFindingStays(_ example: CommandFixCase) {
        let found = diagnostics(example.before, path: example.path).filter { driverRules.contains($0.rule) }
        #expect(!found.isEmpty, "the case must have a finding to leave alone")
        #expect(found.allSatisfy { $0.fix == nil }, "\(found.compactMap(\.fix).map(\.edits))")
        #expect(fixed(example.before, path: example.path).changed == false)
    }
}
