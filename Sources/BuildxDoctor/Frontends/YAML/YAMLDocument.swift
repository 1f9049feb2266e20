import CYaml

/// Parses a source file into a positioned `YAMLNode` tree, straight from libyaml's event stream.
///
/// Composing from events (yaml/libyaml `include/yaml.h`, `yaml_parser_parse`) rather than through Yams'
/// recursive `compose` gives one tree instead of two, no recursion however deep the document, and limits
/// that are ours to set: nesting depth and alias expansion (the "billion laughs" shape, which hardened
/// loaders such as go-yaml's `decode.go` also bound). Every position comes from libyaml's own marks, so
/// line numbers agree with the parser's even after a lone CR or a U+2028 (see `LineBreaks`).
public enum YAMLDocument {
    /// Collections nested deeper than this are refused; real CI files nest a dozen levels.
    public static let maximumDepth = 256

    /// The first document of the file, or `nil` when the file holds no document.
    public static func parse(_ file: SourceFile) throws(YAMLSyntaxError) -> YAMLNode? {
        let result: Result<YAMLNode?, YAMLSyntaxError> = file.bytes.withUnsafeBufferPointer { buffer in
            var composer = YAMLComposer(file: file, buffer: buffer)
            do throws(YAMLSyntaxError) {
                return .success(try composer.composeSingleDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// How many nodes a document may stand for once every alias is expanded: generous for any real file
    /// (each node takes at least two bytes of text), far below what an alias bomb asks for.
    static func maximumExpandedNodes(forFileOfSize size: Int) -> Int { 100_000 + 4 * size }
}

/// Builds the tree from libyaml events with an explicit stack of open collections.
private struct YAMLComposer {
    private let file: SourceFile
    private let buffer: UnsafeBufferPointer<UInt8>
    private var cursor: CharacterCursor
    private var stack: [OpenCollection] = []
    /// Anchored nodes and the number of nodes each stands for when expanded.
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private let maximumExpandedNodes: Int

    init(file: SourceFile, buffer: UnsafeBufferPointer<UInt8>) {
        self.file = file
        self.buffer = buffer
        self.cursor = CharacterCursor(buffer: buffer)
        self.maximumExpandedNodes = YAMLDocument.maximumExpandedNodes(forFileOfSize: buffer.count)
    }

    mutating func composeSingleDocument() throws(YAMLSyntaxError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(message: "out of memory", location: Location(line: 1, column: 1, offset: 0))
        }
        defer { yaml_parser_delete(&parser) }
        // libyaml wants a non-null pointer even for empty input.
        var empty: UInt8 = 0
        withUnsafePointer(to: &empty) { emptyPointer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? emptyPointer, buffer.count)
        }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        var root: YAMLNode?
        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw error(of: parser) }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw YAMLSyntaxError(
                        message: "expected a single document in the stream, but found another document",
                        location: location(event.start_mark))
                }
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let anchored = anchors[name] else {
                    throw YAMLSyntaxError(message: "found undefined alias '\(name)'", location: location(event.start_mark))
                }
                try add(anchored.node, size: anchored.size, at: event.start_mark, to: &root)
            case YAML_SCALAR_EVENT:
                let scalar = makeScalar(event)
                let node = YAMLNode.scalar(scalar)
                remember(node, size: 1, anchor: event.data.scalar.anchor)
                try add(node, size: 1, at: event.start_mark, to: &root)
            case YAML_SEQUENCE_START_EVENT:
                try checkDepth(at: event.start_mark)
                let data = event.data.sequence_start
                stack.append(
                    OpenCollection(
                        isMapping: false, start: location(event.start_mark), isFlow: data.style == YAML_FLOW_SEQUENCE_STYLE,
                        anchor: data.anchor.map { String(cString: $0) }, tag: data.tag.map { String(cString: $0) }))
            case YAML_MAPPING_START_EVENT:
                try checkDepth(at: event.start_mark)
                let data = event.data.mapping_start
                stack.append(
                    OpenCollection(
                        isMapping: true, start: location(event.start_mark),
                        isFlow: data.style == YAML_FLOW_MAPPING_STYLE, anchor: data.anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let collection = stack.popLast() else { continue }
                let node = collection.build(end: location(event.end_mark))
                if let anchor = collection.anchor { anchors[anchor] = (node, collection.size) }
                try add(node, size: collection.size, at: event.start_mark, to: &root)
            default:
                continue
            }
        }
    }

    private mutating func checkDepth(at mark: yaml_mark_t) throws(YAMLSyntaxError) {
        guard stack.count < YAMLDocument.maximumDepth else {
            throw YAMLSyntaxError(
                message: "collections nested more than \(YAMLDocument.maximumDepth) levels deep are not read",
                location: location(mark))
        }
    }

