import ArgumentParser
import BuildxDoctor
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List the rules, or explain one.")

    @Argument(help: "A rule id to explain.")
    var id: String?

    @Option(help: ArgumentHelp("Write one Markdown page per rule into this folder.", valueName: "folder"))
    var writeDocs: String?

    func run() throws {
        let descriptions = RuleRegistry.descriptions
        if let folder = writeDocs {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for rule in descriptions {
                let path = (folder as NSString).appendingPathComponent(RuleDocumentation.fileName(for: rule))
                try RuleDocumentation.markdown(for: rule).write(toFile: path, atomically: true, encoding: .utf8)
            }
            return
        }
        guard let id else {
            let width = descriptions.map(\.id.count).max() ?? 0
            try standardOutput(descriptions.map { rule in
                let padded = rule.id.padding(toLength: width, withPad: " ", startingAt: 0)
                let severity = rule.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                return "\(padded)  \(severity)  \(rule.summary)\n"
            }.joined())
            return
        }
        guard let rule = descriptions.first(where: { $0.id == id }) else {
            throw ValidationError(
                "no rule named '\(id)'\(Suggestion.didYouMean(id, among: descriptions.map(\.id))) (`buildx-doctor rules` lists them)")
        }
        try standardOutput("\(rule.id) (\(rule.severity.rawValue))\n\n\(rule.summary)\n\n\(rule.explanation)\n\nMore: \(rule.helpURI)\n")
    }
}
