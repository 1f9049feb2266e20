import BuildxModel

/// A local cache directory that is never rotated (https://docs.docker.com/build/ci/github-actions/cache/#local-cache:
/// old blobs are never removed unless the directory is replaced or `reset=true` is set).
struct LocalCacheUnboundedGrowth: Rule {
    let description = RuleDescription(
        id: "local-cache-unbounded-growth",
        severity: .warning,
        summary: "A local cache export whose directory is never rotated, so old blobs pile up.",
        explanation: """
            `type=local` cache writes new blobs into its directory and never deletes old ones. Exporting \
            into a directory that actions/cache restored and saves again makes it grow on every run until \
            the 10 GB Actions cache quota or the runner's disk runs out.

            The documented pattern exports into a new directory and then replaces the old one:

                cache-from: type=local,src=/tmp/.buildx-cache
                cache-to: type=local,dest=/tmp/.buildx-cache-new,mode=max
                - name: Move cache
                  run: |
                    rm -rf /tmp/.buildx-cache
                    mv /tmp/.buildx-cache-new /tmp/.buildx-cache

            Without that step the exported cache is never the one read next time. With buildx v0.35.0 or \
            later, `reset=true` on the export deletes unreferenced blobs instead (older buildx ignores it).

            Fix: add the "Move cache" step after the build, or `reset=true` where buildx is new enough.
            """,
        helpURI: "https://docs.docker.com/build/ci/github-actions/cache/#local-cache",
        triggeringExamples: [
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
                    cache-to: ↓type=local,dest=/tmp/.buildx-cache,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=local,src=${{ runner.temp }}/.buildx-cache
                    cache-to: ↓type=local,dest=${{ runner.temp }}/.buildx-cache-new,mode=max
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=local,src=/tmp/.buildx-cache
                    cache-to: type=local,dest=/tmp/.buildx-cache-new,mode=max
                - name: Move cache
                  run: |
                    rm -rf /tmp/.buildx-cache
                    mv /tmp/.buildx-cache-new /tmp/.buildx-cache
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    version: v0.36.1
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=local,src=/tmp/.buildx-cache
                    cache-to: type=local,dest=/tmp/.buildx-cache,mode=max,reset=true
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=local,dest=/tmp/cache-artifact
                - uses: actions/upload-artifact@v4
                  with:
                    path: /tmp/cache-artifact
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build in
            build.cacheExports.compactMap { entry -> Diagnostic? in
                guard let spec = entry.specs.first(where: { $0.backend == .local }),
                    entry.value(of: "reset", in: spec) == .absent || entry.value(of: "reset", in: spec).isFalse,
                    let destination = writtenPath(of: "dest", in: spec, entry: entry)
                else { return nil }
                let sources = build.cacheImports.flatMap { importEntry in
                    importEntry.specs.filter { $0.backend == .local }.compactMap {
                        writtenPath(of: "src", in: $0, entry: importEntry)
                    }
                }
                let name = lastComponent(destination)
                let restore = name.flatMap { restoringCacheStep($0, before: step, in: job) }
                if sources.contains(destination), restore != nil {
                    let newDestination = destination + "-new"
                    // Both edits must be in the file the plan edits: an export written in a script has no fix here.
                    let fix = (entry.span.path == plan.file.path ? spec.field("dest") : nil)
                        .flatMap { entry.replacing($0, with: "dest=\(newDestination)") }
                        .flatMap { edit in plan.editor.replaceDirectory(destination, with: newDestination, after: step, in: plan).map { [edit, $0] } }
                    return description.diagnostic(
                        "this local cache export writes into \(Quoted.code(destination)), the directory it imports from: new blobs are added on every run and old ones are never removed, so the cache grows without bound",
                        at: entry.span,
                        help: "export to a new directory (\(Quoted.code("dest=" + newDestination))) and add a step after the build that runs \(Quoted.code("rm -rf \(destination) && mv \(newDestination) \(destination)"))",
                        fix: fix.map {
                            Fix(summary: "export to \(Quoted.code(newDestination)) and move it over \(Quoted.code(destination)) after the build", path: plan.file.path, edits: $0)
                        })
                }
                guard let name, !sources.contains(destination), !isRotated(name, after: step, in: job) else { return nil }
                if let source = sources.first {
                    return description.diagnostic(
                        "this local cache export into \(Quoted.code(destination)) is never rotated: no later step replaces the imported \(Quoted.code(source)) with it, so the next build does not read the cache this one writes",
                        at: entry.span,
                        help: "add a step after the build that runs \(Quoted.code("rm -rf \(source) && mv \(destination) \(source)"))",
                        fix: plan.editor.replaceDirectory(source, with: destination, after: step, in: plan).map {
                            Fix(summary: "add a \"Move cache\" step after the build", path: plan.file.path, edits: [$0])
                        })
                }
                guard let restore else { return nil }
                return description.diagnostic(
                    "this local cache export writes into \(Quoted.code(destination)), which the actions/cache step at line \(restore.span.start.line) restores: old blobs are never removed, so the cache grows on every run",
                    at: entry.span,
                    help: "restore into a separate directory, import it with `cache-from: type=local,src=…`, and move the new export over it after the build")
            }
        }
    }

    /// The attribute's value as written (expressions included), without a trailing slash.
    private func writtenPath(of key: String, in spec: CacheSpec, entry: CacheEntry) -> String? {
        guard let field = spec.field(key), let text = entry.writtenValue(of: field),
            !text.isEmpty
        else { return nil }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// The last path component, when it is literal text.
    private func lastComponent(_ path: String) -> String? {
        guard let last = path.split(separator: "/").last, !Expression.occurs(in: String(last)) else { return nil }
        return String(last)
    }

    /// A later `run:` step that moves, removes or copies the directory counts as rotation.
    private func isRotated(_ name: String, after step: Step, in job: Job) -> Bool {
        job.steps(job.scriptSteps, after: step).contains { later in
            guard let script = later.script?.text, script.containsText(name) else { return false }
            return ["mv ", "rm ", "rsync ", "cp "].contains(where: script.containsText)
        }
    }

    private func restoringCacheStep(_ name: String, before step: Step, in job: Job) -> Step? {
        job.steps(job.restoringSteps, before: step).first { earlier in
            earlier.restoredPaths.contains { $0.containsText(name) }
        }
    }
}
