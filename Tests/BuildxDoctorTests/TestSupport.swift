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

/// `../shared` beside the package (the reference material and the corpus).
let sharedFolder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

/// The fixtures folder of this test target.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> String {
    try String(contentsOf: fixturesFolder.appendingPathComponent(name), encoding: .utf8)
}
