import Foundation

/// Renders a `CacheReport` (`buildx-doctor cache`): a compact table per build for people, Markdown for a
/// GitHub job summary (`$GITHUB_STEP_SUMMARY`), or the JSON contract (`"version": 1`, docs/cache-report.md).
public enum CacheReporter {
    public static func text(_ report: CacheReport) -> String {
        guard !report.builds.isEmpty else { return "no BuildKit build found in the log (is it --progress=plain output?)\n" }
        var output = ""
        for (number, build) in report.builds.enumerated() {
            output += "build \(number + 1) (log line \(build.logLine))\(build.ciStep.map { ", step \($0)" } ?? ""): \(headline(build))\n"
            for transfer in build.imports { output += "  import  \(describe(transfer))\n" }
            for transfer in build.exports { output += "  export  \(describe(transfer))\n" }
            if !build.steps.isEmpty {
                let width = min(70, build.steps.map(\.label.count).max() ?? 0)
                for step in build.steps {
                    let label = step.label.count > width ? String(step.label.prefix(width - 1)) + "…" : step.label
                    output += pad("  #\(step.vertex)", 6) + pad(label, width) + "  " + state(step) + "\n"
                }
            }
            output += "  \(summary(build))\n"
            for note in notes(build) { output += "  note: \(note)\n" }
            for entry in build.configuration {
                output += "  \(entry.direction.rawValue) from \(entry.path):\(entry.line): \(entry.text)\(entry.isGuess ? " (may be; it has expressions)" : "")\n"
            }
            for advice in build.advice { output += "  fix: \(advice)\n" }
            output += "\n"
        }
        if report.minModeRebuildsEveryRun { output += "note: \(minModeEveryRun)\n" }
        return output
    }

    public static func markdown(_ report: CacheReport) -> String {
        var output = "## Did the cache work?\n\n"
        guard !report.builds.isEmpty else { return output + "No BuildKit build found in the log.\n" }
        output += "| build | verdict | steps cached | time on uncached steps | cache |\n|---|---|---|---|---|\n"
        for (number, build) in report.builds.enumerated() {
            let judged = build.judgedSteps
            let transfers = (build.imports.map { "⬇ " + short($0) } + build.exports.map { "⬆ " + short($0) }).joined(separator: "<br>")
            output += "| \(number + 1)\(build.ciStep.map { " " + cell($0) } ?? "") | \(cell(headline(build))) | \(judged.filter(\.cached).count)/\(judged.count) | \(seconds(build.lostSeconds)) | \(transfers.isEmpty ? "none" : cell(transfers)) |\n"
        }
        output += "\n"
        for (number, build) in report.builds.enumerated() {
            output += "**Build \(number + 1)** `\(bar(build))` \(barLegend(build))\n\n"
            for note in notes(build) { output += "> \(note)\n\n" }
            for advice in build.advice { output += "- **Fix:** \(advice)\n" }
            if !build.advice.isEmpty { output += "\n" }
        }
        if report.minModeRebuildsEveryRun { output += "> \(minModeEveryRun)\n" }
        return output
    }

    public static func json(_ report: CacheReport) -> String {
        let builds: [JSONValue] = report.builds.map { build in
            let invalidated = build.verdict == .invalidated || build.verdict == .coldNothingFound ? build.invalidatedAt : nil
            return .object([
                ("logLine", .number(build.logLine)),
                ("ciStep", build.ciStep.map(JSONValue.string) ?? .null),
                ("verdict", .string(build.verdict.rawValue)),
                ("invalidatedAt", invalidated.map(step) ?? .null),
                ("stepsCached", .number(build.judgedSteps.filter(\.cached).count)),
                ("stepsJudged", .number(build.judgedSteps.count)),
                ("uncachedMilliseconds", .number(milliseconds(build.lostSeconds))),
                ("savedMilliseconds", build.savedSeconds.map { .number(milliseconds($0)) } ?? .null),
                ("wallMilliseconds", build.wallSeconds.map { .number(milliseconds($0)) } ?? .null),
                ("exportMode", build.exportMode.map(JSONValue.string) ?? .null),
                ("minModeRebuild", .bool(build.minModeRebuild)),
                ("steps", .array(build.steps.map(step))),
                ("imports", .array(build.imports.map(transfer))),
                ("exports", .array(build.exports.map(transfer))),
                ("commandCacheFrom", .array(build.commandCacheFrom.map(JSONValue.string))),
                ("commandCacheTo", .array(build.commandCacheTo.map(JSONValue.string))),
                ("configuration", .array(build.configuration.map { entry in
                    .object([
                        ("direction", .string(entry.direction.rawValue)), ("path", .string(entry.path)), ("line", .number(entry.line)),
                        ("text", .string(entry.text)), ("guess", .bool(entry.isGuess)),
                    ])
                })),
                ("advice", .array(build.advice.map(JSONValue.string))),
            ])
        }
        return JSONValue.object([
            ("version", .number(1)),
            ("builds", .array(builds)),
            ("minModeRebuildsEveryRun", .bool(report.minModeRebuildsEveryRun)),
        ]).serialized() + "\n"
    }

    // MARK: - Pieces

