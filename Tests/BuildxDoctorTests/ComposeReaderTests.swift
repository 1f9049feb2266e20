@testable import BuildxDoctor
import Testing

/// Compose files read as bake reads them (`bake/compose.go`).
@Suite("Compose reader")
struct ComposeReaderTests {
    private func read(_ text: String, environment: BakeEnvironment = BakeEnvironment()) throws -> BakeDocument {
        let file = SourceFile(path: "compose.yaml", text: text)
        return ComposeReader.read(file, root: try YAMLDocument.parse(file), environment: environment)
    }

    private func strings(_ value: BakeValue?) -> [String] {
        guard case .list(let items, _)? = value else { return [] }
        return items.compactMap { if case .string(let string) = $0 { string.text } else { nil } }
    }

    private func spans(_ value: BakeValue?) -> [String] {
        guard case .list(let items, _)? = value else { return [] }
        return items.map(\.span.at)
    }

    static let text = """
        services:
          api.v1:
            build:
              context: ./api
              dockerfile: api.Dockerfile
              target: prod
              args:
                - VERSION=1.2
                - FROM_ENV
              cache_from: [type=gha,scope=api]
              cache_to:
                - type=gha,mode=max,scope=${SCOPE:-api}
              x-bake:
                cache-to: type=inline type=registry,ref=r/api:cache
                platforms: linux/amd64 linux/arm64
          web:
            image: acme/web:latest
            build: ./web
          db:
            image: postgres
        """

    @Test func servicesWithABuildAreTargetsInTheDefaultGroup() throws {
        let document = try read(Self.text)
        #expect(document.targets.map(\.name) == ["api_v1", "web"])
        #expect(document.targets.map(\.nameSpan.at) == ["2:3", "16:3"])
        #expect(document.groups.map(\.name) == ["default"])
        #expect(strings(document.groups.first?.attribute("targets")?.value) == ["api_v1", "web"])
    }

    @Test func buildKeysAndXBakeBecomeBakeAttributes() throws {
        let api = try #require(try read(Self.text).targets.first)
        #expect(api.attribute("context").map { if case .string(let s) = $0.value { s.text } else { "" } } == "./api")
        #expect(api.attribute("dockerfile")?.value.span.at == "5:19")
        // A flow sequence splits at its commas: YAML, not bake, decides the items.
        #expect(strings(api.attribute("cache-from")?.value) == ["type=gha", "scope=api"])
        #expect(spans(api.attribute("cache-from")?.value) == ["10:20", "10:29"])
        // x-bake adds its entries after the service's own; a single string is split at white space.
        #expect(strings(api.attribute("cache-to")?.value) == ["type=gha,mode=max,scope=xxxxxxxxxxxxx", "type=inline", "type=registry,ref=r/api:cache"])
        #expect(spans(api.attribute("cache-to")?.value) == ["12:11", "14:19", "14:31"])
        #expect(strings(api.attribute("platforms")?.value) == ["linux/amd64", "linux/arm64"])
        guard case .object(let args, _)? = api.attribute("args")?.value else {
            Issue.record("args")
            return
        }
        // A name without a value takes it from the environment, which is not known.
        #expect(args.map(\.key) == ["VERSION"])
        #expect(args.first?.value.span.at == "8:19")
    }

    @Test func aVariableIsUnknownUnlessTheEnvironmentGivesIt() throws {
        let unknown = try #require(try read(Self.text).targets.first?.attribute("cache-to")?.value)
        guard case .list(let items, _) = unknown, case .string(let first) = items[0] else {
            Issue.record("list")
            return
        }
        #expect(first.unknownParts == [24..<37])
        #expect(!first.isVerbatim)
        let known = try read(Self.text, environment: BakeEnvironment(variables: ["SCOPE": .known("api-v1")]))
        // A set variable is its value; the default after `:-` is for an unset one.
        #expect(strings(known.targets.first?.attribute("cache-to")?.value).first == "type=gha,mode=max,scope=api-v1")
        let plain = try read("services:\n  a:\n    build:\n      cache_to: [\"type=local,dest=$$HOME/${DIR}\"]\n", environment: BakeEnvironment(variables: ["DIR": .known("c")]))
        #expect(strings(plain.targets.first?.attribute("cache-to")?.value) == ["type=local,dest=$HOME/c"])
    }

    @Test func theStringFormIsTheContextAndTheImageTheTag() throws {
        let web = try #require(try read(Self.text).targets.last)
        #expect(web.attribute("context")?.value.span.at == "18:12")
        #expect(strings(web.attribute("tags")?.value) == ["acme/web:latest"])
        #expect(spans(web.attribute("tags")?.value) == ["17:12"])
    }

    @Test func aFileWithoutBuildsIsNoComposeFileForBake() throws {
        let file = SourceFile(path: "compose.yaml", text: "services:\n  db:\n    image: postgres\n")
        #expect(!ComposeReader.isCompose(try YAMLDocument.parse(file)))
        #expect(ComposeReader.isCompose(try YAMLDocument.parse(SourceFile(path: "c.yml", text: Self.text))))
    }
}
