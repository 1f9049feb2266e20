@testable import BuildxDoctor
import Testing

/// The step lists a job keeps once for the rules (logins, restoring, script and build steps), and the
/// ones around a build found in them.
@Suite("Plan facts kept once per job")
struct PlanFactsTests {
    private let workflow = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/cache@v4
                with:
                  path: /tmp/.buildx-cache
                  key: k
              - uses: docker/login-action@v3
                with:
                  registry: ghcr.io
                  password: ${{ secrets.GITHUB_TOKEN }}
              - uses: docker/setup-buildx-action@v3
              - uses: docker/build-push-action@v6
              - run: mv /tmp/a /tmp/b
              - run: docker login -u u -p p registry.example.com
              - uses: docker/build-push-action@v6

        """

    @Test func stepListsAndTheStepsAroundABuild() throws {
        let file = SourceFile(path: ".github/workflows/ci.yml", text: workflow)
        let plan = try #require(GitHubActionsFrontend().plan(FrontendInput(file: file, yaml: try YAMLDocument.parse(file), repository: RepositoryFileLoader(repositoryRoot: nil))))
        let job = try #require(plan.jobs.first)
        // The second `run:` step is followed by the `docker login` it runs, a step of its own.
        #expect(job.steps.map(\.index) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(job.registryLogins.map(\.index) == [1, 6])
        #expect(job.restoringSteps.map(\.index) == [0])
        #expect(job.scriptSteps.map(\.index) == [4, 5])
        #expect(job.buildSteps.map(\.index) == [3, 7])
        let first = job.buildSteps[0]
        let last = job.buildSteps[1]
        #expect(job.steps(job.registryLogins, before: first).map(\.index) == [1])
        #expect(job.steps(job.registryLogins, before: last).map(\.index) == [1, 6])
        #expect(job.steps(job.scriptSteps, after: first).map(\.index) == [4, 5])
        #expect(job.steps(job.scriptSteps, after: last).isEmpty)
        #expect(job.steps(job.buildSteps, after: job.registryLogins[0]).map(\.index) == [3, 7])
        #expect(job.steps(job.restoringSteps, before: job.steps[0]).isEmpty)
    }
}