    static let minModeEveryRun =
        "builder stages ran again on every run although a cache was imported: the export uses mode=min (the default), "
        + "which keeps only the final stage's layers; mode=max exports every stage"

    static func headline(_ build: CacheBuild) -> String {
        switch build.verdict {
        case .warm: return "warm: every step cached"
        case .invalidated:
            return "invalidated at \(build.invalidatedAt.map { "#\($0.vertex) \($0.label)" } ?? "a step")"
        case .coldImportFailed:
            return "cold: the cache import failed" + (build.imports.first?.error.map { " (\($0))" } ?? "")
        case .coldNothingFound:
            if let missing = build.imports.first(where: \.foundNothing) {
                return "cold: the import found no cache at \(missing.name ?? missing.type)"
            }
            return "cold: the imported cache matched no step"
        case .coldNoImport: return "cold: a cache is exported but none is imported"
        case .noCache: return "no cache configured"
        }
    }

    static func notes(_ build: CacheBuild) -> [String] {
        var notes: [String] = []
        if build.minModeRebuild {
            notes.append(
                "builder stages ran although the import succeeded: mode=min exports only the final stage's layers; "
                    + "export with mode=max to keep the builder stages")
        }
        let failedExports = build.exports.filter { $0.outcome == .failed }
        for export in failedExports { notes.append("the \(export.type) cache export failed\(export.error.map { ": \($0)" } ?? ""): the next run starts cold") }
        return notes
    }

    static func summary(_ build: CacheBuild) -> String {
        let judged = build.judgedSteps
        var text = "\(judged.filter(\.cached).count)/\(judged.count) steps cached, \(seconds(build.lostSeconds)) on uncached steps"
        if let saved = build.savedSeconds { text += ", about \(seconds(saved)) saved" }
        if let wall = build.wallSeconds { text += ", \(seconds(wall)) in all" }
        return text
    }

    private static func describe(_ transfer: CacheBuild.Transfer) -> String {
        var text = transfer.type + (transfer.name.map { " " + $0 } ?? "")
        switch transfer.outcome {
        case .done: text += transfer.layersWritten > 0 ? ": done, \(transfer.layersWritten) layers written" : ": done"
        case .failed: text += ": failed" + (transfer.error.map { " (\($0))" } ?? "")
        case .unfinished: text += ": unfinished"
        }
        if let time = transfer.seconds { text += " in \(seconds(time))" }
        return text
    }

    private static func short(_ transfer: CacheBuild.Transfer) -> String {
        transfer.type + (transfer.name.map { " `\($0)`" } ?? "") + (transfer.outcome == .done ? "" : " " + transfer.outcome.rawValue)
    }

    private static func state(_ step: CacheBuild.Step) -> String {
        if step.failed { return "failed" }
        if step.cached { return "CACHED" }
        let time = step.seconds.map(seconds) ?? "?"
        return step.isBaseImage ? "pulled \(time)" : "ran \(time)"
    }

    /// Twenty cells: cached time (estimated from other builds of the report) against time on uncached
    /// steps, or step counts when no time is known.
    static func bar(_ build: CacheBuild) -> String {
        let judged = build.judgedSteps
        let cached: Double
        let uncached: Double
        if let saved = build.savedSeconds, saved + build.lostSeconds > 0 {
            (cached, uncached) = (saved, build.lostSeconds)
        } else {
            (cached, uncached) = (Double(judged.filter(\.cached).count), Double(judged.filter { !$0.cached }.count))
        }
        let total = cached + uncached
        let cells = total > 0 ? Int((cached / total * 20).rounded()) : 0
        return String(repeating: "█", count: cells) + String(repeating: "░", count: total > 0 ? 20 - cells : 20)
    }

    private static func barLegend(_ build: CacheBuild) -> String {
        let judged = build.judgedSteps
        if let saved = build.savedSeconds {
            return "█ cached ≈ \(seconds(saved)) · ░ uncached \(seconds(build.lostSeconds))"
        }
        return "█ cached \(judged.filter(\.cached).count) steps · ░ uncached \(judged.filter { !$0.cached }.count) steps (\(seconds(build.lostSeconds)))"
    }

    private static func step(_ step: CacheBuild.Step) -> JSONValue {
        .object([
            ("vertex", .number(step.vertex)), ("stage", step.stage.map(JSONValue.string) ?? .null), ("index", .number(step.index)),
            ("count", .number(step.count)), ("instruction", .string(step.instruction)), ("logLine", .number(step.logLine)),
            ("cached", .bool(step.cached)), ("failed", .bool(step.failed)), ("baseImage", .bool(step.isBaseImage)),
            ("milliseconds", step.seconds.map { .number(milliseconds($0)) } ?? .null),
        ])
    }

    private static func transfer(_ transfer: CacheBuild.Transfer) -> JSONValue {
        .object([
            ("vertex", .number(transfer.vertex)), ("type", .string(transfer.type)), ("name", transfer.name.map(JSONValue.string) ?? .null),
            ("logLine", .number(transfer.logLine)), ("outcome", .string(transfer.outcome.rawValue)),
            ("error", transfer.error.map(JSONValue.string) ?? .null), ("layersWritten", .number(transfer.layersWritten)),
        ])
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// Text safe in a Markdown table cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

