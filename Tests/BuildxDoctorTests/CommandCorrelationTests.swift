import BuildxDoctor
import Foundation
import Testing

/// `explain --repo` on builds written as commands: the log's own words (the script line GitLab echoes,
/// the `run:` step GitHub opens) pick the build, as they do for build-push-action steps.
@Suite("Explain correlation: builds written as commands")
struct CommandCorrelationTests {
    private let pipeline = """
        build:
          services: [docker:24-dind]
          script:
            - docker buildx build --cache-to type=registry,ref=r/c,mode=max .
        tools:
          services: [docker:24-dind]
          script:
            - docker buildx build --platform linux/amd64 --cache-to type=local,dest=/tmp/c -t r/tools .

        """
    /// A job whose command is folded over two lines: where it stands in the file is only the scalar's start.
    private let folded = """
        folded:
          services: [docker:24-dind]
          script:
            - >-
              docker buildx build --target web
              --cache-to type=local,dest=/tmp/w .

        """
    private let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - name: Build\n        run: ./scripts/build.sh\n"
    private let script = "#!/bin/sh\ndocker buildx build --cache-to type=registry,ref=r/s .\n"
    private let refusal = "ERROR: failed to build: Cache export is not supported for the docker driver.\n"

    /// Where the explanation of `log` points (`path:line`), or the candidates' places when it does not decide.
    private func cause(of log: String, folded: Bool = false) throws -> [String] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in [".gitlab-ci.yml": pipeline + (folded ? self.folded : ""), ".github/workflows/ci.yml": workflow, "scripts/build.sh": script] {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let report = LogScanner.standard.scan(Array(log.utf8)).correlated(with: Checker().check(paths: [folder.path]))
        let explanation = try #require(report.explanations.first)
        let places = (explanation.location.map { [$0] } ?? explanation.candidates).map { diagnostic in
            "\(diagnostic.span.path.dropFirst(folder.path.count + 1)):\(diagnostic.span.start.line)"
        }
        return places
    }

    @Test func theEchoedGitLabScriptLineNamesTheJob() throws {
        let log = "\u{1B}[32;1m$ docker buildx build --cache-to type=registry,ref=r/c,mode=max .\u{1B}[0;m\n" + refusal
        #expect(try cause(of: log) == [".gitlab-ci.yml:4"])
        let tools = "$ docker buildx build --platform linux/amd64 --cache-to type=local,dest=/tmp/c -t r/tools .\n" + refusal
        #expect(try cause(of: tools) == [".gitlab-ci.yml:8"])
    }

    @Test func aFoldedCommandIsNeitherContradictedNorChosenByAnEcho() throws {
        let log = "$ docker buildx build --target web --cache-to type=local,dest=/tmp/w .\n" + refusal
        #expect(try cause(of: log, folded: true) == [".gitlab-ci.yml:14"])
        // Its own label is unknown, so another job's echo leaves it a candidate.
        let other = "$ docker buildx build --cache-to type=registry,ref=r/c,mode=max .\n" + refusal
        #expect(try cause(of: other, folded: true) == [".gitlab-ci.yml:4", ".gitlab-ci.yml:14"])
    }

    @Test func aGitHubRunStepNamesTheScriptItRuns() throws {
        let log = "2024-05-01T12:00:00.0000000Z ##[group]Run ./scripts/build.sh\n" + refusal
        #expect(try cause(of: log) == ["scripts/build.sh:2"])
    }

    @Test func withoutWordsOfItsOwnTheLogGivesEveryCommandBuildAsACandidate() throws {
        #expect(try cause(of: refusal) == [".gitlab-ci.yml:4", ".gitlab-ci.yml:8", "scripts/build.sh:2"])
    }
}
