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
        let onlyRules = rules.isEmpty ? nil : Set(rules)
        // As check does: a script or Makefile found by searching is fixed in the context of the CI files
        // that run it (with their fixes for it), and on its own only when none does. So CI files go first.
        let isScript = { (input: Checker.Inputs.Input) in !input.isExplicit && Checker.isStandaloneScript(input.path) }
        let first = inputs.inputs.filter { !isScript($0) }
        let later = inputs.inputs.filter(isScript)
        var followed = Set<String>()
        // Findings that the CI files' checks place in the files they run, by absolute path.
        var fromRunners: [String: [Diagnostic]] = [:]
        var fixedOnTheirOwn = Set<String>()
        var reported = Set<String>()
        func list(_ diagnostic: Diagnostic, reason: String? = nil) throws {
            guard onlyRules?.contains(diagnostic.rule) ?? true else { return }
            let span = diagnostic.span
            let line =
                "\(span.path):\(span.start.line):\(span.start.column): \(diagnostic.severity.rawValue): \(diagnostic.reportedMessage) [\(diagnostic.rule)]"
            guard reported.insert(line).inserted else { return }
            if let threshold = failOn.threshold, diagnostic.severity >= threshold { unfixable = true }
            guard !quiet, diagnostic.severity >= listed else { return }
            try standardError("\(line) (no safe fix: \(reason ?? NoSafeFix.reason(for: diagnostic)))")
        }
        func save(_ file: SourceFile, _ fixed: [UInt8], _ applied: [BuildxDoctor.Fix]) throws {
            let bom: [UInt8] = file.hasByteOrderMark ? [0xEF, 0xBB, 0xBF] : []
            guard write else {
                // With the byte order mark, so the diff applies to the file as it is on disk.
                return try standardOutput(UnifiedDiff.between(bom + file.bytes, bom + fixed, path: file.path))
            }
            do {
                try FileWriter.replace(file.path, expected: bom + file.bytes, with: bom + fixed)
                try standardOutput("fixed \(file.path): \(Self.changes(applied))\n")
            } catch let failure as OutputSink.Failure {
                throw failure
            } catch {
                try standardError("buildx-doctor: error: \(error)")
                failed = true
            }
        }
        for input in first + later {
            let file: SourceFile
            do {
                file = try base.read(input)
            } catch {
                try standardError("buildx-doctor: error: \(error)")
                failed = true
                continue
            }
            let path = PathText.absolute(file.path)
            // A file named on the command line is fixed on its own, as check checks it on its own.
            if isScript(input), followed.contains(path) {
                // The runners' findings here were computed on these very bytes (nothing changed the file
                // before now), so their edits apply as they are.
                checked += 1
                let found = fromRunners.removeValue(forKey: path) ?? []
                var fixes: [BuildxDoctor.Fix] = []
                for fix in found.compactMap(\.fix) where PathText.absolute(fix.path) == path && !fixes.contains(fix) { fixes.append(fix) }
                let (fixed, applied) = FixApplier.apply(fixes, to: file.bytes)
                if !applied.isEmpty { try save(file, fixed, applied) }
                for diagnostic in found where diagnostic.fix.map({ !applied.contains($0) }) ?? true { try list(diagnostic) }
                continue
            }
            var checker = base
            checker.configuration = input.configuration.map { .given($0) } ?? .none
            switch checker.check(file, isExplicit: input.isExplicit) {
            case .checked: break
            case .skipped:
                passedOver.append((file.path, ReadKinds.passedOverReason))
                continue
            case .ignored:
                ignored.append(file.path)
                continue
            case .unreadable: continue
            }
            checked += 1
            fixedOnTheirOwn.insert(path)
            let result = Fixer(checker: checker, rules: onlyRules).fix(file)
            followed.formUnion(result.referencedPaths)
            if result.changed { try save(file, result.fixed, result.applied) }
            for diagnostic in result.remaining {
                let place = PathText.absolute(diagnostic.span.path)
                guard place != path, onlyRules?.contains(diagnostic.rule) ?? true else {
                    try list(diagnostic)
                    continue
                }
                fromRunners[place, default: []].append(diagnostic)
            }
        }
        // Files the CI files run that were not among the files to fix (or were fixed on their own, named on
        // the command line): their findings are listed as they are.
        for (path, found) in fromRunners.sorted(by: { $0.key < $1.key }) where !fixedOnTheirOwn.contains(path) {
            for diagnostic in found {
                try list(diagnostic, reason: diagnostic.fix.map { "its edit is in \($0.path), which was not among the files to fix" })
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
