import ArgumentParser
import BuildxDoctor
import Foundation

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show which .buildx-doctor.yml applies and check it, or write a commented starter file.",
        discussion: """
            Without --init: finds the configuration that applies to PATH (default .) — the nearest \
            .buildx-doctor.yml in its folder or a folder above — checks it and summarises it. \
            With --init: writes a commented .buildx-doctor.yml into the folder PATH (default .).
            Exit status: 0 fine, 2 the configuration has an error (printed with its line and column), \
            the file to write exists, or a usage error.
            """)

    @Argument(help: "The file or folder to look up the configuration for; with --init, the folder to write it into.")
    var path: String = "."

    @Flag(name: .customLong("init"), help: "Write a commented starter .buildx-doctor.yml.")
    var initialize = false

    @Flag(help: "With --init, replace an existing file.")
    var force = false

    func run() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ValidationError("\(path): no such file or folder")
        }
        if initialize {
            guard isFolder.boolValue else { throw ValidationError("\(path): --init writes into a folder; name the folder") }
            let target = PathText.display(path == "." ? ConfigurationLookup.fileNames[0] : path + "/" + ConfigurationLookup.fileNames[0])
            do {
                try ReportFile.write(StarterConfiguration.text, to: target, replacing: force)
            } catch {
                try standardError("buildx-doctor: error: \(error)\(error.reason == "the file exists" ? " (--force replaces it)" : "")")
                throw ExitCode(2)
            }
            try standardOutput("wrote \(target)\n")
            return
        }
        let configuration: Configuration?
        do {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if !isFolder.boolValue, ConfigurationLookup.fileNames.contains(name) {
                configuration = try ConfigurationLookup.load(path)
            } else {
                var lookup = ConfigurationLookup()
                configuration = try lookup.configuration(forFileAt: path, isFolder: isFolder.boolValue)
            }
        } catch {
            try standardError("buildx-doctor: error: \(error)")
            throw ExitCode(2)
        }
        guard let configuration, let file = configuration.path else {
            try standardOutput("no configuration file: no \(ConfigurationLookup.fileNames.joined(separator: " or ")) in \(PathText.display(path)) or a folder above it; every rule runs at its own severities (`buildx-doctor config --init` writes one)\n")
            return
        }
        let rules = configuration.rules.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.text($0.value))" }
        var lines = ["\(file): valid"]
        lines.append("  rules: " + (rules.isEmpty ? "all at their own severities" : rules.joined(separator: ", ")))
        lines.append("  exclude: " + (configuration.exclude.isEmpty ? "nothing" : configuration.exclude.map(\.pattern).joined(separator: ", ")))
        lines.append("  overrides: \(configuration.overrides.count)")
        lines.append("  runners: \(configuration.runnerFacts.runners.count)")
        try standardOutput(lines.joined(separator: "\n") + "\n")
    }

    private static func text(_ setting: BuildxDoctor.Configuration.RuleSetting) -> String {
        switch setting {
        case .off: "off"
        case .on: "on"
        case .severity(let severity): severity.rawValue
        }
    }
}
