/// "Did you mean" for names the user typed that do not exist: subcommands, rule ids, configuration keys.
public enum Suggestion {
    /// The candidate at most two edits away from `name` (the first of equally near ones), if any.
    public static func nearest(to name: String, among candidates: [String]) -> String? {
        EditDistance.nearest(to: name, among: candidates).map(\.match)
    }

    /// `; did you mean `x`?` for the nearest candidate, or nothing.
    public static func didYouMean(_ name: String, among candidates: [String]) -> String {
        nearest(to: name, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }
}
