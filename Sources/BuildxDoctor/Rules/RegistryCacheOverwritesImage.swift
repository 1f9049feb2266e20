import BuildxModel

/// A registry cache exported to the tag the image is pushed to (https://docs.docker.com/build/cache/backends/registry/:
/// `ref` must not be "the same as the target location that you push your image to").
struct RegistryCacheOverwritesImage: Rule {
    let description = RuleDescription(
        id: "registry-cache-overwrites-image",
        severity: .warning,
        summary: "A registry cache exported to the same tag as the pushed image, replacing the image.",
        explanation: """
            A registry cache is a manifest of its own. Exported to the tag the image was just pushed to, it \
            replaces the image there: pulling the tag then gets the cache manifest, not a runnable image. \
            Docker's documentation: "You can choose any valid value for `ref`, as long as it's not the same \
            as the target location that you push your image to."

            The job itself succeeds — the damage shows only when someone pulls the tag — so this is a \
            warning.

            Fix: use a separate tag (`:buildcache`) or a separate repository for the cache.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/registry/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    push: true
                    tags: ghcr.io/acme/app:latest
                    cache-to: type=registry,↓ref=ghcr.io/acme/app,mode=max
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    push: true
                    tags: ghcr.io/acme/app:latest
                    cache-to: type=registry,ref=ghcr.io/acme/app:buildcache,mode=max
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.builds.flatMap { _, _, build -> [Diagnostic] in
            guard build.result.pushes else { return [] }
            let tags = Set(build.result.tags.compactMap { $0.value.known.map(Self.normalized) })
            return build.cacheExports.flatMap { entry in
                entry.specs.compactMap { spec -> Diagnostic? in
                    guard spec.backend == .registry, case .known(let ref)? = Optional(entry.value(of: "ref", in: spec)),
                        let field = spec.field("ref"), tags.contains(Self.normalized(ref))
                    else { return nil }
                    return description.diagnostic(
                        "the cache is exported to \(Quoted.code(ref)), the tag this build pushes: the cache manifest replaces the image there",
                        at: entry.span(of: field), help: "export the cache to its own tag, e.g. \(Quoted.code(ImageReference(ref).repository + ":buildcache"))")
                }
            }
        }
    }

    /// A reference with the implied `:latest` tag and `docker.io/library/` made explicit.
    static func normalized(_ reference: String) -> String {
        var name = reference.lowercased()
        if ImageReference(name).repository == name, !name.contains("@") { name += ":latest" }
        let firstComponent = name.split(separator: "/").first.map(String.init) ?? ""
        let hasRegistry = firstComponent.contains(".") || firstComponent.contains(":") || firstComponent == "localhost"
        if !hasRegistry { name = "docker.io/" + (name.contains("/") ? name : "library/" + name) }
        return name
    }
}