    /// Puts a finished node into the open collection (or makes it the root), counting what it expands to.
    private mutating func add(_ node: YAMLNode, size: Int, at mark: yaml_mark_t, to root: inout YAMLNode?) throws(YAMLSyntaxError) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        stack[stack.count - 1].append(node, size: size)
        guard stack[stack.count - 1].size <= maximumExpandedNodes else {
            throw YAMLSyntaxError(
                message: "aliases in this document expand to more than \(maximumExpandedNodes) nodes; it is not read",
                location: location(mark))
        }
    }

    private mutating func remember(_ node: YAMLNode, size: Int, anchor: UnsafeMutablePointer<yaml_char_t>?) {
        if let anchor { anchors[String(cString: anchor)] = (node, size) }
    }

    private mutating func makeScalar(_ event: yaml_event_t) -> YAMLScalar {
        let data = event.data.scalar
        let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
        let style: YAMLScalar.Style =
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
        return YAMLScalar(value: value, style: style, start: location(event.start_mark), end: location(event.end_mark))
    }

    /// libyaml's marks count lines and columns from 0 and characters (Unicode scalars) from the start.
    private mutating func location(_ mark: yaml_mark_t) -> Location {
        let offset = cursor.byteOffset(ofCharacter: Int(mark.index))
        // libyaml's stream-end mark stands on a line of its own past a file without a final line break:
        // a position is always one of the file's.
        guard Int(mark.line) < file.lineCount else { return file.location(ofByte: offset) }
        return Location(line: Int(mark.line) + 1, column: Int(mark.column) + 1, offset: offset)
    }

    private mutating func error(of parser: yaml_parser_t) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            let offset = min(Int(parser.problem_offset), buffer.count)
            return YAMLSyntaxError(message: problem, location: file.location(ofByte: offset))
        }
        var prefix = ""
        if let context = parser.context {
            let where_ = location(parser.context_mark)
            prefix = "\(String(cString: context)) at line \(where_.line), column \(where_.column): "
        }
        return YAMLSyntaxError(message: prefix + problem, location: location(parser.problem_mark))
    }
}

/// Turns libyaml's character indexes into UTF-8 byte offsets. Marks arrive almost in order, so a cursor
/// that walks from the last answer keeps the whole parse linear.
private struct CharacterCursor {
    let buffer: UnsafeBufferPointer<UInt8>
    private var character = 0
    private var byte = 0
    /// The bytes before the first non-ASCII one, where characters and bytes are one to one: nearly every
    /// CI file is ASCII throughout, and its marks need no walk at all.
    private let asciiPrefix: Int

    init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        var prefix = 0
        if let base = UnsafeRawPointer(buffer.baseAddress) {
            // Eight bytes at a time while none has its high bit set.
            while prefix + 8 <= buffer.count, base.loadUnaligned(fromByteOffset: prefix, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                prefix += 8
            }
        }
        while prefix < buffer.count, buffer[prefix] < 0x80 { prefix += 1 }
        asciiPrefix = prefix
    }

    mutating func byteOffset(ofCharacter target: Int) -> Int {
        if target <= asciiPrefix {
            character = target
            byte = target
            return target
        }
        while character < target, byte < buffer.count {
            byte += 1
            while byte < buffer.count, buffer[byte] & 0xC0 == 0x80 { byte += 1 }
            character += 1
        }
        while character > target, byte > 0 {
            byte -= 1
            while byte > 0, buffer[byte] & 0xC0 == 0x80 { byte -= 1 }
            character -= 1
        }
        return byte
    }
}

/// A collection being read: where it starts, its anchor, and how many nodes it stands for so far.
private struct OpenCollection {
    let start: Location
    let isFlow: Bool
    let anchor: String?
    let tag: String?
    /// A sequence's items so far; unused for a mapping.
    private var items: [YAMLNode] = []
    /// A mapping's entries so far; `nil` for a sequence.
    private var entries: MappingEntries?
    private(set) var size = 1

    init(isMapping: Bool, start: Location, isFlow: Bool, anchor: String?, tag: String? = nil) {
        self.entries = isMapping ? MappingEntries() : nil
        self.start = start
        self.isFlow = isFlow
        self.anchor = anchor
        self.tag = tag
    }

    mutating func append(_ node: YAMLNode, size: Int) {
        self.size += size
        if entries != nil {
            entries?.append(node)
        } else {
            items.append(node)
        }
    }

    func build(end: Location) -> YAMLNode {
        if let entries {
            return .mapping(YAMLMapping(entries: entries.effective, start: start, end: end, isFlow: isFlow))
        }
        return .sequence(YAMLSequence(items: items, start: start, end: end, isFlow: isFlow, tag: tag))
    }
}

/// A mapping's keys and values, which alternate in the event stream. `<<` merge keys
/// (yaml.org/type/merge.html) are applied at the end, so keys written in the mapping win wherever the
/// merge key stands, and earlier merge sources win over later ones.
private struct MappingEntries {
    private var written: [YAMLMapping.Entry] = []
    private var merged: [YAMLMapping.Entry] = []
    private var pendingKey: YAMLNode?

    mutating func append(_ node: YAMLNode) {
        guard let key = pendingKey else {
            pendingKey = node
            return
        }
        pendingKey = nil
        // Complex (collection) keys never occur in CI files; such entries are left out.
        guard case .scalar(let keyScalar) = key else { return }
        if keyScalar.value == "<<", keyScalar.style == .plain {
            switch node {
            case .mapping(let mapping): merged += mapping.entries
            case .sequence(let sequence): merged += sequence.items.compactMap(\.mapping).flatMap(\.entries)
            case .scalar: break
            }
        } else {
            written.append(YAMLMapping.Entry(key: keyScalar, value: node))
        }
    }

    var effective: [YAMLMapping.Entry] {
        guard !merged.isEmpty else { return written }
        var all = written
        var present = Set(written.map(\.key.value))
        for entry in merged where present.insert(entry.key.value).inserted { all.append(entry) }
        return all
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

    public var description: String { message }
}
