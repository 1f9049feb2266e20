extension LogReport {
    /// Connects each explanation to the finding `check` makes for the same cause, when there is one.
    public func correlated(with check: CheckReport) -> LogReport {
        var report = self
        report.explanations = explanations.map { explanation in
            var explanation = explanation
            if let rule = explanation.signature.rule {
                explanation.location = check.diagnostics.first { $0.rule == rule }
            }
            return explanation
        }
        return report
    }
}
