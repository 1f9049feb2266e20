import BuildxModel

/// Action majors that no longer work or were replaced (actions/cache `README.md` on the cache service
/// shut down in 2025; docker/build-push-action v1's `action.yml` runs the classic `docker build`).
struct ActionVersionOutdated: Rule {
    let description = RuleDescription(
        id: "action-version-outdated",
        severity: .error,
        summary: "An action major version that GitHub retired or that predates buildx.",
        explanation: """
            `actions/cache` v1 and v2 talk to the cache service GitHub shut down in 2025; the step fails \
            with `This request has been automatically failed because it uses a deprecated version of \
            actions/cache`, and with it the job (an error). That also breaks the local buildx cache they \
            restore. The fix is safe: v5 reads the same inputs (`path`, `key`, `restore-keys`) and differs \
            only in running on Node.js 24, so `fix` changes the major and nothing else.

            `docker/build-push-action@v1` is the pre-buildx action: it runs the classic `docker build`, has \
            no `cache-from`/`cache-to` inputs, and takes differently named inputs than every later version. \
            It still runs, so this is a warning; moving off it means renaming inputs (and v1 pushes by \
            default, later versions do not), so there is no automatic fix.

            Fix: `actions/cache@v5` and `docker/build-push-action@v6` (or later), renaming inputs as needed.
            """,
        helpURI: "https://github.com/actions/cache#whats-new",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: ↓actions/cache@v2
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                - uses: ↓docker/build-push-action@v1
                  with:
                    repository: acme/app
                """),
            RuleExample.steps(
                """
                - uses: ↓'actions/cache@v2.1.7'
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: actions/cache@v4
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                - uses: actions/cache@v5
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                - uses: docker/build-push-action@v6
                """),
            RuleExample.steps(
                """
                - uses: actions/cache@0c907a75c2c80ebcb7f088228285e798b750cf8f
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                """),
        ])

    /// A retired range of majors: what happens, how serious it is, and the replacement, which is written
    /// by `fix` only when `safeMajor` says the new major takes the old one's inputs unchanged.
    private struct Retirement {
        let majors: ClosedRange<Int>
        let outcome: String
        let severity: Severity
        let replacement: String
        let safeMajor: String?
    }

    private static let retired: [String: Retirement] = [
        "actions/cache": Retirement(
            majors: 1...2,
            outcome: "the step fails since GitHub retired the cache service it uses (`uses a deprecated version of actions/cache`), and the job with it",
            severity: .error, replacement: "actions/cache@v5", safeMajor: "v5"),
        "docker/build-push-action": Retirement(
            majors: 1...1,
            outcome: "it is the pre-buildx action: no buildx, no cache-from/cache-to, and other input names",
            severity: .warning, replacement: "docker/build-push-action@v6", safeMajor: nil),
    ]

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.jobs.flatMap { job in
            job.steps.compactMap { step -> Diagnostic? in
                guard let action = step.action, let repository = action.repository, let major = action.majorVersion,
                    let retired = Self.retired[repository], retired.majors.contains(major)
                else { return nil }
                let fix = retired.safeMajor.flatMap { replacingRef(of: action, with: $0, in: plan.file) }
                return description.diagnostic(
                    "\(Quoted.code(action.text)) is outdated: \(retired.outcome)", at: action.span,
                    help: "use `\(retired.replacement)`", severity: retired.severity,
                    fix: fix.map { Fix(summary: "use `\(repository)@\(retired.safeMajor ?? "")`", path: plan.file.path, edits: [$0]) })
            }
        }
    }

    /// The edit that replaces the ref after `@` in the `uses:` value, leaving the quotes, the path and
    /// any comment as written; `nil` when the ref is not written verbatim in the file (an escaped
    /// or folded scalar).
    private func replacingRef(of action: ActionReference, with ref: String, in file: SourceFile) -> TextEdit? {
        guard let old = action.ref, action.span.path == file.path else { return nil }
        let range = action.span.byteRange
        guard range.upperBound <= file.bytes.count,
            let at = file.bytes[range].firstIndex(of: UInt8(ascii: "@"))
        else { return nil }
        let refRange = (at + 1)..<(at + 1 + old.utf8.count)
        guard refRange.upperBound <= range.upperBound, file.bytes[refRange].elementsEqual(old.utf8) else { return nil }
        return TextEdit(range: refRange, replacement: ref)
    }
}
