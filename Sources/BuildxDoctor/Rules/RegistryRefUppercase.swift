import BuildxModel

/// A registry cache ref with uppercase letters in its repository (`invalid reference format: repository
/// name must be lowercase`, from the distribution/reference parser BuildKit's `cache/remotecache/registry/registry.go` uses).
struct RegistryRefUppercase: Rule {
    let description = RuleDescription(
        id: "registry-ref-uppercase",
        severity: .error,
        summary: "A registry cache ref whose repository has uppercase letters: the build fails.",
        explanation: """
            Image references must be lowercase in the repository part. A cache ref like \
            `ghcr.io/Acme/App:cache` fails with

                invalid reference format: repository name must be lowercase

            On a cache-to the registry exporter cannot be set up and the build fails, `ignore-error` or \
            not (an error). On a cache-from BuildKit logs the error and builds without that cache: the job \
            succeeds, only without cache (a warning).

            A ref built from `${{ github.repository }}` or `${{ github.repository_owner }}` fails the same \
            way whenever the owner or the repository name has a capital letter, which GitHub allows.

            Fix: write the ref in lowercase; for refs built from the repository name, lowercase it first \
            (docker/metadata-action's outputs are lowercase, or a step that runs `${GITHUB_REPOSITORY,,}`).
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/registry/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=registry,↓ref=ghcr.io/Acme/app:cache
                    cache-to: type=registry,↓ref=ghcr.io/${{ github.repository }}:cache,mode=max
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: type=registry,↓ref=ghcr.io/Acme/app:cache,ignore-error=true
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=registry,ref=ghcr.io/acme/app:Cache
                    cache-to: type=registry,ref=${{ env.IMAGE }}:cache,mode=max
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.flatMap { _, _, _, entry in
            entry.specs.compactMap { spec -> Diagnostic? in
                guard spec.backend == .registry, let field = spec.field("ref") else { return nil }
                let written = entry.writtenValue(of: field) ?? field.value
                let repository = ImageReference(written).repository
                if !Expression.occurs(in: written), repository != repository.lowercased() {
                    // BuildKit parses the ref when it sets the backend up (`canonicalizeRef`).
                    let failure = CacheFailure(entry, failingWhen: .configuring)
                    let outcome =
                        failure == .buildFails
                        ? "the build fails" : "the cache import fails, so the build gets no cache from it,"
                    return description.diagnostic(
                        "the cache ref \(Quoted.code(written)) has uppercase letters in its repository: \(outcome) with `invalid reference format: repository name must be lowercase`",
                        at: entry.span(of: field), help: "write \(Quoted.code(Self.lowercased(written)))", severity: failure.severity,
                        fix: entry.replacing(field, with: "ref=\(Self.lowercased(written))").map {
                            Fix(summary: "lowercase the cache ref's repository", path: entry.span.path, edits: [$0])
                        })
                }
                if repository.containsText("github.repository") {
                    // Only a repository whose name has capitals fails; a cold cache then is advice, a failed build a warning.
                    let failure = CacheFailure(entry, failingWhen: .configuring)
                    let outcome = failure == .buildFails ? "the build fails" : "the import fails and the build gets no cache from it"
                    return description.diagnostic(
                        "this cache ref may not work: it uses the repository name as GitHub spells it, and if the owner or name has an uppercase letter \(outcome) (`invalid reference format: repository name must be lowercase`)",
                        at: entry.span(of: field),
                        help: "lowercase the name first, e.g. with docker/metadata-action or a step that writes `${GITHUB_REPOSITORY,,}` to the environment",
                        severity: failure == .buildFails ? .warning : .info)
                }
                return nil
            }
        }
    }

    /// The reference with its repository part lowercased and its tag kept.
    private static func lowercased(_ reference: String) -> String {
        let repository = ImageReference(reference).repository
        return repository.lowercased() + reference.dropFirst(repository.count)
    }
}
