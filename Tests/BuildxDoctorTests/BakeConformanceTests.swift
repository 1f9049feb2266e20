@testable import BuildxDoctor
import BuildxModel
import Foundation
import Testing

/// buildx itself as the oracle: `docker buildx bake --print` on every bake and Compose file of the corpus
/// and of these tests, compared target by target with our resolution; and every cache entry string of the
/// corpus and of the rule examples, parsed by buildx through a generated bake JSON file and by
/// `CacheSpecParser`, compared entry by entry.
@Suite("Bake conformance", .enabled(if: bakeConformanceCanRun), .tags(.groundTruth))
struct BakeConformanceTests {
    /// `docker buildx bake --print` in `folder` with `arguments`, on the classic engine's default builder.
    private func print(_ arguments: [String], in folder: URL, variables: [String: String] = [:]) throws -> (
        status: Int32, json: [String: Any]?, output: String
    ) {
        let testbed = Testbed.current!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: testbed.docker)
        process.arguments = ["buildx", "bake", "--print", "--progress", "quiet"] + arguments
        process.currentDirectoryURL = folder
        process.environment = [
            "DOCKER_HOST": testbed.hosts[.classic]!, "DOCKER_CONFIG": testbed.dockerConfig, "PATH": testbed.path,
            "HOME": NSTemporaryDirectory(),
        ].merging(variables.isEmpty ? ["BUILDX_BAKE_DISABLE_VARS_ENV_LOOKUP": "1"] : variables) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (process.terminationStatus, json, String(decoding: errorData, as: UTF8.self))
    }

    /// A cache entry or output as one comparable text: its attributes sorted, `type` among them.
    private static func canonical(_ attributes: [String: String]) -> String {
        attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    private static func canonical(_ spec: CacheSpec) -> String {
        var attributes = spec.attributes
        attributes["type"] = spec.typeField == nil ? "registry" : spec.type
        return canonical(attributes)
    }

    /// buildx's printed list: objects (cache entries, outputs) or strings (tags, platforms).
    private static func printed(_ value: Any?) -> [String] {
        guard let list = value as? [Any] else { return [] }
        return list.map { item in
            if let object = item as? [String: Any] { return canonical(object.compactMapValues { $0 as? String }) }
            return item as? String ?? ""
        }
    }

    /// Ours for one list: `nil` when an item is unknown (nothing to compare).
    private static func ours(_ list: BakeList?, parse: Bool) -> [String]? {
        guard let list else { return [] }
        guard list.items.allSatisfy(\.isKnown) else { return nil }
        if !parse { return list.items.map(\.text) }
        var result: [String] = []
        for item in list.items {
            guard let specs = try? CacheSpecParser.parse(item.text) else { return nil }
            for spec in specs where !result.contains(canonical(spec)) { result.append(canonical(spec)) }
        }
        return result
    }

    /// The definition files: the corpus's bake and Compose files, and the files of these tests.
    private func definitionFiles() throws -> [(file: SourceFile, overrides: [String])] {
        var files: [(file: SourceFile, overrides: [String])] = []
        let corpus = corpusFolder.appendingPathComponent("other-ci")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: corpus.path))?.sorted() ?? [] {
            let lowered = name.lowercased()
            let isDefinition = lowered.hasSuffix(".hcl") || lowered.hasSuffix(".json") || (lowered.contains("compose") && (lowered.hasSuffix(".yml") || lowered.hasSuffix(".yaml")))
            guard isDefinition else { continue }
            files.append((try Checker().load(corpus.appendingPathComponent(name).path), []))
        }
        files.append((SourceFile(path: "compose.yaml", text: BakeFrontendTests.compose), []))
        files.append((SourceFile(path: "compose-reader.yaml", text: ComposeReaderTests.text), []))
        files.append((SourceFile(path: "docker-bake.hcl", text: BakeFrontendTests.hcl), []))
        // Overrides: patterns, `+=`, several values of one key, push and load, a value with quotes.
        files.append(
            (SourceFile(path: "docker-bake.hcl", text: BakeFrontendTests.hcl),
             [
                "*.platform=linux/amd64,linux/arm64", "app.cache-to=type=inline,mode=max", "worker.cache-from+=type=registry,ref=r/w",
                "_common.cache-to=type=registry,ref=r/c", "app.tags=a", "app.tags=b", "*.push=true", "*.load=true",
                "worker.cache-to=\"type=gha\"", "w*.platform+=linux/riscv64",
             ]))
        files.append((SourceFile(path: "compose.yaml", text: BakeFrontendTests.compose), ["api.cache-to=", "web.output=type=local,dest=out", "web.load=true"]))
        return files
    }

    @Test func resolvedTargetsAgreeWithBakePrint() throws {
        var compared = 0
        var agreeing = 0
        var bothFail = 0
        var environmentOnly: [String] = []
        var unreadable: [String] = []
        var unevaluatedNames: [String] = []
        var disagreements: [String] = []
        for (file, overrideTexts) in try definitionFiles() {
            let name = String(file.path.split(separator: "/").last ?? "")
            let documents: [BakeDocument]
            // Compose files that need variables get every variable they name set to `1` (a value every typed field accepts), for buildx and ours.
            var variables: [String: String] = [:]
            if BakeFileNames.isCompose(name) {
                let bytes = file.bytes
                var index = 0
                while index + 2 < bytes.count {
                    if bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{") {
                        let nameBytes = bytes[(index + 2)...].prefix { $0 == UInt8(ascii: "_") || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
                        if !nameBytes.isEmpty { variables[String(decoding: nameBytes, as: UTF8.self)] = "1" }
                    }
                    index += 1
                }
                documents = [
                    ComposeReader.read(
                        file, root: try? YAMLDocument.parse(file), environment: BakeEnvironment(variables: variables.mapValues { .known($0) }))
                ]
            } else if let read = BakeDefinitions.documents([file], environment: BakeEnvironment()) {
                documents = read
            } else {
                unreadable.append(name)
                continue
            }
            var requested: [WrittenText] = []
            for block in documents.flatMap(\.targets) where !requested.contains(where: { $0.text == block.name }) {
                requested.append(WrittenText(text: block.name, span: block.nameSpan))
            }
            guard !requested.isEmpty else { continue }
            let overrides = overrideTexts.map { BakeOverride(text: $0, span: file.span(0..<0), isVerbatim: false) }
            let resolution = BakeResolver.resolve(documents, requested: requested, overrides: overrides, sources: [file])
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data(file.bytes).write(to: folder.appendingPathComponent(name))
            var asked = requested.map(\.text)
            let sets = overrideTexts.flatMap { ["--set", $0] }
            var result = try print(["-f", name] + sets + asked, in: folder, variables: variables)
            // A name ours cannot evaluate (a function it does not know) is not one buildx knows: leave it out.
            while result.status != 0, let missing = asked.first(where: { result.output.contains("failed to find target \($0)\n") || result.output.hasSuffix("failed to find target \($0)") }),
                requested.contains(where: { $0.text == missing && $0.text.contains("xxxx") })
            {
                asked.removeAll { $0 == missing }
                unevaluatedNames.append("\(name): \(missing)")
                result = try print(["-f", name] + sets + asked, in: folder, variables: variables)
            }
            compared += 1
            guard result.status == 0, let targets = result.json?["target"] as? [String: Any] else {
                // A cache entry buildx cannot parse fails the whole bake; ours reports it as cache-spec-invalid.
                let invalidEntry = resolution.targets.contains { target in
                    ((target.cacheFrom?.items ?? []) + (target.cacheTo?.items ?? [])).contains { $0.isKnown && (try? CacheSpecParser.parse($0.text)) == nil }
                }
                if resolution.problems.contains(where: \.stopsBake) || documents.contains(where: { !$0.problems.isEmpty }) || invalidEntry {
                    bothFail += 1
                } else if result.output.contains("required variable") || result.output.contains("is not set") || result.output.contains("env file") {
                    // Compose's `${VAR:?message}` and `env_file`: errors only where the run lacks the variable or the file.
                    environmentOnly.append(name)
                } else {
                    disagreements.append("\(name): buildx fails (\(result.output.trimmingWhitespace())) but ours reports no problem")
                }
                continue
            }
            var same = true
            for target in resolution.targets where asked.contains(target.name) {
                guard let printed = targets[target.name] as? [String: Any] else {
                    disagreements.append("\(name): buildx printed no target \(target.name)")
                    same = false
                    continue
                }
                let fields: [(String, [String]?)] = [
                    ("cache-from", Self.ours(target.cacheFrom, parse: true)), ("cache-to", Self.ours(target.cacheTo, parse: true)),
                    ("platforms", Self.ours(target.platforms, parse: false)), ("tags", Self.ours(target.tags, parse: false)),
                ]
                for (key, ours) in fields {
                    guard let ours else { continue }
                    let theirs = Self.printed(printed[key])
                    if Set(ours) != Set(theirs) {
                        disagreements.append("\(name) \(target.name).\(key): ours \(ours), buildx \(theirs)")
                        same = false
                    }
                }
                if let outputs = target.outputs, outputs.items.allSatisfy(\.isKnown) {
                    let ours = outputs.items.compactMap { OutputSpec(parsing: $0.text) }.map { spec in
                        Self.canonical(spec.attributes.merging(["type": spec.type]) { $1 })
                    }
                    if Set(ours) != Set(Self.printed(printed["output"])) {
                        disagreements.append("\(name) \(target.name).output: ours \(ours), buildx \(Self.printed(printed["output"]))")
                        same = false
                    }
                }
            }
            if same { agreeing += 1 }
        }
        FileHandle.standardError.write(
            Data(
                "bake --print oracle: \(compared) files compared, \(agreeing) agree target by target, \(bothFail) fail in both, \(environmentOnly.count) fail only for what the repository provides (env files, variables) (\(environmentOnly.joined(separator: ", "))), \(unreadable.count) not readable by ours yet (\(unreadable.joined(separator: ", "))), \(unevaluatedNames.count) target names ours leaves unknown (\(unevaluatedNames.joined(separator: ", ")))\n"
                    .utf8))
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(compared > 0)
    }

    /// Every cache entry written literally in the corpus and in the rule examples.
    private func cacheEntryTexts() throws -> [String] {
        var texts: [String] = []
        func collect(_ plan: BuildPlan?) {
            for (_, _, _, entry) in plan?.cacheEntries ?? [] where !entry.hasUnknownParts && !texts.contains(entry.received) {
                texts.append(entry.received)
            }
        }
        let loader = RepositoryFileLoader(repositoryRoot: nil)
        func plan(_ file: SourceFile) -> BuildPlan? {
            let input = FrontendInput(file: file, yaml: try? YAMLDocument.parse(file), repository: loader)
            return Frontends.all.lazy.compactMap { $0.plan(input) }.first
        }
        let enumerator = FileManager.default.enumerator(at: corpusFolder, includingPropertiesForKeys: nil)
        for case let url as URL in enumerator?.allObjects ?? [] where !url.hasDirectoryPath && url.pathExtension != "tsv" && url.pathExtension != "md" {
            if let file = try? Checker().load(url.path) { collect(plan(file)) }
        }
        let paths: [FileKind: String] = [
            .githubWorkflow: ".github/workflows/ci.yml", .githubCompositeAction: "action.yml", .gitlabCI: ".gitlab-ci.yml",
            .circleCI: ".circleci/config.yml", .shellScript: "build.sh", .makefile: "Makefile", .bakeFile: "docker-bake.hcl",
            .composeFile: "compose.yaml",
        ]
        for rule in RuleRegistry.all {
            for example in rule.description.triggeringExamples + rule.description.nonTriggeringExamples {
                let file = SourceFile(path: paths[example.kind] ?? "ci.yml", text: removingMarkers(example.source).text)
                collect(plan(file))
            }
        }
        return texts
    }

    @Test func cacheEntriesParseAsBuildxParsesThem() throws {
        let texts = try cacheEntryTexts()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var agreeing = 0
        var disagreements: [String] = []
        // Batches of entries, one target each; a batch buildx refuses is asked again entry by entry.
        func run(_ batch: [String]) throws -> [String: [String]]? {
            var targets: [String: Any] = [:]
            for (index, text) in batch.enumerated() { targets["t\(index)"] = ["cache-from": [text]] }
            let json = try JSONSerialization.data(withJSONObject: ["target": targets])
            try json.write(to: folder.appendingPathComponent("docker-bake.json"))
            let result = try print(["-f", "docker-bake.json"] + batch.indices.map { "t\($0)" }, in: folder)
            guard result.status == 0, let printed = result.json?["target"] as? [String: Any] else { return nil }
            var parsed: [String: [String]] = [:]
            for (index, text) in batch.enumerated() {
                parsed[text] = Self.printed((printed["t\(index)"] as? [String: Any])?["cache-from"])
            }
            return parsed
        }
        func compare(_ text: String, _ theirs: [String]?) {
            let ours = try? CacheSpecParser.parse(text)
            switch (ours, theirs) {
            case (nil, nil): agreeing += 1
            case (let ours?, let theirs?):
                var canonical: [String] = []
                for spec in ours where !canonical.contains(Self.canonical(spec)) { canonical.append(Self.canonical(spec)) }
                if Set(canonical) == Set(theirs) { agreeing += 1 } else { disagreements.append("\(text): ours \(canonical), buildx \(theirs)") }
            case (nil, let theirs?): disagreements.append("\(text): ours rejects it, buildx reads \(theirs)")
            case (let ours?, nil): disagreements.append("\(text): buildx rejects it, ours reads \(ours.map(Self.canonical))")
            }
        }
        for start in stride(from: 0, to: texts.count, by: 50) {
            let batch = Array(texts[start..<min(start + 50, texts.count)])
            if let parsed = try run(batch) {
                for text in batch { compare(text, parsed[text]) }
            } else {
                for text in batch { compare(text, try run([text])?[text]) }
            }
        }
        FileHandle.standardError.write(Data("cache-spec oracle: \(texts.count) entries, \(agreeing) agree with buildx\n".utf8))
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(texts.count > 100)
    }
}

private let bakeConformanceCanRun =
    outsideInput(
        for: "Bake conformance", isAvailable: Testbed.current != nil,
        otherwise: "no testbed is running (no \(Testbed.folder)/env)")
    && outsideInput(for: "Bake conformance", isAvailable: FileManager.default.fileExists(atPath: corpusFolder.path), otherwise: corpusAbsence)
