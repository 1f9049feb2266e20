/// Placeholder until the JSON reader lands.
enum BakeJSONReader {
    static func parse(_ file: SourceFile, index: Int, table: SpanTable) -> (HCLBody, [BakeProblem]) {
        (HCLBody(), [])
    }
}
