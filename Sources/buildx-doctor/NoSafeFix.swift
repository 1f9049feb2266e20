import BuildxDoctor

/// Why `fix` leaves a finding alone, in the words of the rule's problem: what the edit would have to guess.
enum NoSafeFix {
    static func reason(for diagnostic: Diagnostic) -> String {
        if diagnostic.fix != nil {
            return "its edit overlaps another fix made in this run, or would leave the file invalid; run fix again"
        }
        return byRule[diagnostic.rule] ?? "the change it needs is not clear from the file"
    }

    private static let byRule: [String: String] = [
        "action-input-unknown": "which input was meant cannot be told from the name; rename it to one the action has, or remove it",
        "action-version-outdated": "a new major version can change inputs and behaviour; upgrade by hand after reading its release notes",
        "attestation-unsupported-by-driver": "where the builder should be set up is not clear from the job",
        "buildkit-image-unpinned": "which BuildKit version to pin is yours to choose",
        "cache-attribute-invalid-value": "the value that was meant cannot be told from the invalid one",
        "cache-attribute-missing": "the missing value (a registry ref, a folder, a bucket or an account) cannot be guessed",
        "cache-attribute-unknown": "no valid attribute name is close enough to be sure which was meant",
        "cache-export-duplicate": "which of the duplicate exports to keep is yours to choose",
        "cache-export-on-fork-pull-request": "whether forks should skip the export or get another cache is yours to choose",
        "cache-export-unsupported-by-driver": "where the builder should be set up is not clear from the job",
        "cache-import-unsupported-by-driver": "where the builder should be set up is not clear from the job",
        "cache-spec-invalid": "buildx cannot parse the entry, so what it was meant to say is not clear",
        "cache-type-unknown": "no cache backend's name is close enough to the written type to be sure which was meant",
        "exporter-unsupported-by-driver": "where the builder should be set up is not clear from the job",
        "gha-cache-legacy-service": "the pinned version may be pinned on purpose; raise it by hand",
        "gha-cache-scope-collision": "a scope name that tells the images apart is yours to choose",
        "load-multi-platform": "loading one platform, or pushing instead, changes what the job produces",
        "local-cache-not-persisted": "where the cache should be restored from is not clear from the job",
        "local-cache-reset-unsupported": "raising the pinned buildx version is yours to decide",
        "local-cache-unbounded-growth": "the cache folders are not written in a way the rotation step can follow",
        "multi-platform-unsupported-by-driver": "where the builder should be set up is not clear from the job",
        "registry-cache-overwrites-image": "the cache needs a tag of its own, whose name is yours to choose",
        "registry-push-permission-missing": "the permissions are not written in a way a line can be added to",
        "registry-ref-uppercase": "the ref is built from an expression, which the file cannot lowercase",
        "suppression-invalid": "the intended wording or rule id is not certain",
        "yaml-syntax": "what the invalid YAML was meant to say cannot be known",
    ]
}
