import BuildxModel

/// What a cache entry that cannot work costs, which depends on its direction and on when it fails.
///
/// - Before the build, buildx (`util/buildflags/cache.go`, `build/opt.go`) or the BuildKit client it
///   vendors (`client/solve.go` `parseCacheOptions`: `local cache importer requires src`, `registry cache
///   importer requires ref`) rejects the entry: the build fails in both directions.
/// - When BuildKit sets up an importer (`solver/llbsolver/bridge.go`, `importing cache manifest from …`),
///   any error is logged and the build runs without that cache; it never fails the build.
/// - When BuildKit sets up an exporter (`control/control.go`: `unknown cache exporter`, `failed to
///   configure … cache exporter`), the build fails, `ignore-error` or not.
/// - When the exporter runs after the build (pushing, uploading), the build fails unless the entry
///   says `ignore-error=true`; then the error is logged and the cache is simply not saved.
enum CacheFailure {
    /// The stage at which an entry fails.
    enum Stage {
        case beforeBuild
        case configuring
        case exporting
    }

    /// The build fails.
    case buildFails
    /// An import that is skipped: the build runs without this cache.
    case importSkipped
    /// An export whose error `ignore-error=true` swallows: the build succeeds and saves no cache.
    case exportIgnored

    init(_ entry: CacheEntry, failingWhen stage: Stage) {
        switch (entry.direction, stage) {
        case (_, .beforeBuild): self = .buildFails
        case (.import, _): self = .importSkipped
        case (.export, .configuring): self = .buildFails
        case (.export, .exporting): self = entry.ignoresErrors ? .exportIgnored : .buildFails
        }
    }

    /// An error when the build fails, else a warning: the job runs, just not as written.
    var severity: Severity { self == .buildFails ? .error : .warning }

    /// What happens, to end a sentence: "…: the build fails", "…: the build gets no cache from it".
    var outcome: String {
        switch self {
        case .buildFails: "the build fails"
        case .importSkipped: "BuildKit skips the import and the build gets no cache from it"
        case .exportIgnored: "the export fails after the build and, with `ignore-error=true`, the cache is never saved"
        }
    }
}

extension CacheEntry {
    /// Whether this is an export BuildKit lets fail without failing the build (`ignore-error=true`, read as
    /// `strconv.ParseBool` does in `control/control.go`).
    var ignoresErrors: Bool {
        direction == .export && specs.contains { value(of: "ignore-error", in: $0).isTrue }
    }
}
