import Yams

/// Parses a source file into a positioned `YAMLNode` tree.
public enum YAMLDocument {
    /// The first document of the file, or `nil` when the file holds no document.
    public static func parse(_ file: SourceFile) throws(YAMLSyntaxError) -> YAMLNode? {
        let composed: Node?
        do {
            // The basic resolver tags nothing: values stay strings, which is all a linter needs, and the
            // default resolver's regular expressions would cost more than the parse itself.
            composed = try Yams.compose(yaml: file.text, .basic)
        } catch let error as YamlError {
            throw YAMLSyntaxError(error, in: file)
        } catch {
            throw YAMLSyntaxError(message: "\(error)", location: file.location(ofByte: 0))
        }
        return composed.map { convert($0, in: file) }
    }

    private static func convert(_ node: Node, in file: SourceFile) -> YAMLNode {
        let start = node.mark.map { file.location(line: $0.line, column: $0.column) } ?? file.location(ofByte: 0)
        switch node {
        case .scalar(let scalar):
            return .scalar(convert(scalar, in: file))
        case .sequence(let sequence):
            return .sequence(YAMLSequence(items: sequence.map { convert($0, in: file) }, start: start))
        case .mapping(let mapping):
            var entries: [YAMLMapping.Entry] = []
            var merged: [YAMLMapping.Entry] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { continue }
                if keyScalar.string == "<<", keyScalar.style == .plain {
                    merged += mergeSources(value).flatMap { convert($0, in: file).mapping?.entries ?? [] }
                } else {
                    entries.append(.init(key: convert(keyScalar, in: file), value: convert(value, in: file)))
                }
            }
            // Keys written in the mapping win over merged ones; earlier merge sources win over later ones.
            var present = Set(entries.map(\.key.value))
            for entry in merged where present.insert(entry.key.value).inserted {
                entries.append(entry)
            }
            return .mapping(YAMLMapping(entries: entries, start: start))
        }
    }

    private static func mergeSources(_ value: Node) -> [Node] {
        switch value {
        case .mapping: [value]
        case .sequence(let sequence): sequence.filter { $0.mapping != nil }
        case .scalar: []
        }
    }

    private static func convert(_ scalar: Node.Scalar, in file: SourceFile) -> YAMLScalar {
        let start = scalar.mark.map { file.location(line: $0.line, column: $0.column) } ?? file.location(ofByte: 0)
        let style: YAMLScalar.Style =
            switch scalar.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal: .literal
            case .folded: .folded
            default: .plain
            }
        return YAMLScalar(value: scalar.string, style: style, start: start)
    }
}

/// Invalid YAML, with libyaml's description and position.
public struct YAMLSyntaxError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let location: Location

    init(message: String, location: Location) {
        self.message = message
        self.location = location
    }

    init(_ error: YamlError, in file: SourceFile) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) at line \($0.mark.line), column \($0.mark.column): " } ?? ""
            self.init(message: prefix + problem, location: file.location(line: mark.line, column: mark.column))
        case .reader(let problem, let offset, _, _):
            self.init(message: problem, location: file.location(ofByte: offset ?? 0))
        default:
            self.init(message: "\(error)", location: file.location(ofByte: 0))
        }
    }

    public var description: String { message }
}
