import Foundation
import BuildxDoctor
import Testing

/// One file with what `check` must report on it: `↓` marks where each finding starts, with its rule.
struct CommandBuildCase: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    let source: String
    /// The rules expected at the markers, in marker order; empty for a case that must stay silent.
    let rules: [String]
    var testDescription: String { name }
}

private let workflowHead = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"

/// Findings of the rules this suite is about: the driver, gha-runtime and cache-spec rules.
private let ruleIDs: Set<String> = [
    "cache-export-unsupported-by-driver", "multi-platform-unsupported-by-driver", "gha-cache-without-runtime",
    "cache-ref-looks-like-type", "load-multi-platform", "cache-import-unsupported-by-driver", "cache-spec-invalid",
    "cache-attribute-unknown",
]

let commandBuildCases: [CommandBuildCase] = [
    CommandBuildCase(
        name: "run: a registry cache export on the default docker driver",
        path: ".github/workflows/ci.yml",
        source: workflowHead + "      - run: |\n          docker buildx build \\\n            --cache-to ↓type=registry,ref=ghcr.io/acme/app:cache,mode=max .\n",
        rules: ["cache-export-unsupported-by-driver"]),
    CommandBuildCase(
        name: "run: silent after setup-buildx-action",
        path: ".github/workflows/ci.yml",
        source: workflowHead
            + "      - uses: docker/setup-buildx-action@v3\n      - run: docker buildx build --cache-to type=registry,ref=ghcr.io/acme/app:cache .\n",
        rules: []),
    CommandBuildCase(
        name: "run: a builder created with --use in the same script",
        path: ".github/workflows/ci.yml",
        source: workflowHead
            + "      - run: |\n          docker buildx create --use --name ci\n          docker buildx build --platform linux/amd64,linux/arm64 --cache-to type=local,dest=/tmp/c .\n",
        rules: []),
    CommandBuildCase(
        name: "run: docker build ignores the current builder",
        path: ".github/workflows/ci.yml",
        source: workflowHead
            + "      - uses: docker/setup-buildx-action@v3\n      - run: docker build --cache-to ↓type=local,dest=/tmp/c .\n",
        rules: ["cache-export-unsupported-by-driver"]),
    CommandBuildCase(
        name: "run: gha cache without the runtime is dropped, so the driver never sees it",
        path: ".github/workflows/ci.yml",
        source: workflowHead + "      - run: docker buildx build --cache-to ↓type=gha,mode=max .\n",
        rules: ["gha-cache-without-runtime"]),
    CommandBuildCase(
        name: "run: a bare backend name",
        path: ".github/workflows/ci.yml",
        source: workflowHead + "      - uses: docker/setup-buildx-action@v3\n      - run: docker buildx build --cache-from ↓local .\n",
        rules: ["cache-ref-looks-like-type"]),
    CommandBuildCase(
        name: "run: mentions are not commands",
        path: ".github/workflows/ci.yml",
        source: workflowHead
            + "      - run: |\n          echo docker buildx build --cache-to type=registry,ref=x .\n          # docker buildx build --push --platform linux/arm64 .\n          cat <<EOF\n          docker buildx build --cache-to type=local,dest=d .\n          EOF\n",
        rules: []),
    CommandBuildCase(
        name: "run: a pwsh script is not read",
        path: ".github/workflows/ci.yml",
        source: workflowHead + "      - shell: pwsh\n        run: docker buildx build --cache-to type=local,dest=d .\n",
        rules: []),
    CommandBuildCase(
        name: "run: a builder named with --builder but never created is unknown",
        path: ".github/workflows/ci.yml",
        source: workflowHead + "      - run: docker buildx build --builder remote --cache-to type=local,dest=d .\n",
        rules: []),
    CommandBuildCase(
        name: "GitLab: docker:24 dind without a builder",
        path: ".gitlab-ci.yml",
        source: "build:\n  image: docker:24\n  services:\n    - docker:24-dind\n  script:\n    - docker buildx build --cache-to ↓type=registry,ref=$CI_REGISTRY_IMAGE:cache --push .\n",
        rules: ["cache-export-unsupported-by-driver"]),
    CommandBuildCase(
        name: "GitLab: a floating dind tag may have the containerd store",
        path: ".gitlab-ci.yml",
        source: "build:\n  services: [docker:dind]\n  script:\n    - docker buildx build --platform ↓linux/amd64,linux/arm64 -t x .\n",
        rules: ["multi-platform-unsupported-by-driver"]),
    CommandBuildCase(
        name: "GitLab: a builder from default before_script and extends",
        path: ".gitlab-ci.yml",
        source: "default:\n  before_script:\n    - docker buildx create --use\n.base:\n  services: [docker:24-dind]\nbuild:\n  extends: .base\n  script:\n    - docker buildx build --cache-to type=registry,ref=r/c .\n",
        rules: []),
    CommandBuildCase(
        name: "GitLab: !reference to a template's script that creates the builder",
        path: ".gitlab-ci.yml",
        source: ".setup:\n  script:\n    - docker buildx create --use\nbuild:\n  services: [docker:24-dind]\n  script:\n    - !reference [.setup, script]\n    - docker buildx build --cache-to type=registry,ref=r/c .\n",
        rules: []),
    CommandBuildCase(
        name: "GitLab: remote includes may set up the builder",
        path: ".gitlab-ci.yml",
        source: "include:\n  - remote: https://example.com/buildx.yml\nbuild:\n  services: [docker:24-dind]\n  script:\n    - docker buildx build --cache-to type=registry,ref=r/c .\n",
        rules: []),
    CommandBuildCase(
        name: "GitLab: gha cache has no service there",
        path: ".gitlab-ci.yml",
        source: "build:\n  services: [docker:24-dind]\n  script:\n    - docker buildx create --use\n    - docker buildx build --cache-from ↓type=gha .\n",
        rules: ["gha-cache-without-runtime"]),
    CommandBuildCase(
        name: "CircleCI: remote docker 20.10 without a builder",
        path: ".circleci/config.yml",
        source: "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - checkout\n      - setup_remote_docker:\n          version: 20.10.24\n      - run: docker buildx build --cache-to ↓type=local,dest=/tmp/c .\n",
        rules: ["cache-export-unsupported-by-driver"]),
    CommandBuildCase(
        name: "CircleCI: a reusable command creates the builder",
        path: ".circleci/config.yml",
        source: "version: 2.1\ncommands:\n  setup-buildx:\n    steps:\n      - run: docker buildx create --use\njobs:\n  build:\n    machine: true\n    steps:\n      - setup-buildx\n      - run:\n          command: docker buildx build --cache-to type=local,dest=/tmp/c .\n",
        rules: []),
    CommandBuildCase(
        name: "CircleCI: an orb command may set up the builder",
        path: ".circleci/config.yml",
        source: "version: 2.1\norbs:\n  docker: circleci/docker@2\njobs:\n  build:\n    machine: true\n    steps:\n      - docker/install-docker-buildx\n      - run: docker buildx build --cache-to type=local,dest=/tmp/c .\n",
        rules: []),
]

