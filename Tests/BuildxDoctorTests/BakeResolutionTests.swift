@testable import BuildxDoctor
import Testing

/// Bake's semantics over hand-built documents: merging, groups, inherits, overrides, names.
@Suite("Bake resolution")
struct BakeResolutionTests {
    static let text = """
        group "default" {
          targets = ["app", "all"]
        }
        group "all" {
          targets = ["worker", "default"]
        }
        target "base" {
          cache-from = ["type=gha,scope=base"]
          cache-to = ["type=gha,mode=max"]
          platforms = ["linux/amd64"]
        }
        target "app" {
          inherits = ["base", "extra"]
          cache-from = ["type=registry,ref=r/app:cache"]
          tags = ["r/app:latest"]
        }
        target "extra" {
          platforms = ["linux/arm64"]
          cache-to = ["type=local,dest=/tmp/c"]
        }
        target "worker" {
          inherits = ["base"]
        }
        """
    let bake = HandWrittenBake(text)

    var document: BakeDocument {
        BakeDocument(
            path: bake.file.path,
            targets: [
                bake.block(
                    "base", 1,
                    [
                        bake.attribute("cache-from", bake.list(["type=gha,scope=base"])),
                        bake.attribute("cache-to", bake.list(["type=gha,mode=max"])),
                        bake.attribute("platforms", bake.list(["linux/amd64"])),
                    ]),
                bake.block(
                    "app", 2,
                    [
                        bake.attribute("inherits", .list([bake.string("base", 2), bake.string("extra", 1)], bake.span("base", 3))),
                        bake.attribute("cache-from", bake.list(["type=registry,ref=r/app:cache"]), 2),
                        bake.attribute("tags", bake.list(["r/app:latest"])),
                    ]),
                bake.block(
                    "extra", 2,
                    [
                        bake.attribute("platforms", bake.list(["linux/arm64"]), 2),
                        bake.attribute("cache-to", bake.list(["type=local,dest=/tmp/c"]), 2),
                    ]),
                bake.block("worker", 2, [bake.attribute("inherits", .list([bake.string("base", 3)], bake.span("base", 4)))]),
            ],
            groups: [
                bake.block("default", 1, [bake.attribute("targets", .list([bake.string("app", 1), bake.string("all", 1)], bake.span("app", 1)))]),
                bake.block(
                    "all", 2, [bake.attribute("targets", .list([bake.string("worker", 1), bake.string("default", 2)], bake.span("worker", 1)), 2)]),
            ])
    }

    @Test func theDefaultGroupExpandsNestedGroupsOnceEachAndStopsAtTheCycle() {
        let resolution = BakeResolver.resolve([document], requested: [], overrides: [])
        #expect(resolution.problems == [])
        #expect(resolution.targets.map(\.name) == ["app", "worker"])
    }

    @Test func parentsMergeInOrderThenTheTargetsOwnValues() throws {
        let resolution = BakeResolver.resolve([document], requested: [WrittenText(text: "app", span: bake.span("app"))], overrides: [])
        let app = try #require(resolution.targets.first)
        // cache-from is appended to; cache-to and platforms are replaced by the later parent.
        #expect(app.cacheFrom?.items.map(\.text) == ["type=gha,scope=base", "type=registry,ref=r/app:cache"])
        #expect(app.cacheFrom?.items.map(\.span.at) == ["8:18", "14:18"])
        #expect(app.cacheTo?.items.map(\.text) == ["type=local,dest=/tmp/c"])
        #expect(app.cacheTo?.items.map(\.span.at) == ["19:16"])
        #expect(app.platforms?.items.map(\.text) == ["linux/arm64"])
        #expect(app.tags?.items.map(\.span.at) == ["15:12"])
        #expect(app.nameSpan.at == "12:8")
    }

    @Test func aTargetInheritedByTwoKeepsTheParentsSpans() throws {
        let resolution = BakeResolver.resolve([document], requested: [WrittenText(text: "worker", span: bake.span("worker"))], overrides: [])
        let worker = try #require(resolution.targets.first)
        #expect(worker.cacheTo?.items.map(\.span.at) == ["9:16"])
    }

