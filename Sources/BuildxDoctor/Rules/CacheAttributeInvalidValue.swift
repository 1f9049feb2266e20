import BuildxModel

/// An attribute value BuildKit rejects, or silently replaces with its default (each backend's
/// `getConfig` under `moby/buildkit cache/remotecache/`; `control/control.go` for `mode`).
struct CacheAttributeInvalidValue: Rule {
    let description = RuleDescription(
        id: "cache-attribute-invalid-value",
        severity: .error,
        summary: "A cache attribute value BuildKit rejects, or silently replaces with the default.",
        explanation: """
            Some values fail the build: `compression=lz4` (`unsupported compression type lz4`), a \
            non-integer `compression-level`, `reset=yes`, a gha `version` that is not a number, and \
            `image-manifest=true` together with `oci-mediatypes=false` (`OCI mediatypes are required for \
            image-manifest cache format`). On a cache-to those are errors. On a cache-from the importer \
            cannot be set up, which BuildKit only logs: the build runs without that cache (a warning). \
            The `image-manifest` conflict surfaces only when the cache is written after the build, so with \
            `ignore-error=true` the build succeeds and the cache is never saved (a warning).

            Others are silently replaced by the default, so the option quietly does nothing: `mode` other \
            than `min`/`max` (the cache is exported with `min`), a non-boolean `ignore-error`, and layer \
            compression on `gha`, `s3` and `azblob` caches, which always use gzip. Those are warnings.

            Fix: use a value the attribute accepts.
            """,
        helpURI: "https://docs.docker.com/build/cache/backends/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: |
                      type=registry,ref=ghcr.io/acme/app:cache,↓mode=maximum
                      type=local,dest=/tmp/cache,↓compression=lz4
                      type=gha,↓compression=zstd
                      ↓type=registry,ref=ghcr.io/acme/app:cache2,image-manifest=true,oci-mediatypes=false
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-from: type=gha,↓version=two
                    cache-to: ↓type=registry,ref=ghcr.io/acme/app:cache,image-manifest=true,oci-mediatypes=false,ignore-error=true
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                - uses: docker/build-push-action@v6
                  with:
                    cache-to: |
                      type=registry,ref=ghcr.io/acme/app:cache,mode=max,compression=zstd,compression-level=3
                      type=local,dest=/tmp/cache,ignore-error=true,mode=${{ inputs.mode }}
                      type=gha,timeout=15m,version=2
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.cacheEntries.flatMap { _, _, _, entry in
            entry.specs.flatMap { spec -> [Diagnostic] in
                guard let backend = spec.backend else { return [] }
                return invalidValues(spec, backend, entry) + ignoredCompression(spec, backend, entry)
                    + manifestConflict(spec, entry)
            }
        }
    }

    private func invalidValues(_ spec: CacheSpec, _ backend: CacheBackend, _ entry: CacheEntry) -> [Diagnostic] {
        backend.attributes.compactMap { attribute in
            guard attribute.directions.contains(entry.direction), case .known(let value) = entry.value(of: attribute.name, in: spec),
                !attribute.accepts(value), let field = spec.field(attribute.name)
            else { return nil }
            let span = entry.span(of: field)
            let accepted = Self.accepted(attribute.values)
            let written = Quoted.code("\(attribute.name)=\(value)")
            switch attribute.invalidValueEffect {
            case .fails(let message):
                // Bad values are read when BuildKit sets the backend up: fatal for an exporter, logged for an importer.
                let failure = CacheFailure(entry, failingWhen: .configuring)
                let error = Quoted.code(message.replacingAll("{}", with: value))
                let outcome =
                    failure == .buildFails
                    ? "the build fails with \(error)" : "BuildKit logs \(error), skips the import and the build gets no cache from it"
                return description.diagnostic(
                    "\(written) is not a valid value: \(outcome)", at: span, help: "use \(accepted)", severity: failure.severity)
            case .ignored:
                return description.diagnostic(
                    "\(written) is not a valid value: BuildKit ignores it and uses the default\(attribute.name == "mode" ? " (`min`)" : "")",
                    at: span, help: "use \(accepted)", severity: .warning)
            case .unverified:
                return description.diagnostic(
                    "\(written) is not a valid value: BuildKit rejects or ignores it",
                    at: span, help: "use \(accepted)", severity: .warning)
            }
        }
    }

    private func ignoredCompression(_ spec: CacheSpec, _ backend: CacheBackend, _ entry: CacheEntry) -> [Diagnostic] {
        guard entry.direction == .export, backend != .registry, backend != .local, backend != .inline else { return [] }
        guard let field = spec.fields.first(where: { CacheBackend.compressionKeys.contains($0.key) }) else { return [] }
        return [
            description.diagnostic(
                "`\(field.key)` is ignored: `\(backend.rawValue)` cache is always stored gzip-compressed", at: entry.span(of: field),
                help: "remove the compression attributes, or use a registry or local cache to choose compression",
                severity: .warning)
        ]
    }

    private func manifestConflict(_ spec: CacheSpec, _ entry: CacheEntry) -> [Diagnostic] {
        guard entry.direction == .export, entry.value(of: "image-manifest", in: spec).isTrue, entry.value(of: "oci-mediatypes", in: spec).isFalse
        else { return [] }
        // The conflict is found when the cache is written after the build, where `ignore-error` applies.
        let failure = CacheFailure(entry, failingWhen: .exporting)
        let outcome =
            failure == .buildFails
            ? "the export fails the build" : "the export fails after the build and, with `ignore-error=true`, the cache is never saved"
        return [
            description.diagnostic(
                "`image-manifest=true` needs OCI media types, but this entry sets `oci-mediatypes=false`: \(outcome) (`invalid configuration for remote cache, OCI mediatypes are required for image-manifest cache format`)",
                at: entry.span, help: "drop `oci-mediatypes=false` (OCI media types are the default)", severity: failure.severity)
        ]
    }

    private static func accepted(_ values: CacheAttribute.Values) -> String {
        switch values {
        case .text: "a value"
        case .boolean: "`true` or `false`"
        case .integer: "a whole number"
        case .duration: "a duration such as `10m`"
        case .oneOf(let allowed): allowed.map { "`\($0)`" }.joined(separator: ", ")
        }
    }
}