@Suite("Builds written as commands")
struct CommandBuildTests {
    @Test(arguments: commandBuildCases)
    func reportsTheRightRuleAtTheRightPlace(_ example: CommandBuildCase) throws {
        let (text, positions) = removingMarkers(example.source)
        let found = diagnostics(text, path: example.path).filter { ruleIDs.contains($0.rule) }
        #expect(found.map(\.position) == positions, "\(found.map { "\($0.position) \($0.rule): \($0.message)" })")
        #expect(found.map(\.rule) == example.rules)
    }

    @Test func aGitLabJobFindingNamesTheEngine() throws {
        let text = "build:\n  services: [docker:24.0.5-dind]\n  script:\n    - docker buildx build --cache-to type=local,dest=c .\n"
        let finding = try #require(diagnostics(text, path: ".gitlab-ci.yml").first { $0.rule == "cache-export-unsupported-by-driver" })
        #expect(finding.message.contains("`docker:24.0.5-dind` service runs Docker 24"))
        #expect(finding.message.contains("no `docker buildx create --use` runs before it in job `build`"))
        // The `docker` images talk TLS to the dind service, where buildx wants a context to build on.
        #expect(
            finding.fix?.edits
                == [.insert("    - docker context create tls-environment\n    - docker buildx create --use --driver docker-container tls-environment\n", at: 50)])
    }

    @Test func aRunStepBuildGetsTheSetupStepInsertedBeforeTheRunStep() throws {
        let text = workflowHead + "      - name: Build\n        run: |\n          docker buildx build --cache-to type=registry,ref=r/c .\n"
        let result = Fixer().fix(SourceFile(path: ".github/workflows/ci.yml", text: text))
        #expect(
            String(decoding: result.fixed, as: UTF8.self)
                == workflowHead
                + "      - name: Set up Docker Buildx\n        uses: docker/setup-buildx-action@v4\n      - name: Build\n        run: |\n          docker buildx build --cache-to type=registry,ref=r/c .\n")
    }
}

@Suite("Scripts and Makefiles that jobs run")
struct FollowedScriptTests {
    /// A repository with the given files, checked as `check` checks a folder.
    private func check(_ files: [String: String]) throws -> CheckReport {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return Checker().check(paths: [folder.path])
    }

    private let script = "#!/bin/sh\nset -e\ndocker buildx build \\\n  --cache-to type=registry,ref=ghcr.io/acme/app:cache .\n"

    @Test func aFindingInAScriptAJobRunsIsReportedInTheScriptWithTheJobsBuilder() throws {
        let report = try check([
            ".github/workflows/ci.yml": workflowHead + "      - run: ./scripts/build.sh\n",
            "scripts/build.sh": script,
        ])
        let findings = report.diagnostics.filter { $0.rule == "cache-export-unsupported-by-driver" }
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.span.path.hasSuffix("scripts/build.sh"))
        #expect((finding.span.start.line, finding.span.start.column) == (4, 14))
        #expect(finding.severity == .error, "the job runs on a GitHub-hosted runner, so it will fail")
    }

    @Test func aScriptRunAfterSetupIsSilentAndNotCheckedAgainOnItsOwn() throws {
        let report = try check([
            ".github/workflows/ci.yml": workflowHead + "      - uses: docker/setup-buildx-action@v3\n      - run: bash scripts/build.sh\n",
            "scripts/build.sh": script,
        ])
        #expect(report.diagnostics.filter { $0.rule == "cache-export-unsupported-by-driver" }.isEmpty)
    }

    @Test func aScriptNoJobRunsIsCheckedOnItsOwnAndMaySay() throws {
        let report = try check(["scripts/build.sh": script])
        let finding = try #require(report.diagnostics.first { $0.rule == "cache-export-unsupported-by-driver" })
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("may fail"))
    }

    @Test func makeTargetsAreFollowed() throws {
        let report = try check([
            ".gitlab-ci.yml": "build:\n  script:\n    - make image\n  services: [docker:24-dind]\n",
            "Makefile": "IMAGE := ghcr.io/acme/app\nimage:\n\t@docker buildx build --cache-to type=registry,ref=$(IMAGE):cache .\n",
        ])
        let finding = try #require(report.diagnostics.first { $0.rule == "cache-export-unsupported-by-driver" })
        #expect(finding.span.path.hasSuffix("Makefile"))
        #expect(finding.span.start.line == 3)
        #expect(finding.severity == .error)
    }
}
