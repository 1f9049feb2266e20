/// How reports describe the files buildx-doctor reads, for the note on a file it passed over.
public enum ReadKinds {
    public static let passedOverReason =
        "not a file buildx-doctor reads (a GitHub Actions workflow, composite action or snippet, GitLab CI, CircleCI, a shell script, a Makefile, a bake file or a Compose file)"
}
