import BuildxDoctor
import Foundation
import Testing

/// Checks YAML text as if it were a file at `path`, with the given rules.
func diagnostics(
    _ yaml: String, rules: [any Rule] = RuleRegistry.all, path: String = ".github/workflows/ci.yml"
) -> [Diagnostic] {
    let file = SourceFile(path: path, text: yaml)
    switch Checker(rules: rules).check(file, isExplicit: true) {
    case .checked(_, _, let diagnostics): return diagnostics
    case .skipped, .ignored, .unreadable: return []
    }
}

/// A position as tests spell it.
struct Position: Hashable, CustomStringConvertible {
    let line: Int
    let column: Int
    var description: String { "\(line):\(column)" }
}

/// Removes every `↓` from `source` and returns the clean text and where each marker stood.
func removingMarkers(_ source: String) -> (text: String, positions: [Position]) {
    var text = ""
    var positions: [Position] = []
    var line = 1
    var column = 1
    for scalar in source.unicodeScalars {
        if Character(scalar) == RuleExample.marker {
            positions.append(Position(line: line, column: column))
            continue
        }
        text.unicodeScalars.append(scalar)
        if scalar == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }
    return (text, positions)
}

extension Diagnostic {
    var position: Position { Position(line: span.start.line, column: span.start.column) }
}

/// The package's root folder, found from this source file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// `../shared` beside the package: the development workspace's real-world corpus and reference files. It is
/// not part of the repository, so a fresh clone has no such folder; suites that read it are skipped then.
let sharedFolder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

/// Whether something a suite needs from outside the repository is there (`../shared`, python3's jsonschema,
/// the ground-truth testbed). When it is not, writes one line to standard error naming the suite and why it
/// is skipped: Swift Testing's own "skipped" lines give no reason, and a condition comment would be repeated
/// on every test of the suite.
///
/// Keep the result in a global constant and pass that to `.enabled(if:)`: Swift initialises a global once,
/// when the first test that needs it is planned, so the line appears once per run, and not at all when the
/// suite was filtered out.
func outsideInput(for suite: String, isAvailable: Bool, otherwise reason: @autoclosure () -> String) -> Bool {
    if !isAvailable {
        FileHandle.standardError.write(Data("SKIPPED \(suite): \(reason())\n".utf8))
    }
    return isAvailable
}

/// Why a suite that reads `../shared/corpus` is skipped on a fresh clone.
let corpusAbsence = "no folder \(corpusFolder.path) (the workspace's real-world workflows; not part of the repository)"

/// The fixtures folder of this test target.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> String {
    try String(contentsOf: fixturesFolder.appendingPathComponent(name), encoding: .utf8)
}

/// A YAML tree written out without positions, leaving out every node that starts on one of `skipped` lines
/// (mapping entries by their key, sequence items by their first line) and marking scalars that span one:
/// what is left is the part of the document a change did not touch.
func canonicalTree(_ node: YAMLNode?, skipping skipped: Set<Int>) -> String {
    guard let node else { return "~" }
    switch node {
    case .scalar(let scalar):
        // A scalar is changed when any line it spans is (a block scalar's content starts below its `|`).
        let breaks = scalar.value.filter { $0 == "\n" }.count
        let isBlock = scalar.style == .literal || scalar.style == .folded
        let contentLines = breaks + (scalar.value.isEmpty || scalar.value.hasSuffix("\n") ? 0 : 1)
        let lines = scalar.start.line...(scalar.start.line + (isBlock ? contentLines : breaks))
        return lines.contains(where: skipped.contains) ? "<changed>" : "\"\(scalar.value)\""
    case .mapping(let mapping):
        let entries = mapping.entries.filter { !skipped.contains($0.key.start.line) }
        return "{" + entries.map { "\($0.key.value): \(canonicalTree($0.value, skipping: skipped))" }.joined(separator: ", ") + "}"
    case .sequence(let sequence):
        let items = sequence.items.filter { !skipped.contains($0.start.line) }
        return "[" + items.map { canonicalTree($0, skipping: skipped) }.joined(separator: ", ") + "]"
    }
}