    @Test func anInheritsCycleIsANoteNamingItsMembersAndTheRestResolves() throws {
        let text = """
            target "a" {
              inherits = ["b"]
              cache-to = ["type=inline"]
            }
            target "b" {
              inherits = ["a"]
            }
            """
        let bake = HandWrittenBake(text)
        let document = BakeDocument(
            path: bake.file.path,
            targets: [
                bake.block(
                    "a", 1, [bake.attribute("inherits", .list([bake.string("b", 1)], bake.span("b", 2))), bake.attribute("cache-to", bake.list(["type=inline"]))]),
                bake.block("b", 1, [bake.attribute("inherits", .list([bake.string("a", 2)], bake.span("a", 3)))]),
            ])
        let resolution = BakeResolver.resolve([document], requested: [WrittenText(text: "a", span: bake.span("a"))], overrides: [])
        #expect(resolution.problems.map(\.message) == ["inherits cycle `a` → `b` → `a`: bake ignores the inherit that closes it"])
        #expect(resolution.problems.map(\.span.at) == ["6:16"])
        #expect(resolution.targets.map(\.name) == ["a"])
        #expect(resolution.targets.first?.cacheTo?.items.map(\.text) == ["type=inline"])
    }

    @Test func aLaterFileOverridesAndMergesSameNamedTargets() throws {
        let second = HandWrittenBake(path: "docker-bake.override.hcl", """
            target "app" {
              cache-to = ["type=registry,ref=r/app:cache,mode=max"]
              cache-from = ["type=registry,ref=r/app:cache"]
            }
            """)
        let override = BakeDocument(
            path: second.file.path,
            targets: [
                second.block(
                    "app", 1,
                    [
                        second.attribute("cache-to", second.list(["type=registry,ref=r/app:cache,mode=max"])),
                        second.attribute("cache-from", second.list(["type=registry,ref=r/app:cache"])),
                    ])
            ])
        let resolution = BakeResolver.resolve([document, override], requested: [WrittenText(text: "app", span: bake.span("app"))], overrides: [])
        let app = try #require(resolution.targets.first)
        #expect(app.cacheTo?.items.map(\.span.path) == ["docker-bake.override.hcl"])
        #expect(app.cacheTo?.items.map(\.span.at) == ["2:16"])
        // The same entry twice is kept once, at its first place.
        #expect(app.cacheFrom?.items.map(\.span.at) == ["8:18", "14:18"])
    }

    @Test func overridesMatchPatternsAppendWithPlusAndReachInheritingTargets() throws {
        let resolution = BakeResolver.resolve(
            [document], requested: [],
            overrides: [
                override("*.platform=linux/riscv64"), override("base.cache-to=type=registry,ref=r/base:cache", line: 10),
                override("app.cache-from+=type=local,src=/tmp/c", line: 11), override("app.tags=r/app:1", line: 12),
                override("app.tags=r/app:2", line: 13),
            ])
        #expect(resolution.problems == [])
        let app = try #require(resolution.targets.first { $0.name == "app" })
        let worker = try #require(resolution.targets.first { $0.name == "worker" })
        #expect(app.platforms?.items.map(\.text) == ["linux/riscv64"])
        #expect(app.platforms?.items.map(\.span.at) == ["9:24"])
        // `extra`'s cache-to replaces the overridden `base` one for `app`; `worker` keeps `base`'s.
        #expect(app.cacheTo?.items.map(\.text) == ["type=local,dest=/tmp/c"])
        #expect(worker.cacheTo?.items.map(\.text) == ["type=registry,ref=r/base:cache"])
        #expect(worker.cacheTo?.items.map(\.span.at) == ["10:27"])
        #expect(app.cacheFrom?.items.map(\.text) == ["type=gha,scope=base", "type=registry,ref=r/app:cache", "type=local,src=/tmp/c"])
        // Every --set of one key counts together.
        #expect(app.tags?.items.map(\.text) == ["r/app:1", "r/app:2"])
    }

    @Test func quotesInASetValueAreKeptAsCharacters() throws {
        let resolution = BakeResolver.resolve(
            [document], requested: [WrittenText(text: "worker", span: bake.span("worker"))], overrides: [override("worker.cache-to=\"type=gha\"")])
        let worker = try #require(resolution.targets.first)
        #expect(worker.cacheTo?.items.map(\.text) == ["\"type=gha\""])
        #expect(worker.cacheTo?.items.map(\.span.at) == ["9:29"])
    }

    @Test func pushAndLoadOverridesAddOutputs() throws {
        let resolution = BakeResolver.resolve(
            [document], requested: [WrittenText(text: "worker", span: bake.span("worker"))],
            overrides: [override("*.push=true", line: 3), override("*.load=true", line: 4)])
        let worker = try #require(resolution.targets.first)
        #expect(worker.outputs?.items.map(\.text) == ["type=image,push=true", "type=docker"])
        #expect(worker.push?.value == .known(true))
        #expect(worker.load?.span.at == "4:13")
    }

