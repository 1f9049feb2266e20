import ArgumentParser
import BuildxDoctor
import Foundation

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Rewrite configurations to working ones: print the diff, or apply it with --write.",
        discussion: """
            Only safe fixes are made, as text edits that keep comments, quoting, indentation and line endings; \
            each change is printed once. Findings that remain are listed on standard error with the reason \
            they have no safe fix. The configuration and suppression comments apply as for check.
            Exit status: 0 everything that has a safe fix was fixed (or would be) and no finding without one \
            remains at or above --fail-on; 1 such findings remain; 2 usage error, unusable configuration, \
            a file that could not be read or written, or nothing found to fix.
            """)

    @Argument(help: "Files or folders to fix (default: .); - reads standard input (its diff is printed).")
    var paths: [String] = []

    @OptionGroup var input: InputOptions

    @Flag(help: "Apply the fixes instead of printing them as a unified diff.")
    var write = false

    @Option(name: .customLong("rule"), help: ArgumentHelp("Fix only findings of this rule (repeatable).", valueName: "id"))
    var rules: [String] = []

    @Option(help: "Exit with 1 when a finding without a safe fix at least this severe remains: error, warning, info or never.")
    var failOn: FailLevel = .warning

    @Flag(name: .shortAndLong, help: "Print only the changes: no list of the findings that remain.")
    var quiet = false

    func validate() throws {
        let known = RuleRegistry.descriptions.map(\.id)
        if let unknown = rules.first(where: { !known.contains($0) }) {
            throw ValidationError("no rule named '\(unknown)'\(Suggestion.didYouMean(unknown, among: known)) (`buildx-doctor rules` lists them)")
        }
        let paths = try input.paths(paths)
        if write, paths.contains("-") {
            throw ValidationError("--write cannot write to standard input; without --write the fix is printed as a diff")
        }
    }

    func run() throws {
        let paths = try input.paths(paths)
        let base = try input.checker()
        let inputs = base.inputs(for: paths)
        try stopOnConfigurationErrors(inputs.configurationErrors)
        var failed = !inputs.inputErrors.isEmpty
        var unfixable = false
        var checked = 0
        var passedOver: [(path: String, reason: String)] = []
        var ignored: [String] = []
        for error in inputs.inputErrors { try standardError("buildx-doctor: error: \(error)") }
        let listed = failOn.threshold ?? .warning
        for input in inputs.inputs {
            let file: SourceFile
            do {
                file = try base.read(input)
            } catch {
                try standardError("buildx-doctor: error: \(error)")
                failed = true
                continue
            }
            var checker = base
            checker.configuration = input.configuration.map { .given($0) } ?? .none
            let first = checker.check(file, isExplicit: input.isExplicit)
            switch first {
            case .checked: break
            case .skipped: passedOver.append((file.path, ReadKinds.passedOverReason))
            case .ignored: ignored.append(file.path)
            case .unreadable: break
            }
            guard case .checked = first else { continue }
            checked += 1
            let result = Fixer(checker: checker, rules: rules.isEmpty ? nil : Set(rules)).fix(file)
            if result.changed {
                let bom: [UInt8] = file.hasByteOrderMark ? [0xEF, 0xBB, 0xBF] : []
                if write {
                    do {
                        try FileWriter.replace(file.path, expected: bom + file.bytes, with: bom + result.fixed)
                        try standardOutput("fixed \(file.path): \(Self.changes(result.applied))\n")
                    } catch let failure as OutputSink.Failure {
                        throw failure
                    } catch {
                        try standardError("buildx-doctor: error: \(error)")
                        failed = true
                    }
                } else {
                    // With the byte order mark, so the diff applies to the file as it is on disk.
                    try standardOutput(UnifiedDiff.between(bom + file.bytes, bom + result.fixed, path: file.path))
                }
            }
            for diagnostic in result.remaining where rules.isEmpty || rules.contains(diagnostic.rule) {
                if let threshold = failOn.threshold, diagnostic.severity >= threshold { unfixable = true }
                guard !quiet, diagnostic.severity >= listed else { continue }
                let span = diagnostic.span
                try standardError(
                    "\(span.path):\(span.start.line):\(span.start.column): \(diagnostic.severity.rawValue): \(diagnostic.reportedMessage) [\(diagnostic.rule)] (no safe fix: \(NoSafeFix.reason(for: diagnostic)))"
                )
            }
        }
        if checked == 0, inputs.inputErrors.isEmpty, !failed {
            try stopBecauseNothingWasChecked(paths: paths, passedOver: passedOver, ignored: ignored, excluded: inputs.excluded)
        }
        if failed { throw ExitCode(2) }
        if unfixable { throw ExitCode(1) }
    }

    /// The applied fixes, each different change once: identical ones (the same edit for several builds)
    /// are counted rather than repeated.
    static func changes(_ applied: [BuildxDoctor.Fix]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for fix in applied {
            if counts[fix.summary] == nil { order.append(fix.summary) }
            counts[fix.summary, default: 0] += 1
        }
        return order.map { counts[$0]! > 1 ? "\($0) (\(counts[$0]!) times)" : $0 }.joined(separator: "; ")
    }
}
