/// An image reference split into its repository and tag (a digest is dropped), as registry cache refs
/// and BuildKit images are written.
struct ImageReference {
    /// Everything before the tag: the part that must be lowercase.
    let repository: String
    let tag: String?

    init(_ reference: String) {
        var name = Substring(reference)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        // A colon before the last slash belongs to a registry port, not to a tag.
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            repository = String(name[..<colon])
            tag = String(name[name.index(after: colon)...])
        } else {
            repository = String(name)
            tag = nil
        }
    }
}
