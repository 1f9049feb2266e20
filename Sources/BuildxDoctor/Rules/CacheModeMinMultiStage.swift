import BuildxModel

/// A `mode=min` cache export (the default) of a multi-stage Dockerfile: only the final stage's layers are
/// exported (https://docs.docker.com/build/cache/backends/#cache-mode), so builder stages run again after
/// any change that misses the final stage. A repository rule because it reads the Dockerfile the build
/// names.
struct CacheModeMinMultiStage: RepositoryRule {
    private static let dockerfile = """
        FROM golang:1.23 AS build
        COPY go.mod go.sum ./
        RUN go mod download
        COPY . .
        RUN go build -o /app .

        FROM gcr.io/distroless/static
        COPY --from=build /app /app
        """

    let description = RuleDescription(
        id: "cache-mode-min-multi-stage",
        severity: .info,
        summary: "A cache export in the default mode=min for a multi-stage Dockerfile: builder stages are not cached.",
        explanation: """
            With `mode=min`, the default of every cache backend, BuildKit exports only the layers of the \
            stage the build ends in. The steps of earlier stages — the builder that downloads dependencies \
            and compiles — keep their cache keys but not their results, so as soon as a change misses the \
            final stage, every builder stage runs again from scratch, even the steps whose inputs did not \
            change (a dependency download before a source copy). `buildx-doctor cache` shows it in a log: \
            builder stages uncached on every run although the import succeeded.

            The rule reads the Dockerfile the build names (its `file`, or `Dockerfile` in its `context`) \
            from the repository and reports only when it has several `FROM` stages.

            Fix: add `mode=max` to the `cache-to` entry, which exports every stage. It writes more, so \
            keep `mode=min` where storage matters more than build time.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/#cache-mode",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    context: .
                    cache-from: type=gha
                    cache-to: ↓type=gha
                """
            ).with(files: ["Dockerfile": dockerfile]),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - run: docker buildx build -f docker/api.Dockerfile --cache-from type=registry,ref=ghcr.io/acme/api:cache --cache-to ↓type=registry,ref=ghcr.io/acme/api:cache,mode=min .
                """
            ).with(files: ["docker/api.Dockerfile": dockerfile]),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    context: .
                    cache-from: type=gha
                    cache-to: type=gha,mode=max
                """
            ).with(files: ["Dockerfile": dockerfile]),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    context: .
                    cache-from: type=gha
                    cache-to: type=gha
                """
            ).with(files: ["Dockerfile": "FROM alpine:3.20\nRUN apk add --no-cache curl\n"]),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    context: ./service
                    file: ${{ matrix.dockerfile }}
                    cache-from: type=gha
                    cache-to: type=gha
                """
            ).with(files: ["service/Dockerfile": dockerfile]),
        ])

    func check(_ repository: RepositoryPlans) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var stagesOf: [String: Int?] = [:]
        for plan in repository.plans {
            for (_, _, build) in plan.builds {
                let minimal = build.cacheExports.filter { entry in
                    entry.specs.contains { spec in
                        ["registry", "local", "gha", "s3", "azblob"].contains(spec.typeField == nil ? "registry" : spec.type.lowercased())
                            && [.absent, .known("min")].contains(entry.value(of: "mode", in: spec))
                    }
                }
                guard !minimal.isEmpty, let path = Self.dockerfilePath(of: build.identity) else { continue }
                let key = plan.file.path + "\u{0}" + path
                if stagesOf[key] == nil { stagesOf[key] = repository.file(path, of: plan).map { Self.stages(in: $0.text) } }
                guard let stages = stagesOf[key] ?? nil, stages > 1 else { continue }
                for entry in minimal {
                    diagnostics.append(
                        description.diagnostic(
                            "this cache export keeps only the final stage's layers (mode=min, the default), and \(Quoted.code(path)) has \(stages) stages: after a change that misses the final stage, the builder stages run again from scratch",
                            at: entry.span, help: "add `mode=max` to this cache-to to export every stage"))
                }
            }
        }
        return diagnostics
    }

    /// The Dockerfile a build reads, relative to the repository root: its `file`, else `Dockerfile` in its
    /// context (build-push-action's default context is the commit's Git tree, the repository root). Nil
    /// when an expression, a variable or a remote context hides it.
    static func dockerfilePath(of identity: BuildIdentity) -> String? {
        let written = identity.file ?? ((identity.context.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "") + "Dockerfile")
        guard !written.contains("$"), !written.contains("://"), !written.hasPrefix("git@"), written != "-" else { return nil }
        var path = written
        while path.hasPrefix("./") { path.removeFirst(2) }
        return path.isEmpty ? nil : path
    }

    /// The number of `FROM` instructions: the stages of the Dockerfile. Comments and continuation lines
    /// are not instructions (https://docs.docker.com/reference/dockerfile/#format).
    static func stages(in text: String) -> Int {
        var count = 0
        var continued = false
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            defer { continued = !trimmed.hasPrefix("#") && trimmed.hasSuffix("\\") }
            if continued || trimmed.hasPrefix("#") { continue }
            let word = trimmed.prefix { !$0.isWhitespace }
            if word.uppercased() == "FROM" { count += 1 }
        }
        return count
    }
}
