/// One `--output` as buildx reads it (`type=oci,dest=out.tar`; a bare path is a local export, `-` a tar
/// on standard output).
public struct OutputSpec: Hashable, Sendable {
    public var type: String
    public var attributes: [String: String]

    /// Parses one output; `nil` when buildx could not read it (the build fails there for other reasons).
    public init?(parsing text: String) {
        guard let fields = try? BuildxCSV.fields(text), !fields.isEmpty else { return nil }
        if fields.count == 1, !fields[0].text.contains("=") {
            type = fields[0].text == "-" ? "tar" : "local"
            attributes = ["dest": fields[0].text]
            return
        }
        var type = ""
        var attributes: [String: String] = [:]
        for field in fields {
            guard let equals = field.text.firstIndex(of: "=") else { return nil }
            let key = field.text[..<equals].lowercased()
            let value = String(field.text[field.text.index(after: equals)...])
            if key == "type" { type = value } else { attributes[key] = value }
        }
        self.type = type
        self.attributes = attributes
    }

    /// The driver feature the exporter needs, if any (`docker/buildx build/opt.go` checks it per exporter).
    public var requiredFeature: DriverFeature? {
        switch type {
        case "oci": .ociExporter
        case "docker" where attributes["dest"] != nil: .dockerExporter
        default: nil
        }
    }
}
