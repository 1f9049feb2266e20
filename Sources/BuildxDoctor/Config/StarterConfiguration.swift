/// The commented `.buildx-doctor.yml` that `buildx-doctor config --init` writes: every key, switched off
/// by comments, with what it does. It parses to the empty configuration (tested), so writing it changes
/// nothing until a line is uncommented.
public enum StarterConfiguration {
    public static let text = """
        # buildx-doctor configuration (docs/configuration.md in the buildx-doctor repository documents every key).
        # buildx-doctor uses the nearest .buildx-doctor.yml in the checked file's folder or a folder above it;
        # `--config FILE` names one instead. Unknown keys and bad values are errors. Uncomment what you need.

        # Rules: `off`, `on` (the rule's own severities), or `error`, `warning` or `info` for all its findings.
        # `buildx-doctor rules` lists the ids.
        # rules:
        #   buildkit-image-unpinned: off
        #   cache-export-on-fork-pull-request: error

        # Files found by searching folders that are not checked (files named on the command line always are).
        # Patterns are relative to this file's folder: `*` and `?` stop at `/`, `**` spans folders, `[a-z]`
        # is a class; a pattern without `/` matches a file or folder name anywhere.
        # exclude:
        #   - "vendor/**"
        #   - ".github/workflows/experimental-*.yml"

        # Rule settings for some files only; a later override wins over an earlier one and over `rules`.
        # overrides:
        #   - files: [".github/workflows/release.yml"]
        #     rules:
        #       gha-cache-scope-collision: off

        # What your runners' Docker Engines are like, for jobs whose `runs-on` labels match (every label
        # pattern of an entry must match one of the job's labels; the first matching entry is used).
        # `image-store: containerd` lets the default `docker` driver export registry, local and gha cache and
        # build several platforms; `classic` makes findings on it certain. `docker-version` alone leaves both
        # stores possible (29.0 uses containerd on fresh installations only), so findings say "may".
        # runners:
        #   - labels: [self-hosted, buildfarm]
        #     image-store: containerd
        #   - labels: ["gpu-*"]
        #     docker-version: "29.1"

        """
}
