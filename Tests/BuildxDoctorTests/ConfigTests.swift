@testable import BuildxDoctor
import BuildxModel
import Foundation
import Testing

/// Parses configuration text as if it were `.buildx-doctor.yml` in `/repo`.
private func configuration(_ text: String, root: String = "/repo") throws(ConfigurationError) -> Configuration {
    try ConfigurationParser.parse(SourceFile(path: ".buildx-doctor.yml", text: text), root: root, baseDirectory: root)
}

/// The error a configuration text gives, as the command line prints it.
private func configurationError(_ text: String) -> String? {
    do {
        _ = try configuration(text)
        return nil
    } catch {
        return error.description
    }
}

/// Findings of `yaml` (a file at `path` below `/repo`) under `config`.
private func findings(_ yaml: String, config: String, path: String = "/repo/.github/workflows/ci.yml") throws -> [Diagnostic] {
    let checker = Checker(configuration: .given(try configuration(config)))
    guard case .checked(_, _, let diagnostics) = checker.check(SourceFile(path: path, text: yaml)) else { return [] }
    return diagnostics.sorted { ($0.span.start.offset, $0.rule) < ($1.span.start.offset, $1.rule) }
}

@Suite("Configuration")
struct ConfigTests {
    @Test(arguments: [
        ("*.yml", "build.yml", true),
        ("*.yml", "a/build.yml", false),
        ("a/*.yml", "a/build.yml", true),
        ("a/*.yml", "a/b/build.yml", false),
        ("**/build.yml", "build.yml", true),
        ("**/build.yml", "a/b/build.yml", true),
        ("a/**/b.yml", "a/b.yml", true),
        ("a/**/b.yml", "a/x/y/b.yml", true),
        ("a/**/b.yml", "ab.yml", false),
        ("vendor/**", "vendor/x/action.yml", true),
        ("vendor/**", "vendor", false),
        ("**", "anything/at/all", true),
        ("release-?.yml", "release-1.yml", true),
        ("release-?.yml", "release-10.yml", false),
        ("release-?.yml", "release-/.yml", false),
        ("[abc].yml", "b.yml", true),
        ("[a-c].yml", "d.yml", false),
        ("[!a-c].yml", "d.yml", true),
        ("[^a-c].yml", "a.yml", false),
        ("[]x].yml", "].yml", true),
        ("\\*.yml", "*.yml", true),
        ("\\*.yml", "a.yml", false),
        ("ci-*-[0-9].y?ml", "ci-deploy-3.yaml", true),
    ])
    func globsMatchWholeTexts(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try Glob(pattern).matches(text) == expected)
    }

    @Test(arguments: [
        ("vendor", "vendor/x/action.yml", true),
        ("vendor", "src/vendor/action.yml", true),
        ("vendor/", "src/vendor/action.yml", true),
        ("*.yaml", ".github/workflows/a.yaml", true),
        (".github/workflows/experimental-*.yml", ".github/workflows/experimental-arm.yml", true),
        (".github/workflows/experimental-*.yml", "sub/.github/workflows/experimental-arm.yml", false),
        ("/sub", "sub/action.yml", true),
        ("sub/action.yml", "other/sub/action.yml", false),
    ])
    func pathPatternsFollowGitignore(_ pattern: String, _ path: String, _ expected: Bool) throws {
        #expect(try Glob(pattern).matches(path: path) == expected)
    }

    @Test func globsCanIgnoreCase() throws {
        #expect(try Glob("Self-Hosted").matches("self-hosted", ignoringCase: true))
        #expect(try !Glob("Self-Hosted").matches("self-hosted"))
        #expect(try Glob("GPU-[A-Z]*").matches("gpu-a100", ignoringCase: true))
    }

    @Test(arguments: [
        ("[a-", "`[` opens a character class that is never closed"),
        ("a**b", "`**` must be a whole path segment (`a/**/b`), not part of a name"),
        ("a\\", "the pattern ends with an escaping `\\`"),
        ("[z-a]", "the range `z-a` in `[...]` runs backwards"),
    ])
    func badPatternsAreRefused(_ pattern: String, _ message: String) {
        #expect(throws: Glob.SyntaxError(message: message)) { try Glob(pattern) }
    }

    @Test func everyKeyIsRead() throws {
        let config = try configuration(
            """
            rules:
              buildkit-image-unpinned: off
              cache-export-on-fork-pull-request: error
              gha-cache-scope-collision: on
              local-cache-not-persisted: info
            exclude:
              - "vendor/**"
              - experimental-*.yml
            overrides:
              - files: .github/workflows/release.yml
                rules:
                  gha-cache-scope-collision: off
            runners:
              - labels: [self-hosted, buildfarm]
                image-store: containerd
              - labels: "gpu-*"
                docker-version: 29.1
            """)
        #expect(
            config.rules == [
                "buildkit-image-unpinned": .off, "cache-export-on-fork-pull-request": .severity(.error),
                "gha-cache-scope-collision": .on, "local-cache-not-persisted": .severity(.info),
            ])
        #expect(config.exclude.map(\.pattern) == ["vendor/**", "experimental-*.yml"])
        #expect(config.overrides.map { $0.files.map(\.pattern) } == [[".github/workflows/release.yml"]])
        #expect(config.overrides.first?.rules == ["gha-cache-scope-collision": .off])
        #expect(
            config.runnerFacts.runners == [
                RunnerFacts.Runner(labels: [try Glob("self-hosted"), try Glob("buildfarm")], imageStore: .containerd),
                RunnerFacts.Runner(labels: [try Glob("gpu-*")], dockerVersion: SemanticVersion(29, 1)),
            ])
    }

    @Test(arguments: [
        ("rule:\n  yaml-syntax: off\n", ".buildx-doctor.yml:1:1: unknown key `rule` in the configuration; did you mean `rules`? (allowed: `rules`, `exclude`, `overrides`, `runners`)"),
        ("rules:\n  cache-typ-unknown: off\n", ".buildx-doctor.yml:2:3: unknown rule `cache-typ-unknown` in `rules`; did you mean `cache-type-unknown`? (`buildx-doctor rules` lists them)"),
        ("rules:\n  yaml-syntax: maybe\n", ".buildx-doctor.yml:2:16: `yaml-syntax` must be `off`, `on`, `error`, `warning` or `info`, not `maybe`"),
        ("rules:\n  yaml-syntax: [off]\n", ".buildx-doctor.yml:2:16: `yaml-syntax` must be `off`, `on`, `error`, `warning` or `info`, not a list"),
        ("rules: [yaml-syntax]\n", ".buildx-doctor.yml:1:8: `rules` must be a mapping of keys to values, not a list"),
        ("exclude:\n  - ok/**\n  - \"[a-\"\n", ".buildx-doctor.yml:3:5: invalid pattern `[a-` in `exclude`: `[` opens a character class that is never closed"),
        ("exclude:\n  - {a: 1}\n", ".buildx-doctor.yml:2:5: each pattern of `exclude` must be a non-empty string, not a mapping"),
        ("overrides:\n  - rules: {yaml-syntax: off}\n", ".buildx-doctor.yml:2:5: this item of `overrides` has no `files`"),
        ("overrides:\n  - files: a.yml\n    rule: {}\n", ".buildx-doctor.yml:3:5: unknown key `rule` in an item of `overrides`; did you mean `rules`? (allowed: `files`, `rules`)"),
        ("runners:\n  - image-store: containerd\n", ".buildx-doctor.yml:2:5: this item of `runners` has no `labels`"),
        ("runners:\n  - labels: x\n    image-store: overlay2\n", ".buildx-doctor.yml:3:18: `image-store` must be `containerd` or `classic`, not `overlay2`"),
        ("runners:\n  - labels: x\n    docker-version: latest\n", ".buildx-doctor.yml:3:21: `docker-version` must be a Docker Engine version such as `29` or `28.5.1`, not `latest`"),
        ("runners:\n  - labels: x\n", ".buildx-doctor.yml:2:5: this item of `runners` states no fact: give `image-store` or `docker-version`"),
        ("runners:\n  - labels: x\n    imagestore: classic\n", ".buildx-doctor.yml:3:5: unknown key `imagestore` in an item of `runners`; did you mean `image-store`? (allowed: `labels`, `image-store`, `docker-version`)"),
        ("rules: {}\nrules: {}\n", ".buildx-doctor.yml:2:1: `rules` is given twice in the configuration"),
        ("- rules\n", ".buildx-doctor.yml:1:1: the configuration must be a mapping of keys to values, not a list"),
        ("rules:\n  yaml-syntax: off\n bad\n", ".buildx-doctor.yml:3:2: invalid YAML: while parsing a block mapping at line 1, column 1: did not find expected key"),
    ])
    func errorsNameTheirLineAndColumn(_ text: String, _ expected: String) {
        #expect(configurationError(text) == expected)
    }

    @Test func anEmptyOrCommentedFileIsTheEmptyConfiguration() throws {
        for text in ["", "# nothing yet\n", StarterConfiguration.text] {
            let config = try configuration(text)
            #expect(config.rules.isEmpty && config.exclude.isEmpty && config.overrides.isEmpty && config.runnerFacts.runners.isEmpty)
        }
    }

    /// Every commented example of the starter file is valid once uncommented.
    @Test func theStarterFileExamplesAreValid() throws {
        let uncommented = StarterConfiguration.text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("# ") && ($0.dropFirst(2).first.map { $0 == " " || $0.isLetter } ?? false) }
            .map { String($0.dropFirst(2)) }
            .filter { line in ConfigurationParser.topLevelKeys.contains { line.hasPrefix($0 + ":") } || line.hasPrefix(" ") }
            .joined(separator: "\n")
        let config = try configuration(uncommented)
        #expect(config.rules == ["buildkit-image-unpinned": .off, "cache-export-on-fork-pull-request": .severity(.error)])
        #expect(config.exclude.map(\.pattern) == ["vendor/**", ".github/workflows/experimental-*.yml"])
        #expect(config.overrides.count == 1 && config.runnerFacts.runners.count == 2)
    }

    @Test func settingsResolveByPathWithLaterOverridesWinning() throws {
        let config = try configuration(
            """
            rules:
              gha-cache-scope-collision: warning
            overrides:
              - files: ".github/workflows/*.yml"
                rules: {gha-cache-scope-collision: error}
              - files: release.yml
                rules: {gha-cache-scope-collision: off}
            exclude: [vendor]
            """)
        let rule = "gha-cache-scope-collision"
        #expect(config.setting(of: rule, forFileAt: "/repo/action.yml") == .severity(.warning))
        #expect(config.setting(of: rule, forFileAt: "/repo/.github/workflows/build.yml") == .severity(.error))
        #expect(config.setting(of: rule, forFileAt: "/repo/.github/workflows/release.yml") == .off)
        #expect(config.setting(of: rule, forFileAt: "/elsewhere/.github/workflows/release.yml") == .severity(.warning))
        #expect(config.setting(of: "yaml-syntax", forFileAt: "/repo/a.yml") == .on)
        #expect(config.excludes("/repo/vendor/x/action.yml"))
        #expect(config.excludes("vendor/action.yml"))
        #expect(!config.excludes("/repo/src/action.yml"))
        #expect(!config.excludes("/other/vendor/action.yml"))
    }

    @Test func ruleSettingsChangeWhatTheCheckerReports() throws {
        let workflow = RuleExample.steps(
            """
            - uses: docker/setup-buildx-action@v3
              with:
                driver-opts: image=moby/buildkit:latest
            - uses: docker/build-push-action@v6
              with:
                cache-to: type=gha,mode=maxx
            """
        ).source
        let plain = try findings(workflow, config: "")
        #expect(plain.map { "\($0.rule) \($0.severity)" } == ["buildkit-image-unpinned info", "cache-attribute-invalid-value warning"])
        let tuned = try findings(workflow, config: "rules:\n  buildkit-image-unpinned: off\n  cache-attribute-invalid-value: error\n")
        #expect(tuned.map { "\($0.rule) \($0.severity)" } == ["cache-attribute-invalid-value error"])
        let overridden = try findings(
            workflow,
            config: "overrides:\n  - files: .github/workflows/ci.yml\n    rules: {cache-attribute-invalid-value: off, buildkit-image-unpinned: error}\n")
        #expect(overridden.map { "\($0.rule) \($0.severity)" } == ["buildkit-image-unpinned error"])
    }

    /// Runner facts reach the builder simulation: the `docker` driver with the containerd store exports
    /// registry, local and gha cache and builds several platforms.
    @Test func runnerFactsDecideWhatTheDefaultBuilderCanDo() throws {
        let workflow = RuleExample.steps(
            """
            - uses: docker/build-push-action@v6
              with:
                platforms: linux/amd64,linux/arm64
                cache-to: type=gha
            """, runsOn: "[self-hosted, BuildFarm, linux]"
        ).source
        func summary(_ config: String) throws -> [String] {
            try findings(workflow, config: config).map { "\($0.rule) \($0.severity)" }
        }
        #expect(
            try summary("")
                == ["multi-platform-unsupported-by-driver warning", "cache-export-unsupported-by-driver warning"])
        #expect(try summary("runners:\n  - labels: [self-hosted, buildfarm]\n    image-store: containerd\n") == [])
        #expect(
            try summary("runners:\n  - labels: [self-hosted, buildfarm]\n    image-store: classic\n")
                == ["multi-platform-unsupported-by-driver error", "cache-export-unsupported-by-driver error"])
        // Every label of an entry must match: this one names a label the job does not have.
        #expect(
            try summary("runners:\n  - labels: [self-hosted, gpu]\n    image-store: containerd\n")
                == ["multi-platform-unsupported-by-driver warning", "cache-export-unsupported-by-driver warning"])
        // The first matching entry decides.
        #expect(
            try summary(
                "runners:\n  - labels: \"build*\"\n    image-store: classic\n  - labels: self-hosted\n    image-store: containerd\n")
                == ["multi-platform-unsupported-by-driver error", "cache-export-unsupported-by-driver error"])
    }

    @Test func aDockerVersionAloneLeavesBothImageStoresPossible() throws {
        let workflow = RuleExample.steps(
            """
            - uses: docker/build-push-action@v6
              with:
                cache-to: type=registry,ref=ghcr.io/acme/app:cache
            """, runsOn: "ubuntu-24.04"
        ).source
        #expect(try findings(workflow, config: "").map(\.severity) == [.error])
        let newer = try findings(workflow, config: "runners:\n  - labels: ubuntu-24.04\n    docker-version: \"29\"\n")
        #expect(newer.map(\.severity) == [.warning])
        #expect(newer.first?.message.hasPrefix("this `type=registry` cache export may fail") == true)
        #expect(RunnerFacts.Runner(labels: [], dockerVersion: SemanticVersion(28, 5, 1)).imageStores == [.classic, .containerd])
        #expect(RunnerFacts.Runner(labels: [], imageStore: .classic, dockerVersion: SemanticVersion(29, 0)).imageStores == [.classic])
    }

    @Test func runnerGroupsAndTheirLabelsAreMatched() throws {
        let facts = RunnerFacts(runners: [RunnerFacts.Runner(labels: [try Glob("docker-hosts")], imageStore: .containerd)])
        let group = YAMLNode.mapping(
            YAMLMapping(
                entries: [
                    YAMLMapping.Entry(
                        key: YAMLScalar(value: "group", style: .plain, start: origin, end: origin),
                        value: .scalar(YAMLScalar(value: "docker-hosts", style: .plain, start: origin, end: origin)))
                ], start: origin, end: origin, isFlow: false))
        #expect(facts.applied(to: .selfHosted(label: "docker-hosts"), runsOn: group) == .selfHosted(label: "docker-hosts", imageStores: [.containerd]))
        #expect(facts.applied(to: .decidedAtRunTime, runsOn: group) == .decidedAtRunTime)
        #expect(facts.applied(to: .caller, runsOn: group) == .caller)
    }

    @Test func theNearestFileAppliesAndEachFolderIsReadOnce() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("services/api/.github/workflows")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "rules: {yaml-syntax: warning}\n".write(to: root.appendingPathComponent(".buildx-doctor.yml"), atomically: true, encoding: .utf8)
        try "rules: {yaml-syntax: off}\n".write(
            to: root.appendingPathComponent("services/api/.buildx-doctor.yaml"), atomically: true, encoding: .utf8)
        var lookup = ConfigurationLookup(currentDirectory: root.path)
        let inner = try lookup.configuration(forFileAt: "services/api/.github/workflows/ci.yml")
        #expect(inner?.rules == ["yaml-syntax": .off])
        #expect(inner?.path == "services/api/.buildx-doctor.yaml")
        #expect(inner?.root == PathText.normalized(root.path + "/services/api"))
        let outer = try lookup.configuration(forFileAt: "services/ci.yml")
        #expect(outer?.rules == ["yaml-syntax": .severity(.warning)])
        #expect(try lookup.configuration(forFileAt: root.path, isFolder: true)?.path == ".buildx-doctor.yml")

        try "rules: {}\n".write(to: root.appendingPathComponent(".buildx-doctor.yaml"), atomically: true, encoding: .utf8)
        var fresh = ConfigurationLookup(currentDirectory: root.path)
        #expect(throws: ConfigurationError.self) { try fresh.configuration(forFileAt: "ci.yml") }
    }

    @Test func pathsAreNormalisedAsText() {
        #expect(PathText.normalized("./a//b/./c/") == "a/b/c")
        #expect(PathText.normalized("a/../../b") == "../b")
        #expect(PathText.normalized("/a/../../b") == "/b")
        #expect(PathText.normalized("./") == ".")
        #expect(PathText.display("./.github/workflows/ci.yml", from: "/repo") == ".github/workflows/ci.yml")
        #expect(PathText.display("/repo/.github/ci.yml", from: "/repo") == ".github/ci.yml")
        #expect(PathText.display("/repository/ci.yml", from: "/repo") == "/repository/ci.yml")
        #expect(PathText.relative("/repo", to: "/") == "repo")
    }
}

private let origin = Location(line: 1, column: 1, offset: 0)
