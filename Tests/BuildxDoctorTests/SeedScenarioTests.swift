import BuildxDoctor
import Testing

/// The acceptance scenarios of the seed failure: the cache export on the default `docker` driver.
@Suite("Seed: cache export on the docker driver")
struct SeedScenarioTests {
    let rule = "cache-export-unsupported-by-driver"

    /// The build job of the seed, with `setup` placed where each scenario puts it.
    private func workflow(setupBefore: String = "", setupAfter: String = "", builder: String = "", otherJob: String = "")
        -> String
    {
        """
        on: push
        jobs:
        \(otherJob)  build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
        \(setupBefore)      - uses: docker/build-push-action@v6
                with:
                  push: true
        \(builder)          cache-from: |
                    type=registry,ref=ghcr.io/acme/widget:cache
                    type=local,src=/tmp/.buildx-cache
                  cache-to: |
                    type=registry,ref=ghcr.io/acme/widget:cache,mode=max
                    type=local,dest=/tmp/.buildx-cache-new,mode=max
        \(setupAfter)
        """
    }

    private func exportFindings(_ yaml: String) -> [Diagnostic] {
        diagnostics(yaml).filter { $0.rule == rule }
    }

    /// Both cache-to entries, at their exact lines and columns in `yaml`.
    private func expectBothEntries(_ yaml: String, severity: Severity = .error) {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let registry = lines.firstIndex { $0.contains("type=registry,ref=ghcr.io/acme/widget:cache,mode=max") }! + 1
        let local = lines.firstIndex { $0.contains("type=local,dest=") }! + 1
        let found = exportFindings(yaml)
        #expect(found.map(\.position) == [Position(line: registry, column: 13), Position(line: local, column: 13)])
        #expect(found.allSatisfy { $0.severity == severity })
        let verb = severity == .error ? "will fail" : "may fail"
        #expect(found.first?.message.contains("`type=registry` cache export \(verb)") == true)
    }

    @Test func seedWorkflowFailsAtBothCacheToLines() throws {
        let yaml = try fixture("seed-failing.yml")
        let found = exportFindings(yaml)
        #expect(found.map(\.position) == [Position(line: 50, column: 13), Position(line: 51, column: 13)])
        #expect(found.first?.message.contains("the builder is set up in job `lint` (line 18)") == true)
        #expect(found.first?.span.end.column == 65)
    }

    @Test func noSetupStep() {
        expectBothEntries(workflow())
    }

    @Test func setupWithDockerDriver() {
        let yaml = workflow(setupBefore: "      - uses: docker/setup-buildx-action@v3\n        with:\n          driver: docker\n")
        expectBothEntries(yaml)
        #expect(exportFindings(yaml).first?.help?.contains("remove `driver: docker`") == true)
    }

    @Test func setupWithUseFalseAndNoBuilder() {
        let yaml = workflow(setupBefore: "      - uses: docker/setup-buildx-action@v3\n        with:\n          use: false\n")
        expectBothEntries(yaml)
        #expect(exportFindings(yaml).first?.help?.contains("builder: ${{ steps.buildx.outputs.name }}") == true)
    }

    @Test func setupAfterTheBuild() {
        let yaml = workflow(setupAfter: "      - uses: docker/setup-buildx-action@v3\n")
        expectBothEntries(yaml)
        #expect(exportFindings(yaml).first?.message.contains("after this build") == true)
    }

    @Test func setupInAnotherJob() {
        let other = "  setup:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n"
        expectBothEntries(workflow(otherJob: other))
    }

    @Test func selfHostedRunnerMayFail() {
        let yaml = workflow().replacingOccurrences(of: "ubuntu-latest", with: "[self-hosted, linux]")
        expectBothEntries(yaml, severity: .warning)
        #expect(exportFindings(yaml).first?.message.contains("may fail") == true)
        #expect(exportFindings(yaml).first?.message.contains("containerd image store") == true)
    }

    @Test func expressionRunnerMayFail() {
        expectBothEntries(workflow().replacingOccurrences(of: "ubuntu-latest", with: "${{ matrix.os }}"), severity: .warning)
    }

    @Test func silentWithUseFalseAndBuilderFromTheSetupStep() {
        let yaml = workflow(
            setupBefore: "      - uses: docker/setup-buildx-action@v3\n        id: builder\n        with:\n          use: false\n",
            builder: "          builder: ${{ steps.builder.outputs.name }}\n")
        #expect(exportFindings(yaml).isEmpty)
    }

    @Test func silentWithSetupBeforeTheBuild() {
        #expect(exportFindings(workflow(setupBefore: "      - uses: docker/setup-buildx-action@v3\n")).isEmpty)
    }

    @Test func silentOnGitHubStarterDockerPublish() throws {
        #expect(diagnostics(try fixture("starter-docker-publish.yml")).isEmpty)
    }

    @Test func silentWhenTheSetupStepAndTheBuildShareACondition() {
        let yaml = workflow(setupBefore: "      - uses: docker/setup-buildx-action@v3\n        if: github.event_name == 'push'\n")
            .replacingOccurrences(
                of: "      - uses: docker/build-push-action@v6\n",
                with: "      - uses: docker/build-push-action@v6\n        if: ${{ github.event_name == 'push' }}\n")
        #expect(exportFindings(yaml).isEmpty)
    }

    @Test func silentWhenOnlyAConditionalSetupStepRunsBefore() {
        let yaml = workflow(setupBefore: "      - uses: docker/setup-buildx-action@v3\n        if: github.event_name == 'push'\n")
        #expect(exportFindings(yaml).isEmpty)
    }

    @Test func s3FailsOnTheDockerDriverWhateverTheImageStore() {
        let yaml = """
            on: push
            jobs:
              build:
                runs-on: self-hosted
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      cache-to: type=s3,region=eu-west-1,bucket=cache
            """
        let found = exportFindings(yaml)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message.contains("with either image store") == true)
    }

    @Test func inlineExportIsFineOnTheDockerDriver() {
        #expect(exportFindings(workflow().replacingOccurrences(of: "type=local,dest=/tmp/.buildx-cache-new,mode=max", with: "type=inline")
            .replacingOccurrences(of: "type=registry,ref=ghcr.io/acme/widget:cache,mode=max", with: "type=inline")).isEmpty)
    }
}