    @Test func bakeErrorsBecomeProblemsAndNoTargets() {
        let notFound = BakeResolver.resolve([document], requested: [WrittenText(text: "nope", span: bake.span("worker"))], overrides: [])
        #expect(notFound.problems.map(\.message) == ["failed to find target nope"])
        #expect(notFound.targets.isEmpty)
        let badKey = BakeResolver.resolve([document], requested: [], overrides: [override("cache-to=type=gha")])
        #expect(badKey.problems.map(\.message) == ["invalid override key cache-to, expected target.name"])
        #expect(badKey.fails)
        let unknownKey = BakeResolver.resolve([document], requested: [], overrides: [override("*.cache_to=type=gha")])
        #expect(unknownKey.problems.map(\.message) == ["unknown key: cache_to"])
        let noMatch = BakeResolver.resolve([document], requested: [], overrides: [override("api.cache-to=type=gha")])
        #expect(noMatch.problems.map(\.message) == ["could not find any target matching 'api'"])
        let badBool = BakeResolver.resolve([document], requested: [], overrides: [override("*.push=yes")])
        #expect(badBool.problems.map(\.message) == ["invalid value yes for boolean key push"])
        #expect(badBool.problems.map(\.span.at) == ["9:20"])
    }

    @Test func aTargetNameOutsideBakesCharactersIsAProblem() {
        let bake = HandWrittenBake("target \"my.app\" {}\n")
        let resolution = BakeResolver.resolve(
            [BakeDocument(path: bake.file.path, targets: [bake.block("my.app", 1, [])])], requested: [WrittenText(text: "my_app", span: bake.span("my.app"))],
            overrides: [])
        #expect(resolution.problems.map(\.message) == ["invalid target name \"my.app\": only \"[a-zA-Z0-9_-]+\" are allowed", "failed to find target my_app"])
        #expect(resolution.problems.first?.span.at == "1:8")
    }

    @Test func deepInheritsChainsAreBounded() {
        var text = ""
        for index in 0..<100 { text += "target \"t\(index)\" {}\n" }
        let bake = HandWrittenBake(text)
        let blocks = (0..<100).map { index in
            BakeBlock(
                name: "t\(index)", nameSpan: bake.span("\"t\(index)\""),
                attributes: index == 99 ? [] : [BakeAttribute(name: "inherits", nameSpan: bake.span("\"t\(index)\""), value: .list([.string(BakeString(text: "t\(index + 1)", span: bake.span("\"t\(index)\""), isVerbatim: false))], bake.span("\"t\(index)\"")))])
        }
        let resolution = BakeResolver.resolve([BakeDocument(path: bake.file.path, targets: blocks)], requested: [WrittenText(text: "t0", span: bake.span("t0"))], overrides: [])
        #expect(resolution.problems.map(\.message) == ["inherits nested deeper than 64 targets"])
    }

    @Test func diamondsOfInheritsResolveInLinearTime() {
        // t_i inherits a_{i+1} and b_{i+1}, which both inherit t_{i+1}: 2^30 paths, 93 targets.
        var text = ""
        for index in 0...30 { text += "target \"t\(index)\" {}\ntarget \"a\(index)\" {}\ntarget \"b\(index)\" {}\n" }
        let bake = HandWrittenBake(text)
        func names(_ list: [String], _ index: Int) -> BakeAttribute {
            let span = bake.span("\"t\(index)\"")
            return BakeAttribute(
                name: "inherits", nameSpan: span, value: .list(list.map { .string(BakeString(text: $0, span: span, isVerbatim: false)) }, span))
        }
        var blocks: [BakeBlock] = []
        for index in 0...30 {
            let last = index == 30
            blocks.append(BakeBlock(name: "t\(index)", nameSpan: bake.span("\"t\(index)\""), attributes: last ? [] : [names(["a\(index + 1)", "b\(index + 1)"], index)]))
            blocks.append(BakeBlock(name: "a\(index)", nameSpan: bake.span("\"a\(index)\""), attributes: [names(["t\(index)"], index)]))
            blocks.append(BakeBlock(name: "b\(index)", nameSpan: bake.span("\"b\(index)\""), attributes: [names(["t\(index)"], index)]))
        }
        let start = ContinuousClock.now
        let resolution = BakeResolver.resolve(
            [BakeDocument(path: bake.file.path, targets: blocks)], requested: [WrittenText(text: "t0", span: bake.span("t0"))], overrides: [])
        #expect(resolution.targets.map(\.name) == ["t0"])
        #expect(resolution.problems == [])
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}
