import Foundation
import Testing

@testable import BuildxDoctor

/// The cache report of `LogScanner.withCacheReport` for a log given as text.
private func cacheReport(_ log: String) -> CacheReport {
    LogScanner.withCacheReport.scan(Array(log.utf8)).cache ?? CacheReport()
}

private func cacheFixture(_ name: String) throws -> CacheReport {
    cacheReport(try fixture("cache-logs/\(name).log"))
}

/// What the ground truth says each fixture shows: the verdict, steps cached of those judged, where the
/// cache stopped working, and whether the mode=min pattern shows.
struct CacheFixtureCase: CustomTestStringConvertible, Sendable {
    let name: String
    let verdict: CacheBuild.Verdict
    let cached: Int
    let invalidatedAt: String?
    let minModeRebuild: Bool
    var testDescription: String { name }
}

private let deps1 = "[deps 1/2] COPY deps.txt /src/deps.txt"
private let base1 = "[base 1/2] COPY busybox /bin/busybox"

/// Fixtures/cache-logs/ holds real `--progress=plain` logs of one multi-stage Dockerfile (see the README
/// there), each built on a fresh builder: cold, warm, then after changing an early file, per backend.
let cacheFixtureCases: [CacheFixtureCase] = [
    .init(name: "registry-cold", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "registry-warm", verdict: .warm, cached: 8, invalidatedAt: nil, minModeRebuild: false),
    .init(name: "registry-invalidated", verdict: .invalidated, cached: 2, invalidatedAt: deps1, minModeRebuild: false),
    .init(name: "local-cold", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "local-warm", verdict: .warm, cached: 8, invalidatedAt: nil, minModeRebuild: false),
    .init(name: "local-invalidated", verdict: .invalidated, cached: 2, invalidatedAt: deps1, minModeRebuild: false),
    .init(name: "inline-cold", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "inline-warm", verdict: .warm, cached: 8, invalidatedAt: nil, minModeRebuild: false),
    // The inline cache keeps only the final stage: after deps.txt changed, the untouched base stage ran too.
    .init(name: "inline-invalidated", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: true),
    .init(name: "mode-min-cold", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "mode-min-warm", verdict: .warm, cached: 8, invalidatedAt: nil, minModeRebuild: false),
    // Only app.txt (a late file of the build stage) changed, yet every stage ran: mode=min.
    .init(name: "mode-min-changed", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: true),
    .init(name: "mode-max-cold", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "mode-max-warm", verdict: .warm, cached: 8, invalidatedAt: nil, minModeRebuild: false),
    .init(
        name: "mode-max-changed", verdict: .invalidated, cached: 5, invalidatedAt: "[build 2/3] COPY app.txt /src/app.txt",
        minModeRebuild: false),
    .init(name: "no-cache", verdict: .noCache, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "mismatch-first", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
    .init(name: "mismatch-second", verdict: .coldNothingFound, cached: 0, invalidatedAt: base1, minModeRebuild: false),
]

@Suite("Cache report")
struct CacheReportTests {
    @Test(arguments: cacheFixtureCases)
    func groundTruthFixture(_ expected: CacheFixtureCase) throws {
        let report = try cacheFixture(expected.name)
        try #require(report.builds.count == 1)
        let build = report.builds[0]
        #expect(build.verdict == expected.verdict)
        #expect(build.judgedSteps.count == 8)
        #expect(build.judgedSteps.filter(\.cached).count == expected.cached)
        #expect(build.invalidatedAt?.label == (expected.verdict == .warm ? nil : expected.invalidatedAt))
        #expect(build.minModeRebuild == expected.minModeRebuild)
    }

    @Test func importsAndExportsOfTheFixtures() throws {
        let cold = try cacheFixture("registry-cold").builds[0]
        #expect(cold.imports.map(\.type) == ["registry"])
        #expect(cold.imports[0].name == "127.0.0.1:5000/cachegt/app:cache-1796087911")
        #expect(cold.imports[0].outcome == .failed)
        #expect(cold.imports[0].foundNothing)
        #expect(cold.exports.map(\.type) == ["registry"])
        #expect(cold.exports[0].outcome == .done)
        #expect(cold.exports[0].layersWritten == 6)
        #expect(cold.exportMode == "max")

        let local = try cacheFixture("local-cold").builds[0]
        // buildx skipped the import (no index.json yet) and said so in a warning after the build.
        #expect(local.imports.map(\.name) == ["/tmp/cache-gt/localcache"])
        #expect(local.imports[0].foundNothing)
        #expect(local.exports.map(\.type) == ["local"])

        let warmLocal = try cacheFixture("local-warm").builds[0]
        #expect(warmLocal.imports.map(\.type) == ["local"])
        #expect(warmLocal.imports[0].outcome == .done)

        let inline = try cacheFixture("inline-warm").builds[0]
        #expect(inline.exports.map(\.type) == ["inline"])
        #expect(inline.exportMode == "min")

        #expect(try cacheFixture("no-cache").builds[0].imports.isEmpty)
        #expect(try cacheFixture("mode-min-changed").builds[0].exportMode == "min")
    }

    /// A step whose result BuildKit loaded from the imported cache without printing `CACHED` counts as
    /// cached. The lines are those of an earlier run of registry-invalidated on the testbed, where the
    /// same step of local-invalidated printed `CACHED`.
    @Test func resultLoadedFromTheImportIsAHit() {
        let log = """
            #0 building with "bk-cache-gt" instance using docker-container driver
            #4 importing cache manifest from 127.0.0.1:5000/cachegt/app:cache
            #4 DONE 0.0s
            #5 [base 1/2] COPY busybox /bin/busybox
            #5 CACHED
            #6 [base 2/2] RUN ["/bin/busybox", "--install", "-s", "/bin"]
            #6 sha256:b50762493fcbd55c653f9ee19b57bf8f70c33c5c5b9b3e6de0e15f25ebb31669 1.08MB / 1.08MB 0.1s done
            #6 sha256:af8c582888dc1e9a01c309dfd015b573b0d5b616a4b40eb71e56e0ca5022ab7d 3.51kB / 3.51kB 0.1s done
            #6 extracting sha256:b50762493fcbd55c653f9ee19b57bf8f70c33c5c5b9b3e6de0e15f25ebb31669 0.1s done
            #6 extracting sha256:af8c582888dc1e9a01c309dfd015b573b0d5b616a4b40eb71e56e0ca5022ab7d 0.0s done
            #6 DONE 0.2s
            #7 [deps 1/2] COPY deps.txt /src/deps.txt
            #7 DONE 0.0s

            """
        let build = cacheReport(log).builds[0]
        #expect(build.steps.map(\.cached) == [true, true, false])
        #expect(build.steps[1].seconds == 0.2)
        #expect(build.verdict == .invalidated)
        #expect(build.invalidatedAt?.label == deps1)
    }

    @Test func timeOnUncachedSteps() throws {
        let changed = try cacheFixture("mode-max-changed").builds[0]
        let ran = changed.judgedSteps.filter { !$0.cached }
        #expect(ran.map(\.label) == ["[build 2/3] COPY app.txt /src/app.txt", "[build 3/3] RUN sleep 1 && cat /deps.sum /src/app.txt > /app.out", "[stage-3 1/1] COPY --from=build /app.out /app.out"])
        #expect(changed.lostSeconds == ran.compactMap(\.seconds).reduce(0, +))
        #expect(ran.allSatisfy { $0.seconds != nil })
        // Another build of the same report ran the cached steps: their time is what the cache saved.
        let merged = CacheReport(merging: [try cacheFixture("registry-cold"), try cacheFixture("registry-warm")])
        let cold = merged.builds[0]
        #expect(merged.builds[1].savedSeconds == cold.judgedSteps.compactMap(\.seconds).reduce(0, +))
        #expect(merged.builds[1].lostSeconds == 0)
    }

    @Test func modeMinOnEveryRun() throws {
        let changed = try cacheFixture("mode-min-changed")
        #expect(changed.minModeRebuildsEveryRun)
        #expect(CacheReport(merging: [try cacheFixture("inline-invalidated"), changed]).minModeRebuildsEveryRun)
        #expect(!CacheReport(merging: [try cacheFixture("mode-min-warm"), changed]).minModeRebuildsEveryRun)
        #expect(!(try cacheFixture("mode-max-changed")).minModeRebuildsEveryRun)
        #expect(CacheReporter.text(changed).contains("note: \(CacheReporter.minModeEveryRun)"))
    }

    @Test func mismatchedRefsFromThePrintedCommand() throws {
        let report = try cacheFixture("mismatch-second").advised(using: nil)
        #expect(
            report.builds[0].advice == [
                "the import reads `127.0.0.1:5000/cachegt/app:cache-mismatch-1796087911` but the export writes `127.0.0.1:5000/cachegt/app:buildcache-mismatch-1796087911`: make them the same ref"
            ])
        let same = try cacheFixture("registry-cold").advised(using: nil)
        #expect(same.builds[0].advice.count == 1)
        #expect(same.builds[0].advice[0].hasPrefix("nothing was at `127.0.0.1:5000/cachegt/app:cache-1796087911` yet although this build exports there"))
        #expect(try cacheFixture("registry-warm").advised(using: nil).builds[0].advice.isEmpty)
        // The import found a cache (mode=min kept only the final stage): nothing to say about names.
        #expect(try cacheFixture("mode-min-changed").advised(using: nil).builds[0].advice.isEmpty)
    }

    /// A GitHub raw log: two builds in two steps, durations from timestamps where BuildKit gives none
    /// (an error), across midnight and a leap day; cache inputs echoed by the runner.
    @Test func gitHubLogWithTwoBuilds() throws {
        let log = """
            2024-02-29T23:59:50.0000000Z ##[group]Run docker/build-push-action@v6
            2024-02-29T23:59:50.0000000Z with:
            2024-02-29T23:59:50.0000000Z   cache-from: type=gha
            2024-02-29T23:59:50.0000000Z   cache-to: type=gha,mode=max,scope=api
            2024-02-29T23:59:50.5000000Z /usr/bin/docker buildx build --cache-from type=gha --cache-to type=gha,mode=max,scope=api --tag api .
            2024-02-29T23:59:51.0000000Z #0 building with "builder" instance using docker-container driver
            2024-02-29T23:59:51.1000000Z #1 [internal] load build definition from Dockerfile
            2024-02-29T23:59:51.2000000Z #1 DONE 0.0s
            2024-02-29T23:59:51.3000000Z #2 importing cache manifest from gha:1234
            2024-02-29T23:59:51.4000000Z #2 DONE 0.1s
            2024-02-29T23:59:51.5000000Z #3 [1/3] FROM docker.io/library/alpine:3.20@sha256:abc
            2024-02-29T23:59:51.6000000Z #3 DONE 0.4s
            2024-02-29T23:59:52.0000000Z #4 [2/3] RUN apk add --no-cache curl
            2024-02-29T23:59:52.0000000Z #4 CACHED
            2024-02-29T23:59:58.5000000Z #5 [3/3] RUN make test
            2024-02-29T23:59:59.0000000Z #5 0.512 running tests
            2024-03-01T00:00:03.0000000Z #5 ERROR: process "/bin/sh -c make test" did not complete successfully: exit code: 2
            2024-03-01T00:00:03.1000000Z ##[group]Run docker/build-push-action@v6
            2024-03-01T00:00:03.1000000Z /usr/bin/docker buildx build --cache-from type=registry,ref=ghcr.io/acme/web:cache --cache-to type=registry,ref=ghcr.io/acme/web:buildcache,mode=max --tag web .
            2024-03-01T00:00:04.0000000Z #0 building with "builder" instance using docker-container driver
            2024-03-01T00:00:04.1000000Z #1 [internal] load build definition from Dockerfile
            2024-03-01T00:00:04.2000000Z #2 importing cache manifest from ghcr.io/acme/web:cache
            2024-03-01T00:00:04.3000000Z #2 ERROR: failed to configure registry cache importer: ghcr.io/acme/web:cache: not found
            2024-03-01T00:00:04.4000000Z #3 [2/2] RUN npm ci
            2024-03-01T00:00:14.4000000Z #3 DONE 10.0s
            2024-03-01T00:00:15.0000000Z #4 exporting to GitHub Actions Cache
            2024-03-01T00:00:15.5000000Z #4 DONE 0.5s

            """
        let report = cacheReport(log).advised(using: nil)
        try #require(report.builds.count == 2)
        let first = report.builds[0]
        #expect(first.ciStep == "docker/build-push-action@v6")
        #expect(first.verdict == .invalidated)
        #expect(first.invalidatedAt?.label == "[3/3] RUN make test")
        #expect(first.steps.map(\.seconds) == [0.4, nil, 4.5])
        #expect(first.steps[2].failed)
        // From the build's first step line to its last line.
        #expect(abs((first.wallSeconds ?? 0) - 11.9) < 0.001)
        #expect(first.commandCacheFrom == ["type=gha"])
        #expect(first.commandCacheTo == ["type=gha,mode=max,scope=api"])
        #expect(first.imports.map(\.type) == ["gha"])
        #expect(first.advice.isEmpty)
        let second = report.builds[1]
        #expect(second.verdict == .coldNothingFound)
        #expect(second.lostSeconds == 10.0)
        #expect(second.exports.map(\.type) == ["gha"])
        #expect(second.commandCacheFrom == ["type=registry,ref=ghcr.io/acme/web:cache"])
        #expect(
            second.advice == ["the import reads `ghcr.io/acme/web:cache` but the export writes `ghcr.io/acme/web:buildcache`: make them the same ref"])
    }

    @Test func gitHubScopesThatDiffer() {
        let log = """
            ##[group]Run docker/build-push-action@v6
              cache-from: type=gha
              cache-to: type=gha,mode=max,scope=api
            #0 building with "builder" instance using docker-container driver
            #2 importing cache manifest from gha:1234
            #2 DONE 0.1s
            #3 [1/1] RUN make
            #3 DONE 3.0s

            """
        #expect(
            cacheReport(log).advised(using: nil).builds[0].advice == [
                "the import reads `buildkit` but the export writes `api`: make them the same scope"
            ])
    }

    @Test func reportsInEveryFormat() throws {
        let report = try cacheFixture("mode-max-changed")
        let text = CacheReporter.text(report)
        #expect(text.hasPrefix("build 1 (log line 4): invalidated at #10 [build 2/3] COPY app.txt /src/app.txt\n"))
        #expect(text.contains("\n  import  registry 127.0.0.1:5000/cachegt/app:mode--1796087911max: done in 0.0 s\n"))
        #expect(text.contains("\n  #10 [build 2/3] COPY app.txt /src/app.txt                             ran 0.0 s\n"))
        #expect(text.contains("\n  5/8 steps cached, "))

        let markdown = CacheReporter.markdown(CacheReport(merging: [try cacheFixture("mode-max-cold"), report]))
        #expect(markdown.hasPrefix("## Did the cache work?\n\n| build | verdict | steps cached | time on uncached steps | cache |\n|---|---|---|---|---|\n"))
        #expect(markdown.contains("| 2 | invalidated at #10 [build 2/3] COPY app.txt /src/app.txt | 5/8 |"))
        #expect(markdown.contains("**Build 1** `░░░░░░░░░░░░░░░░░░░░`"))
        // Build 2's cached steps ran in build 1: the bar weighs the time they took against the time spent.
        let build2 = CacheReport(merging: [try cacheFixture("mode-max-cold"), report]).builds[1]
        let share = build2.savedSeconds! / (build2.savedSeconds! + build2.lostSeconds)
        let cells = Int((share * 20).rounded())
        #expect(markdown.contains("**Build 2** `" + String(repeating: "█", count: cells) + String(repeating: "░", count: 20 - cells) + "`"))

        let json = CacheReporter.json(report)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["version"] as? Int == 1)
        let build = (object?["builds"] as? [[String: Any]])?.first
        #expect(build?["verdict"] as? String == "invalidated")
        #expect(build?["stepsCached"] as? Int == 5)
        #expect(build?["stepsJudged"] as? Int == 8)
        #expect((build?["invalidatedAt"] as? [String: Any])?["vertex"] as? Int == 10)
        #expect((build?["steps"] as? [Any])?.count == 8)
        #expect(build?["exportMode"] as? String == "max")
    }

    @Test func noBuildInTheLog() {
        let report = cacheReport("hello\nworld\n")
        #expect(report.builds.isEmpty)
        #expect(CacheReporter.text(report) == "no BuildKit build found in the log (is it --progress=plain output?)\n")
    }

    /// Builds and steps past the limits are counted, not kept: the report stays small.
    @Test func limitsKeepTheReportBounded() {
        var log = ""
        for _ in 0..<(CacheBuild.Tracker.buildLimit + 20) {
            log += "#0 building with \"b\" instance using docker-container driver\n#1 [1/1] RUN true\n#1 DONE 0.1s\n"
        }
        let many = cacheReport(log)
        #expect(many.builds.count == CacheBuild.Tracker.buildLimit)
        #expect(many.omittedBuilds == 20)
        var long = "#0 building with \"b\" instance using docker-container driver\n"
        for vertex in 1...(CacheBuild.Tracker.stepLimit + 7) { long += "#\(vertex) [s \(vertex)/9999] RUN true\n#\(vertex) CACHED\n" }
        let build = cacheReport(long).builds[0]
        #expect(build.steps.count == CacheBuild.Tracker.stepLimit)
        #expect(build.omittedSteps == 7)
    }

    /// With the configuration, the report names the entries the log's imports and exports came from.
    @Test func correlatedWithAWorkflow() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-report-\(UUID().uuidString)")
        let workflows = folder.appendingPathComponent(".github/workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/setup-buildx-action@v3
                  - uses: docker/build-push-action@v6
                    with:
                      cache-from: type=registry,ref=127.0.0.1:5000/cachegt/app:cache-mismatch-1796087911
                      cache-to: type=registry,ref=127.0.0.1:5000/cachegt/app:buildcache-mismatch-1796087911,mode=max
                  - uses: docker/build-push-action@v6
                    with:
                      cache-from: type=gha
                      cache-to: type=gha,mode=max

            """.write(to: workflows.appendingPathComponent("ci.yml"), atomically: true, encoding: .utf8)
        let check = Checker().check(paths: [folder.path])
        let report = try cacheFixture("mismatch-second").advised(using: check)
        let build = report.builds[0]
        let path = workflows.appendingPathComponent("ci.yml").path
        #expect(build.configuration.map { "\($0.direction.rawValue) \($0.line) \($0.isGuess)" } == ["import 9 false", "export 10 false"])
        #expect(build.configuration.allSatisfy { $0.path == path })
        #expect(
            build.advice == [
                "the import reads `127.0.0.1:5000/cachegt/app:cache-mismatch-1796087911` but the export writes `127.0.0.1:5000/cachegt/app:buildcache-mismatch-1796087911`: make them the same ref"
            ])
        #expect(CacheReporter.text(report).contains("  import from \(path):9: type=registry,ref=127.0.0.1:5000/cachegt/app:cache-mismatch-1796087911\n"))
    }

    @Test func commandLine() throws {
        let log = fixturesFolder.appendingPathComponent("cache-logs/registry-warm.log").path
        let markdown = try run(["cache", "--format", "markdown", log, fixturesFolder.appendingPathComponent("cache-logs/registry-cold.log").path])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.hasPrefix("## Did the cache work?\n"))
        #expect(markdown.stdout.contains("| 1 | warm: every step cached | 8/8 | 0.0 s |"))
        let json = try run(["cache", "--format", "json"], input: try fixture("cache-logs/no-cache.log"))
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"verdict\":\"no-cache\""))
        let nothing = try run(["cache"], input: "no build here\n")
        #expect(nothing.status == 1)
        #expect(nothing.stdout == "no BuildKit build found in the log (is it --progress=plain output?)\n")
    }
}
