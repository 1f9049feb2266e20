import BuildxModel

/// A local cache that nothing brings back between runs (https://docs.docker.com/build/cache/backends/local/;
/// every GitHub-hosted job starts on a fresh machine).
struct LocalCacheNotPersisted: Rule {
    let description = RuleDescription(
        id: "local-cache-not-persisted",
        severity: .warning,
        summary: "A local cache directory that nothing restores before the build: every run starts cold.",
        explanation: """
            GitHub-hosted runners start empty. A `type=local` cache directory survives from one run to the \
            next only when an `actions/cache` step restores it before the build (and saves it after). \
            Without one, buildx prints `local cache import at … not found` and builds from scratch every \
            time, while still spending time exporting a cache nobody reads.

            Fix: add an `actions/cache` step before the build whose `path` covers the directory, or switch \
            to `type=gha` cache, which needs no extra step.
            """,
        helpURI: "https://docs.docker.com/build/ci/github-actions/cache/#local-cache",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: ↓type=local,src=/tmp/.buildx-cache
                    cache-to: type=local,dest=/tmp/.buildx-cache-new,mode=max
                - run: |
                    rm -rf /tmp/.buildx-cache
                    mv /tmp/.buildx-cache-new /tmp/.buildx-cache
                """)
        ],
        nonTriggeringExamples: [
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
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=local,dest=/tmp/stage-cache
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=local,src=/tmp/stage-cache
                """),
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { job, step, build -> [Diagnostic] in
            // Only GitHub-hosted runners are known to start with an empty disk.
            guard case .githubHosted = job.host else { return [] }
            return build.cacheImports.compactMap { entry in
                guard let spec = entry.specs.first(where: { $0.backend == .local }),
                    let field = spec.field("src"), let source = entry.writtenValue(of: field),
                    !source.isEmpty, !isFilledEarlier(source, before: step, in: job)
                else { return nil }
                return description.diagnostic(
                    "every run starts cold: the cache is read from \(Quoted.code(source)), but no actions/cache step restores that directory before this build",
                    at: entry.span,
                    help: "add an `actions/cache` step with \(Quoted.code("path: " + source)) before the build, or use `type=gha` cache")
            }
        }
    }

    /// Whether an earlier step restores, downloads, writes or otherwise mentions the directory.
    private func isFilledEarlier(_ directory: String, before step: Step, in job: Job) -> Bool {
        let name = directory.split(separator: "/").last.map(String.init) ?? directory
        return job.steps(job.restoringSteps, before: step).contains { earlier in
            earlier.restoredPaths.contains { covers($0, directory) || $0.containsText(name) }
        }
            || job.steps(job.scriptSteps, before: step).contains { $0.script?.text.containsText(name) ?? false }
            || job.steps(job.buildSteps, before: step).contains { earlier in
                earlier.build?.cacheExports.contains { $0.text.containsText(name) } ?? false
            }
    }

    private func covers(_ path: String, _ directory: String) -> Bool {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return directory == trimmed || directory.hasPrefix(trimmed + "/")
    }
}
