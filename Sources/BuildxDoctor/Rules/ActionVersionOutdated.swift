import BuildxModel

/// Action majors that no longer work or were replaced (actions/cache `README.md` on the cache service
/// shut down in 2025; docker/build-push-action v1's `action.yml` runs the classic `docker build`).
struct ActionVersionOutdated: Rule {
    let description = RuleDescription(
        id: "action-version-outdated",
        severity: .warning,
        summary: "An action major version that GitHub retired or that predates buildx.",
        explanation: """
            `actions/cache` v1 and v2 talk to the cache service GitHub shut down in 2025; workflows using \
            them fail with `This request has been automatically failed because it uses a deprecated version \
            of actions/cache`. That also breaks the local buildx cache they restore.

            `docker/build-push-action@v1` is the pre-buildx action: it runs the classic `docker build`, has \
            no `cache-from`/`cache-to` inputs, and takes differently named inputs than every later version.

            Fix: `actions/cache@v4` and `docker/build-push-action@v6` (or later), renaming inputs as needed.
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
                """)
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: actions/cache@v4
                  with:
                    path: /tmp/.buildx-cache
                    key: buildx-${{ github.sha }}
                - uses: docker/build-push-action@v6
                """)
        ])

    /// Retired majors by action, with what happens and the replacement.
    private static let retired: [String: (majors: ClosedRange<Int>, outcome: String, replacement: String)] = [
        "actions/cache": (
            1...2,
            "it fails since GitHub retired the cache service it uses (`uses a deprecated version of actions/cache`)",
            "actions/cache@v4"
        ),
        "docker/build-push-action": (
            1...1, "it is the pre-buildx action: no buildx, no cache-from/cache-to, and other input names",
            "docker/build-push-action@v6"
        ),
    ]

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.jobs.flatMap { job in
            job.steps.compactMap { step -> Diagnostic? in
                guard let action = step.action, let repository = action.repository, let major = action.majorVersion,
                    let retired = Self.retired[repository], retired.majors.contains(major)
                else { return nil }
                return description.diagnostic(
                    "`\(action.text)` is outdated: \(retired.outcome)", at: action.span, help: "use `\(retired.replacement)`")
            }
        }
    }
}
