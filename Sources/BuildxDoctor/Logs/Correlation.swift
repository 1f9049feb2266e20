import BuildxModel

extension LogReport {
    /// Connects each explanation to the finding `check` makes for the same cause. A finding is named as
    /// the cause only when the log's evidence agrees with it (the step, the cache type and ref, the
    /// platforms, wherever the log states them) and no finding in another build agrees as well; otherwise
    /// the findings that may be the cause become `candidates`, and the link is a guess.
    public func correlated(with check: CheckReport) -> LogReport {
        var report = self
        var sites = ConfigurationSites(check)
        report.explanations = explanations.map { explanation in
            var explanation = explanation
            explanation.location = nil
            explanation.candidates = []
            guard let rule = explanation.signature.rule else { return explanation }
            // Findings of one build step are one candidate: buildx refuses the step whichever entry it is.
            var groups: [(key: String, findings: [Diagnostic], agrees: Bool)] = []
            for diagnostic in check.diagnostics where diagnostic.rule == rule {
                let site = sites.site(of: diagnostic)
                let agrees = site?.agrees(with: explanation.evidence) ?? true
                let key = site?.key ?? "\(diagnostic.span.path):\(diagnostic.span.start.line)"
                if let index = groups.firstIndex(where: { $0.key == key }) {
                    groups[index].findings.append(diagnostic)
                    groups[index].agrees = groups[index].agrees || agrees
                } else {
                    groups.append((key, [diagnostic], agrees))
                }
            }
            let agreeing = groups.filter(\.agrees)
            if agreeing.count == 1, let group = agreeing.first {
                // Within the step, the finding the evidence points at, else the first.
                let sites = group.findings.map { (diagnostic: $0, agrees: sites.site(of: $0)?.agrees(with: explanation.evidence) ?? true) }
                explanation.location = (sites.first { $0.agrees } ?? sites[0]).diagnostic
            } else {
                explanation.candidates = (agreeing.isEmpty ? groups : agreeing).map { $0.findings[0] }
            }
            return explanation
        }
        return report
    }
}

/// Where a finding sits in its file's plan: the build step and the cache entry it points at.
struct ConfigurationSite {
    /// Identifies the CI step, so findings of one step count as one candidate.
    let key: String
    /// What the step is called in a GitHub raw log: its action reference, its name, its script's first line.
    let stepLabels: [String]
    /// The cache entry the finding points at, or every entry of the build when it points at none.
    let entries: [CacheEntry]
    let platforms: PlatformList?

    /// Whether nothing the log states contradicts this site. What the configuration leaves to run time
    /// (an expression, an unknown step) never contradicts.
    func agrees(with evidence: LogEvidence) -> Bool {
        if let step = evidence.step?.lowercased(), !stepLabels.isEmpty,
            !stepLabels.contains(where: { step == $0.lowercased() || step.hasPrefix($0.lowercased()) })
        {
            return false
        }
        if let type = evidence.cacheType, !entries.isEmpty {
            let known = entries.compactMap { $0.specs.first?.type.lowercased() }
            if known.count == entries.count, !known.contains(type) { return false }
        }
        if let ref = evidence.cacheRef?.lowercased(), !entries.isEmpty,
            !entries.contains(where: { $0.hasUnknownParts || $0.text.lowercased().containsText(ref) })
        {
            return false
        }
        if let platforms = evidence.platforms, let written = self.platforms {
            let known = written.platforms.compactMap(\.known)
            if known.count == written.platforms.count, Set(known.map { $0.lowercased() }) != Set(platforms.map { $0.lowercased() }) {
                return false
            }
        }
        return true
    }
}

/// The plans of the checked files that hold findings, made once per file on first use.
struct ConfigurationSites {
    private let check: CheckReport
    private var plans: [String: BuildPlan?] = [:]

    init(_ check: CheckReport) { self.check = check }

    mutating func site(of diagnostic: Diagnostic) -> ConfigurationSite? {
        let path = diagnostic.span.path
        // A script or Makefile a job runs is placed by that job's plan, which knows the step that runs it.
        let planPath = runner(of: path) ?? path
        if plans[planPath] == nil { plans[planPath] = plan(planPath) }
        guard let plan = plans[planPath] ?? nil else { return nil }
        let offset = diagnostic.span.start.offset
        let line = diagnostic.span.start.line
        let builds = plan.builds.filter { $0.step.span.path == path }
        var chosen: (step: Step, build: BuildInvocation, entry: CacheEntry?)?
        for (_, step, build) in builds {
            if let entry = build.cacheEntries.first(where: { $0.span.path == path && $0.span.start.offset <= offset && offset < max($0.span.end.offset, $0.span.start.offset + 1) }) {
                chosen = (step, build, entry)
                break
            }
            let outer = step.enclosing ?? step
            // A CI step ends where the parser's end mark says; a command where its own text ends.
            if outer.span.start.line <= line, outer.end.map({ line < $0.line }) ?? (line <= outer.span.end.line) {
                chosen = (step, build, nil)
            }
        }
        guard let chosen else { return nil }
        let outer = chosen.step.enclosing ?? chosen.step
        let scriptLine = outer.script?.text.split(separator: "\n").first.map { String($0).trimmingWhitespace() }
        return ConfigurationSite(
            key: "\(path):\(outer.span.start.offset)",
            stepLabels: [outer.action?.text, outer.name, scriptLine, echo(of: outer, in: plan)].compactMap { $0 }.filter { !$0.isEmpty },
            entries: chosen.entry.map { [$0] } ?? chosen.build.cacheEntries, platforms: chosen.build.platforms)
    }

    /// How a runner echoes a command written in the CI file itself (GitLab prints `$ ` and the script
    /// line): its first line, without a continuation backslash. `nil` for CI steps, and for commands of
    /// a script the job runs, which the log names by the line that runs the script.
    private func echo(of step: Step, in plan: BuildPlan) -> String? {
        guard step.enclosing == nil, step.action == nil, step.script == nil, step.span.path == plan.file.path else { return nil }
        let lineEnd = plan.file.byteRange(ofLine: step.span.start.line).upperBound
        let first = plan.file.bytes[step.span.start.offset..<max(step.span.start.offset, min(step.span.end.offset, lineEnd))]
        var text = String(decoding: first, as: UTF8.self).trimmingWhitespace()
        if text.hasSuffix("\\") { text = String(text.dropLast()).trimmingWhitespace() }
        // A folded or escaped scalar's command is placed at the scalar's start (its `>` indicator, say):
        // text that does not name docker is not the command, and an unknown label contradicts nothing.
        return text.containsText("docker") ? text : nil
    }

    /// The checked CI file whose jobs run the script or Makefile at `path`, if one does.
    private mutating func runner(of path: String) -> String? {
        for checked in check.files.map(\.path) where checked != path {
            if plans[checked] == nil { plans[checked] = plan(checked) }
            if let plan = plans[checked] ?? nil, plan.referencedPaths.contains(path) { return checked }
        }
        return nil
    }

    private func plan(_ path: String) -> BuildPlan? { check.plan(of: path) }
}

extension CheckReport {
    /// The plan of a checked file: the one the check made, or one made again from its source.
    func plan(of path: String) -> BuildPlan? {
        if let plan = plans[path] { return plan }
        guard let file = sources[path] else { return nil }
        let input = FrontendInput(file: file, yaml: try? YAMLDocument.parse(file), repository: RepositoryFileLoader(forFileAt: path))
        return Frontends.all.lazy.compactMap { $0.plan(input) }.first
    }
}
