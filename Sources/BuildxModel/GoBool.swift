/// Go's `strconv.ParseBool`, which BuildKit and buildx use for every boolean attribute and variable
/// (https://pkg.go.dev/strconv#ParseBool: `yes` is not a boolean).
public enum GoBool {
    public static func parse(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
