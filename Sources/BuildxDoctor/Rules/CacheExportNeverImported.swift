import BuildxModel

/// A cache export that no import anywhere in the repository reads: BuildKit looks a cache up only where a
/// `cache-from` points (https://docs.docker.com/build/cache/backends/#multiple-caches), so the export is
/// written, uploaded, and never used.
struct CacheExportNeverImported: RepositoryRule {
    let description = RuleDescription(
        id: "cache-export-never-imported",
        severity: .warning,
        summary: "A cache export that no cache-from in the repository reads: every run starts cold.",
        explanation: """
            BuildKit reads a cache only from the places `cache-from` names. An export to a registry ref, a \
            `type=gha` scope, a local folder or an s3/azblob name that no `cache-from` of any workflow in the \
            repository reads is written on every run — costing the export's time and storage — and never \
            used: every build starts cold. The usual cause is a name that drifted apart, such as \
            `cache-from: …:cache` with `cache-to: …:buildcache`, or `scope=` on only one side (a `type=gha` \
            entry without `scope` uses `buildkit`).

            The check looks at every workflow of the repository together, so a cache written by one job and \
            read by another is fine. An export is reported only when the repository imports that kind of cache \
            somewhere (the names drifted apart): with no such import at all it may be meant for readers \
            outside the repository, such as developers' machines or another project's workflows; \
            `buildx-doctor cache` on a run's log shows whether a build imported anything. When a name comes from an expression the rule says "may" (info) if the \
            known parts agree with some import, and stays silent when the whole name is an expression. A \
            local export whose folder a script of the job also names (the `actions/cache` rotation, a `tar` for \
            an artifact) is left alone.

            Fix: make the `cache-from` read exactly what the `cache-to` writes (the same `ref`, `scope`, \
            folder or `name`), or drop the export.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    push: true
                    tags: ghcr.io/acme/app:latest
                    cache-from: type=registry,ref=ghcr.io/acme/app:cache
                    cache-to: ↓type=registry,ref=ghcr.io/acme/app:buildcache,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha
                    cache-to: ↓type=gha,scope=api,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=registry,ref=ghcr.io/acme/app:cache-main
                    cache-to: ↓type=registry,ref=ghcr.io/acme/app:cache-${{ github.ref_name }},mode=max
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha,scope=api
                    cache-to: type=gha,scope=api,mode=max
                """),
            RuleExample(
                """
                on: push
                jobs:
                  warm:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          cache-to: type=registry,ref=ghcr.io/acme/app:cache,mode=max
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: docker/setup-buildx-action@v3
                      - uses: docker/build-push-action@v6
                        with:
                          cache-from: ghcr.io/acme/app:cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ${{ inputs.cache-from }}
                    cache-to: type=registry,ref=ghcr.io/acme/app:cache,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=registry,ref=ghcr.io/acme/app:cache
                    cache-to: type=registry,ref=${{ env.CACHE_REF }},mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha,scope=${{ matrix.image }}-${{ matrix.platform }}
                    cache-to: type=gha,mode=max,scope=${{ matrix.image }}-${{matrix.platform}}
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha
                    cache-to: type=registry,ref=${{ steps.urls.outputs.repository }}:${{ inputs.cache-tag }},mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - run: |
                    docker buildx build --cache-to type=local,dest=/tmp/cache/app,mode=max .
                    tar -czf app-cache.tar.gz -C /tmp/cache/app .
                """),
            RuleExample.steps(
                """
                - uses: actions/cache@v4
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                    restore-keys: buildx-
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=local,src=/tmp/.buildx-cache
                    cache-to: type=local,dest=/tmp/.buildx-cache-new,mode=max
                - run: |
                    rm -rf /tmp/.buildx-cache
                    mv /tmp/.buildx-cache-new /tmp/.buildx-cache
                """),
        ])

    func check(_ repository: RepositoryPlans) -> [Diagnostic] {
        var imports: [CacheLocation] = []
        // Types some import reads from a place only the run knows: any export of that type may be read.
        var openTypes: Set<String> = []
        var anyOpenImport = false
        for plan in repository.plans {
            for (_, _, build) in plan.builds {
                for entry in build.cacheImports {
                    if case .unknown = entry.content { anyOpenImport = true }
                    for spec in entry.specs {
                        guard let location = CacheLocation(spec, of: entry) else { continue }
                        if location.isUnknown { openTypes.insert(location.type) } else { imports.append(location) }
                    }
                }
            }
        }
        guard !anyOpenImport else { return [] }
        var diagnostics: [Diagnostic] = []
        for plan in repository.plans {
            for (job, step, build) in plan.builds {
                for entry in build.cacheExports {
                    for spec in entry.specs {
                        guard let location = CacheLocation(spec, of: entry), !location.isUnknown, !openTypes.contains(location.type) else { continue }
                        let matches = imports.map { location.compare($0) }
                        if matches.contains(.same) { continue }
                        // With no import of the kind at all, the export may be meant for readers outside the
                        // repository (developers' machines, other projects, a workflow of another repository):
                        // the rule is about names that drifted apart.
                        if !imports.contains(where: { $0.type == location.type }) { continue }
                        if location.type == "local", Self.isMoved(location.longestKnownPart, by: step, in: job) { continue }
                        let what = Self.what(location)
                        if matches.contains(.may) {
                            diagnostics.append(
                                description.diagnostic(
                                    "no cache-from in the repository reads this \(what) as written; one may, depending on what its expressions stand for: if not, every run starts cold",
                                    at: entry.span, help: "make a cache-from read exactly the \(what) this cache-to writes", severity: .info))
                        } else {
                            diagnostics.append(
                                description.diagnostic(
                                    "no cache-from in the repository reads this \(what): the cache is written on every run and never used, so every run starts cold",
                                    at: entry.span, help: Self.help(location, imports: imports)))
                        }
                    }
                }
            }
        }
        return diagnostics
    }

    private static func what(_ location: CacheLocation) -> String {
        switch location.type {
        case "registry": "registry ref \(Quoted.code(location.written))"
        case "gha": "GitHub Actions cache scope \(Quoted.code(location.written))"
        case "local": "local folder \(Quoted.code(location.written))"
        default: "\(location.type) cache \(Quoted.code(location.written))"
        }
    }

    private static func help(_ location: CacheLocation, imports: [CacheLocation]) -> String {
        if let other = imports.first(where: { $0.type == location.type }) {
            return "the imports read \(Quoted.code(other.written)) instead: use one name in cache-from and cache-to"
        }
        return "add a cache-from that reads what this cache-to writes, or drop the export"
    }

    /// A script of the job that names the folder besides the build itself (the actions/cache rotation
    /// `mv …-new …`, a `tar` of it for an artifact) takes the cache somewhere this check cannot follow.
    private static func isMoved(_ folder: String, by step: Step, in job: Job) -> Bool {
        // Too little is known of the folder to tell a mention from chance.
        guard folder.count >= 3 else { return true }
        var scripts: [Int: String] = [:]
        for candidate in job.steps {
            let outer = candidate.enclosing ?? candidate
            if let script = outer.script { scripts[outer.span.start.offset] = script.text }
        }
        let mentions = scripts.values.map { occurrences(of: folder, in: $0) }.reduce(0, +)
        let own = (step.enclosing ?? step).script.map { occurrences(of: folder, in: $0.text) > 0 ? 1 : 0 } ?? 0
        return mentions > own
    }

    private static func occurrences(of needle: String, in text: String) -> Int {
        guard !needle.isEmpty else { return 0 }
        var count = 0
        var rest = Substring(text)
        while let range = rest.range(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
