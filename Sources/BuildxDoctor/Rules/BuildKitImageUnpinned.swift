import BuildxModel

/// A floating BuildKit image in `driver-opts` (https://docs.docker.com/build/builders/drivers/docker-container/;
/// buildx's default image is `moby/buildkit:buildx-stable-1`, `docker/buildx driver/bkimage/bkimage.go`).
struct BuildKitImageUnpinned: Rule {
    let description = RuleDescription(
        id: "buildkit-image-unpinned",
        severity: .info,
        summary: "A BuildKit image given without a version tag (`latest`, `master` or none).",
        explanation: """
            `driver-opts: image=moby/buildkit:latest` (or `:master`, or no tag) runs whatever BuildKit was \
            published last: builds stop being reproducible, and a release that changes cache defaults (as \
            v0.21 did for `image-manifest`) changes your cache without a change in your repository. \
            `master` is an unreleased development build.

            Fix: pin a release, e.g. `image=moby/buildkit:v0.32.2`, or drop the option to use buildx's \
            default stable image.
            """,
        helpURI: "https://docs.docker.com/build/builders/drivers/docker-container/",
        triggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    driver-opts: |
                      network=host
                      image=↓moby/buildkit:master
                """),
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    driver-opts: image=↓moby/buildkit
                """),
        ],
        nonTriggeringExamples: [
            RuleExample.steps(
                """
                - uses: docker/setup-buildx-action@v3
                  with:
                    driver-opts: image=moby/buildkit:v0.32.2
                """)
        ])

    func check(_ plan: BuildPlan) -> [Diagnostic] {
        plan.jobs.flatMap { job in
            job.steps.compactMap { step -> Diagnostic? in
                guard case .create(let setup)? = step.builderChange, let image = setup.buildkitImage,
                    !Expression.occurs(in: image.text), !image.text.contains("@")
                else { return nil }
                let tag = ImageReference(image.text).tag
                guard tag == nil || tag == "latest" || tag == "master" else { return nil }
                let what = tag.map { Quoted.code(":" + $0) } ?? "no tag (so `:latest`)"
                return description.diagnostic(
                    "the BuildKit image \(Quoted.code(image.text)) has \(what): every run may get a different BuildKit\(tag == "master" && image.text.hasPrefix("moby/buildkit") ? ", here an unreleased development build" : "")",
                    at: image.span, help: "pin a release tag, e.g. \(Quoted.code(ImageReference(image.text).repository + ":v0.32.2"))")
            }
        }
    }
}
