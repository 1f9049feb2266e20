/// Names the bake targets behind findings about values in bake files, and reports a value several
/// targets share (through `inherits`, a group, or one `--set` for `*`) once.
///
/// Rules see one build per target and report each; this runs once per plan, after the rules, so that
/// no rule needs to know about bake.
enum BakeFindings {
    /// Rules whose fix edits the CI file at the step that runs the build (`DockerDriverCause`), whatever
    /// file the finding points at. Every other fix edits the file of the finding's own span, which the
    /// fixer can only apply when that file is the one being checked.
    private static let stepFixRules: Set<String> = [
        "cache-export-unsupported-by-driver", "cache-import-unsupported-by-driver", "attestation-unsupported-by-driver",
        "exporter-unsupported-by-driver", "multi-platform-unsupported-by-driver",
    ]

    /// Rules that judge a build by the CI job around it (the steps before and after it, the job's
    /// permissions and triggers, the buildx version it installs): a definition file checked on its own
    /// has no job, so they have nothing to judge there.
    private static let jobRules: Set<String> = [
        "local-cache-unbounded-growth", "local-cache-not-persisted", "cache-export-on-fork-pull-request", "registry-push-permission-missing",
        "gha-cache-without-runtime", "gha-cache-legacy-service",
    ]

    static func merged(_ diagnostics: [Diagnostic], plan: BuildPlan) -> [Diagnostic] {
        let bakeBuilds = plan.builds.filter { $0.build.bakeTarget != nil }
        guard !bakeBuilds.isEmpty else { return diagnostics }
        let standalone = plan.kind == .bakeFile || plan.kind == .composeFile
        var result: [Diagnostic] = []
        var seen = Set<String>()
        func key(_ diagnostic: Diagnostic) -> String {
            "\(diagnostic.rule)\u{0}\(diagnostic.span.path)\u{0}\(diagnostic.span.byteRange)\u{0}\(diagnostic.message)"
        }
        // Each build a rule judges gives its own copy of a finding: as many copies as builds built from the
        // value means every one of them is concerned; fewer (another run overrides what made it fail, or a
        // rule reports a pair of builds once) leaves which ones unknown: the targets are then "one of", and
        // the runs are named only when there is one.
        var copies: [String: Int] = [:]
        for diagnostic in diagnostics { copies[key(diagnostic), default: 0] += 1 }
        for diagnostic in diagnostics where !(standalone && jobRules.contains(diagnostic.rule)) {
            let owners = bakeBuilds.filter { $0.build.bakeTarget?.owns(diagnostic.span) == true }
            guard !owners.isEmpty else {
                result.append(diagnostic)
                continue
            }
            guard seen.insert(key(diagnostic)).inserted else { continue }
            let everyOwner = copies[key(diagnostic)] == owners.count
            var targets: [String] = []
            for owner in owners where !targets.contains(owner.build.bakeTarget!.target) { targets.append(owner.build.bakeTarget!.target) }
            var runs: [String] = []
            if !standalone {
                for owner in owners {
                    let span = owner.build.span
                    let place = span.path == diagnostic.span.path ? "line \(span.start.line)" : "\(span.path):\(span.start.line)"
                    if !runs.contains(place) { runs.append(place) }
                }
            }
            // Several runs, only some of which the finding concerns: which ones is not known.
            if !everyOwner, runs.count > 1 { runs = [] }
            let names = targets.map { "`\($0)`" }.joined(separator: ", ")
            let which = targets.count == 1 ? "bake target \(names)" : everyOwner ? "bake targets \(names)" : "one of the bake targets \(names)"
            let suffix = " (\(which)" + (runs.isEmpty ? "" : ", run at \(runs.joined(separator: ", "))") + ")"
            let keepsFix = diagnostic.span.path == plan.file.path || stepFixRules.contains(diagnostic.rule)
            result.append(
                Diagnostic(
                    rule: diagnostic.rule, severity: diagnostic.severity, message: diagnostic.message + suffix, span: diagnostic.span,
                    help: diagnostic.help, fix: keepsFix ? diagnostic.fix : nil))
        }
        return result
    }
}
