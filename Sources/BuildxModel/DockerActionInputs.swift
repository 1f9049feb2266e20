/// The inputs of the Docker GitHub Actions by major version (the `inputs:` of each action's `action.yml` at
/// its release tags: docker/build-push-action, docker/setup-buildx-action, docker/bake-action). The runner only
/// warns about an input an action does not declare, and the build runs without it.
public enum DockerActionInputs {
    /// The inputs `repository` (`owner/repo`, lowercase) accepts at `major`; `nil` when the action or the
    /// version is not catalogued (nothing can be said then).
    public static func inputs(of repository: String, major: Int?) -> Set<String>? {
        switch repository {
        case "docker/build-push-action": buildPush(major)
        case "docker/setup-buildx-action": setupBuildx(major)
        default: nil
        }
    }

    /// Every input any version of the action accepted, for refs whose major is unknown (SHAs, branches).
    public static func anyVersionInputs(of repository: String) -> Set<String>? {
        switch repository {
        case "docker/build-push-action": buildPushV1.union(buildPush(nil) ?? [])
        case "docker/setup-buildx-action": setupBuildx(3).map { $0.union(["install", "config", "config-inline"]) }
        default: nil
        }
    }

    private static let buildPushV1: Set<String> = [
        "username", "password", "registry", "repository", "tags", "tag_with_ref", "tag_with_sha", "path", "dockerfile",
        "target", "always_pull", "build_args", "cache_froms", "labels", "add_git_labels", "push",
    ]

    private static func buildPush(_ major: Int?) -> Set<String>? {
        if major == 1 { return buildPushV1 }
        var inputs: Set<String> = [
            "builder", "context", "file", "build-args", "labels", "tags", "pull", "target", "allow", "no-cache",
            "platforms", "load", "push", "outputs", "cache-from", "cache-to", "secrets", "github-token", "add-hosts",
            "build-contexts", "cgroup-parent", "network", "secret-files", "shm-size", "ssh", "ulimit",
            // `call` exists in v7; when it first appeared is not recorded, so no version is faulted for it.
            "call",
        ]
        let major = major ?? Int.max
        if major >= 4 { inputs.formUnion(["attests", "provenance", "sbom", "no-cache-filters"]) }
        if major >= 6 { inputs.formUnion(["annotations", "secret-envs"]) }
        return inputs
    }

    private static func setupBuildx(_ major: Int?) -> Set<String>? {
        // `name` is in v4; when it first appeared is not recorded, so no version is faulted for it.
        var inputs: Set<String> = ["version", "driver", "driver-opts", "buildkitd-flags", "use", "endpoint", "name"]
        let major = major ?? Int.max
        if major <= 3 { inputs.insert("install") }
        if major >= 2, major <= 3 { inputs.formUnion(["config", "config-inline"]) }
        if major >= 3 {
            inputs.formUnion([
                "platforms", "append", "cleanup", "cache-binary", "buildkitd-config", "buildkitd-config-inline", "keep-state",
            ])
        }
        return inputs
    }
}
