/// Evaluates the expressions of bake files to `BakeValue`s as buildx does while decoding them
/// (docker/buildx `bake/hclparser/hclparser.go`): `variable` blocks (their `default`, overridden by an
/// environment variable of the same name parsed to the default's type), top-level attributes, user
/// `function` blocks and the built-in functions (`bake/hclparser/stdlib.go`), all shared by every file
/// read together. What the files alone do not decide is `unknown`, never guessed.
struct HCLEvaluator {
    /// A name every file can use.
    enum Global {
        case variable(VariableDefinition)
        /// A top-level `name = value`.
        case attribute(HCLAttribute)
    }

    /// A `variable` block: its `default` and `type` (nil when absent), its `validation` blocks, where its
    /// body starts (where buildx reports a bad environment value) and its label.
    struct VariableDefinition {
        let defaultValue: HCLExpression?
        let type: HCLExpression?
        let validations: [(condition: HCLExpression, message: HCLExpression)]
        let bodyStart: SourceRange
        let label: SourceRange
    }

    struct UserFunction {
        let parameters: [String]
        let variadic: String?
        let result: HCLExpression
        let label: SourceRange
    }

    typealias Scope = [String: BakeValue]

    /// Names bake defines itself (`bake/bake.go` `defaultVars`'s built-ins); their values depend on where
    /// bake runs.
    static let builtInVariables: Set<String> = ["BAKE_CMD_CONTEXT", "BAKE_LOCAL_PLATFORM"]

    /// Evaluation steps allowed for all files together; past it values are unknown (a file that doubles
    /// a list through 40 variables must not run for ever).
    static let maximumSteps = 5_000_000
    /// Nested variable resolutions and function calls followed.
    static let maximumResolutionDepth = 128

    let tables: [SpanTable]
    let environment: BakeEnvironment
    var globals: [String: Global] = [:]
    var globalOrder: [String] = []
    var functions: [String: UserFunction] = [:]
    /// `target` blocks by label, for `target.NAME.ATTRIBUTE` references.
    var targetBlocks: [String: [HCLBlock]] = [:]
    var problems: [[BakeProblem]]
    private var resolved: [String: BakeValue] = [:]
    private var inProgress: [String] = []
    private var steps = 0
    private var exhausted = false
    private var resolutionDepth = 0

    init(tables: [SpanTable], environment: BakeEnvironment) {
        self.tables = tables
        self.environment = environment
        self.problems = Array(repeating: [], count: tables.count)
    }

    func span(_ range: SourceRange) -> Span { tables[range.file].span(range.bytes) }

    mutating func report(_ message: String, _ range: SourceRange) {
        let problem = BakeProblem(message: message, span: span(range))
        if problems[range.file].last != problem { problems[range.file].append(problem) }
    }

    /// Problems of each file, each once, in the order found.
    func uniqueProblems() -> [[BakeProblem]] {
        struct Key: Hashable {
            let message: String
            let span: Span
        }
        return problems.map { list in
            var seen: Set<Key> = []
            return list.filter { seen.insert(Key(message: $0.message, span: $0.span)).inserted }
        }
    }

    private func unknown(_ reason: String, _ range: SourceRange) -> BakeValue { .unknown(reason, span(range)) }

    /// Reports a problem at `problem` and gives an unknown value for the expression at `range`.
    private mutating func failed(_ message: String, at problem: SourceRange, _ reason: String, _ range: SourceRange) -> BakeValue {
        report(message, problem)
        return unknown(reason, range)
    }

    // MARK: - Globals

    /// The value of a variable or top-level attribute, resolved once.
    mutating func resolveGlobal(_ name: String, at reference: SourceRange) -> BakeValue {
        if let value = resolved[name] { return value }
        guard let global = globals[name] else { return unknown("no variable \(name)", reference) }
        let label: SourceRange
        switch global {
        case .variable(let variable): label = variable.label
        case .attribute(let attribute): label = attribute.nameRange
        }
        let value = guarded(name, kind: "variable", label: label, reference: reference) { evaluator in
            switch global {
            case .attribute(let attribute):
                evaluator.evaluate(attribute.expression, [:])
            case .variable(let variable):
                evaluator.variableValue(name, variable)
            }
        }
        if resolved[name] == nil { resolved[name] = value }
        return resolved[name]!
    }

    /// Computes a named value with cycle detection (naming the cycle's members, as buildx names the
    /// first) and a bound on nesting.
    private mutating func guarded(
        _ name: String, kind: String, label: SourceRange, reference: SourceRange, _ compute: (inout HCLEvaluator) -> BakeValue
    ) -> BakeValue {
        if let index = inProgress.firstIndex(of: name) {
            let members = inProgress[index...] + [name]
            return failed("\(kind) cycle not allowed for \(name): \(members.joined(separator: " → "))", at: label, "a cycle (\(members.joined(separator: ", ")))", reference)
        }
        guard resolutionDepth < Self.maximumResolutionDepth else {
            return failed("Too many nested references: more than \(Self.maximumResolutionDepth) names refer one to the next", at: reference, "too many nested references", reference)
        }
        resolutionDepth += 1
        inProgress.append(name)
        let value = compute(&self)
        inProgress.removeLast()
        resolutionDepth -= 1
        return value
    }

    /// `resolveValue` in buildx: the default, or the environment's value parsed to the default's type;
    /// without a default, the environment's value or an empty string.
    private mutating func variableValue(_ name: String, _ variable: VariableDefinition) -> BakeValue {
        let (defaultValue, bodyStart, label) = (variable.defaultValue, variable.bodyStart, variable.label)
        let set = environment.variables[name]
        if let type = variable.type {
            return typedVariableValue(name, variable, type: type, set: set)
        }
        guard let defaultValue else {
            switch set {
            case .known(let text)?: return .string(BakeString(text: text, span: span(label), isVerbatim: false))
            case .unknown(let reason)?: return unknown(reason, label)
            case nil: return .string(BakeString(text: "", span: span(bodyStart), isVerbatim: false))
            }
        }
        let value = evaluate(defaultValue, [:])
        guard let set else { return value }
        let where_ = span(defaultValue.range)
        switch value {
        case .list:
            report("unsupported type tuple for variable \(name)", bodyStart)
            return unknown("variable \(name) set in the environment to a list, which bake refuses", defaultValue.range)
        case .object:
            report("unsupported type object for variable \(name)", bodyStart)
            return unknown("variable \(name) set in the environment to an object, which bake refuses", defaultValue.range)
        case .unknown(let reason, _):
            return .unknown(reason, where_)
        default:
            break
        }
        guard case .known(let text) = set else {
            if case .unknown(let reason) = set { return .unknown(reason, where_) }
            return value
        }
        return parseEnvironmentValue(name, text, like: value, bodyStart: bodyStart, place: defaultValue.range)
    }

    /// An environment value parsed as buildx parses it for a variable whose value is like `prototype`:
    /// `strconv.ParseBool` for a bool, `strconv.ParseFloat` for a number, as is for anything else.
    private mutating func parseEnvironmentValue(_ name: String, _ text: String, like prototype: BakeValue, bodyStart: SourceRange, place: SourceRange) -> BakeValue {
        let where_ = span(place)
        switch prototype {
        case .bool:
            switch text {
            case "1", "t", "T", "TRUE", "true", "True": return .bool(true, where_)
            case "0", "f", "F", "FALSE", "false", "False": return .bool(false, where_)
            default:
                return failed("failed to parse \(name) as bool: strconv.ParseBool: parsing \"\(text)\": invalid syntax", at: bodyStart, "variable \(name) is not a bool", place)
            }
        case .number:
            if Self.isDecimal(text), let double = Double(text) {
                guard double.isFinite else {
                    return failed("failed to parse \(name) as number: strconv.ParseFloat: parsing \"\(text)\": value out of range", at: bodyStart, "variable \(name) is not a number", place)
                }
                // buildx parses into a float64 first: the value is the shortest text of that double.
                if let canonical = BakeNumber.canonical("\(double)") { return .number(canonical, where_) }
                return unknown("the number \(text) from the environment", place)
            }
            let lowered = text.lowercased()
            if lowered.contains("0x") { return unknown("the number \(text) from the environment", place) }
            if lowered.hasPrefix("inf") || lowered.hasPrefix("+inf") || lowered.hasPrefix("-inf") || lowered == "nan" {
                return failed("failed to parse \(name) as number: invalid number value", at: bodyStart, "variable \(name) is not a number", place)
            }
            return failed("failed to parse \(name) as number: strconv.ParseFloat: parsing \"\(text)\": invalid syntax", at: bodyStart, "variable \(name) is not a number", place)
        default:
            return .string(BakeString(text: text, span: where_, isVerbatim: false))
        }
    }

    /// A variable's `validation` blocks (buildx `validateVariables`): a condition known to be false fails
    /// bake with the block's message.
    mutating func validate(_ variable: VariableDefinition) {
        for validation in variable.validations {
            guard case .bool(false, _) = evaluate(validation.condition, [:]) else { continue }
            let message = knownString(evaluate(validation.message, [:])) ?? "(a message only the run decides)"
            report("Validation failed: \(message)", validation.condition.range)
        }
    }

    /// A variable with a `type` (buildx 0.24 and later, `docs/bake-reference.md` "Variable typing"): an
    /// environment value is parsed by the type, not by the default; without either the value is null.
    /// Only primitive types and a comma-separated `list(string)` without quotes are read here; other
    /// overrides (CSV with quotes, `NAME_JSON`, maps, objects) are unknown.
    private mutating func typedVariableValue(_ name: String, _ variable: VariableDefinition, type: HCLExpression, set: Value<String>?) -> BakeValue {
        let typeName: String
        switch type {
        case .variable(let keyword, _): typeName = keyword
        case .call(let constructor, _, let arguments, false, _) where arguments.count == 1:
            if case .variable(let element, _) = arguments[0] { typeName = "\(constructor)(\(element))" } else { typeName = "complex" }
        default: typeName = "complex"
        }
        let place = variable.defaultValue?.range ?? variable.label
        if environment.variables[name + "_JSON"] != nil {
            return unknown("variable \(name) set by \(name)_JSON, read as JSON", place)
        }
        guard let set else {
            guard let defaultValue = variable.defaultValue else { return .null(span(variable.label)) }
            return evaluate(defaultValue, [:])
        }
        guard case .known(let text) = set else {
            if case .unknown(let reason) = set { return unknown(reason, place) }
            return unknown("variable \(name)", place)
        }
        let prototype: BakeValue
        switch typeName {
        case "string": return .string(BakeString(text: text, span: span(place), isVerbatim: false))
        case "bool": prototype = .bool(false, span(place))
        case "number": prototype = .number("0", span(place))
        case "list(string)":
            guard !text.isEmpty, !text.contains("\""), !text.contains("\n"), !text.contains("\r") else {
                return unknown("variable \(name) read from CSV with quotes or line breaks", place)
            }
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
                BakeValue.string(BakeString(text: String($0), span: span(place), isVerbatim: false))
            }
            return .list(items, span(place))
        default:
            return unknown("variable \(name) of type \(typeName) read from the environment", place)
        }
        return parseEnvironmentValue(name, text, like: prototype, bodyStart: variable.bodyStart, place: place)
    }

    /// Go `strconv.ParseFloat`'s decimal form: sign, digits with an optional point, optional exponent.
    static func isDecimal(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digits = 0
        var point = false
        while let byte = bytes.first, (byte >= 0x30 && byte <= 0x39) || (byte == 0x2E && !point) {
            if byte == 0x2E { point = true } else { digits += 1 }
            bytes = bytes.dropFirst()
        }
        guard digits > 0 else { return false }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard !bytes.isEmpty else { return false }
            return bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        return bytes.isEmpty
    }

    // MARK: - Target references

    private var targetAttributes: [String: BakeValue] = [:]

    /// `target.NAME.ATTRIBUTE`: the attribute of the one plain (matrix-less) target of that name.
    mutating func targetAttribute(_ name: String, _ attribute: String, at reference: SourceRange) -> BakeValue {
        let key = "target.\(name).\(attribute)"
        guard let blocks = targetBlocks[name], blocks.count == 1, let block = blocks.first,
            !block.body.attributes.contains(where: { $0.name == "matrix" })
        else {
            if targetBlocks[name] == nil {
                return unknown("\(key): no target \(name) in these files", reference)
            }
            return unknown("\(key): target \(name) is defined more than once or by a matrix", reference)
        }
        guard let definition = block.body.attributes.last(where: { $0.name == attribute }) else {
            return unknown("\(key) is not set in the files", reference)
        }
        return evaluateTargetAttribute(definition, of: block, at: reference)
    }

    /// An attribute of a plain target, evaluated once whether it is referenced or printed.
    mutating func evaluateTargetAttribute(_ definition: HCLAttribute, of block: HCLBlock, at reference: SourceRange) -> BakeValue {
        let key = "target.\(block.labels.first?.text ?? "").\(definition.name)"
        // Blocks of the same name (in several files) each keep their own values.
        let cacheKey = "\(block.typeRange.file):\(block.typeRange.bytes.lowerBound):\(definition.name)"
        if let value = targetAttributes[cacheKey] { return value }
        let value = guarded(key, kind: "reference", label: definition.nameRange, reference: reference) { evaluator in
            evaluator.evaluate(definition.expression, [:])
        }
        if targetAttributes[cacheKey] == nil { targetAttributes[cacheKey] = value }
        return targetAttributes[cacheKey]!
    }

    // MARK: - Expressions

    private mutating func step(_ cost: Int = 1) -> Bool {
        steps += cost
        return steps <= Self.maximumSteps
    }

    private mutating func exhaustedValue(_ range: SourceRange) -> BakeValue {
        if !exhausted {
            exhausted = true
            report("Evaluation too large: more than \(Self.maximumSteps) steps; the rest is not evaluated", range)
        }
        return unknown("evaluation too large", range)
    }

    mutating func evaluate(_ expression: HCLExpression, _ scope: Scope) -> BakeValue {
        guard step() else { return exhaustedValue(expression.range) }
        switch expression {
        case .number(let text, let range):
            return .number(text, span(range))
        case .bool(let value, let range):
            return .bool(value, span(range))
        case .null(let range):
            return .null(span(range))
        case .template(let template):
            return evaluateTemplate(template, scope)
        case .variable(let name, let range):
            return lookup(name, range, scope)
        case .tuple(let elements, let range):
            guard step(elements.count) else { return exhaustedValue(range) }
            return .list(elements.map { evaluate($0, scope) }, span(range))
        case .object(let items, let range):
            var entries: [(key: String, value: BakeValue)] = []
            var positions: [String: Int] = [:]
            for item in items {
                let key: String
                switch item.key {
                case .identifier(let name, _):
                    key = name
                case .expression(let keyExpression):
                    let keyValue = evaluate(keyExpression, scope)
                    guard let text = knownString(keyValue) else {
                        if case .unknown = keyValue { return unknown("an object key only the run decides", range) }
                        return failed("Incorrect key type: can't use this value as a key: string required", at: keyExpression.range, "an invalid object key", range)
                    }
                    key = text
                }
                let value = evaluate(item.value, scope)
                if let existing = positions[key] {
                    entries[existing] = (key, value)
                } else {
                    positions[key] = entries.count
                    entries.append((key, value))
                }
            }
            return .object(entries, span(range))
        case .call(let name, let nameRange, let arguments, let expandsLast, let range):
            return call(name, nameRange: nameRange, arguments: arguments, expandsLast: expandsLast, range: range, scope)
        case .index(let base, let index, let range):
            let collection = evaluate(base, scope)
            let key = evaluate(index, scope)
            return self.index(collection, key, range: range, indexRange: index.range)
        case .attribute(let base, let name, let range):
            if case .attribute(.variable(let root, _), let blockName, _) = base, root == "target", scope[root] == nil {
                return targetAttribute(blockName, name, at: range)
            }
            if case .variable(let root, _) = base, root == "target" || root == "group", scope[root] == nil {
                return unknown("\(root).\(name) as a whole", range)
            }
            let value = evaluate(base, scope)
            return attribute(value, name, range: range)
        case .splat(let base, let steps, let range):
            let value = evaluate(base, scope)
            let elements: [BakeValue]
            switch value {
            case .unknown: return value
            case .null: return .list([], span(range))
            case .list(let items, _): elements = items
            default: elements = [value]
            }
            var results: [BakeValue] = []
            for element in elements {
                var current = element
                for step in steps {
                    switch step {
                    case .attribute(let name, let stepRange): current = attribute(current, name, range: stepRange)
                    case .index(let indexExpression):
                        current = index(current, evaluate(indexExpression, scope), range: range, indexRange: indexExpression.range)
                    }
                }
                results.append(current)
            }
            return .list(results, span(range))
        case .not(let operand, let range):
            switch evaluate(operand, scope) {
            case .bool(let value, _): return .bool(!value, span(range))
            case .unknown(let reason, _): return unknown(reason, range)
            default:
                return failed("Invalid operand: unsuitable value for unary operand: bool required", at: operand.range, "an invalid operand", range)
            }
        case .negate(let operand, let range):
            switch evaluate(operand, scope) {
            case .number(let text, _):
                guard let canonical = BakeNumber.canonical(text) else { return unknown("a number too large", range) }
                if canonical == "0" { return .number("0", span(range)) }
                return .number(canonical.hasPrefix("-") ? String(canonical.dropFirst()) : "-" + canonical, span(range))
            case .unknown(let reason, _): return unknown(reason, range)
            default:
                return unknown("a negated value that is not a number", range)
            }
        case .binary(let op, let left, let right, let range):
            return binary(op, left, right, range: range, scope)
        case .conditional(let condition, let whenTrue, let whenFalse, let range):
            switch evaluate(condition, scope) {
            case .bool(let value, _): return evaluate(value ? whenTrue : whenFalse, scope)
            case .string(let string) where string.isKnown && (string.text == "true" || string.text == "false"):
                return evaluate(string.text == "true" ? whenTrue : whenFalse, scope)
            case .unknown(let reason, _): return unknown(reason, range)
            default:
                return failed("Incorrect condition type: the condition expression must be of type bool", at: condition.range, "an invalid condition", range)
            }
        case .forTuple(let clause, let valueExpression, let condition, let range):
            let pairs: [Scope]
            switch keptScopes(clause, condition, scope, range: range) {
            case .success(let kept): pairs = kept
            case .failure(let failure): return failure.value
            }
            var results: [BakeValue] = []
            for inner in pairs {
                results.append(evaluate(valueExpression, inner))
            }
            return .list(results, span(range))
        case .forObject(let clause, let keyExpression, let valueExpression, let grouped, let condition, let range):
            let pairs: [Scope]
            switch keptScopes(clause, condition, scope, range: range) {
            case .success(let kept): pairs = kept
            case .failure(let failure): return failure.value
            }
            var entries: [(key: String, value: BakeValue)] = []
            var positions: [String: Int] = [:]
            for inner in pairs {
                let keyValue = evaluate(keyExpression, inner)
                guard let key = knownString(keyValue) else { return unknown("an object key only the run decides", range) }
                let value = evaluate(valueExpression, inner)
                if grouped {
                    if let existing = positions[key], case .list(var items, let listSpan) = entries[existing].value {
                        items.append(value)
                        entries[existing] = (key, .list(items, listSpan))
                    } else {
                        positions[key] = entries.count
                        entries.append((key, .list([value], span(valueExpression.range))))
                    }
                } else {
                    if positions[key] != nil {
                        return failed("Duplicate object key: two different items produced the key \"\(key)\" in this 'for' expression", at: keyExpression.range, "a for expression with duplicate keys", range)
                    }
                    positions[key] = entries.count
                    entries.append((key, value))
                }
            }
            return .object(entries.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }, span(range))
        case .parenthesized(let inner, _):
            return evaluate(inner, scope)
        case .invalid(let range):
            return unknown("a syntax error", range)
        }
    }

    private struct Stop: Error {
        let value: BakeValue
    }

    /// The scopes of a `for` expression's iterations that its `if` keeps; the value to give instead when
    /// the collection or a condition is not known.
    private mutating func keptScopes(_ clause: HCLForClause, _ condition: HCLExpression?, _ scope: Scope, range: SourceRange) -> Result<[Scope], Stop> {
        guard let scopes = iterate(clause, scope, range: range) else {
            return .failure(Stop(value: unknown("a for expression over a collection only the run decides", range)))
        }
        guard let condition else { return .success(scopes) }
        var kept: [Scope] = []
        for inner in scopes {
            guard step() else { return .failure(Stop(value: exhaustedValue(range))) }
            switch evaluate(condition, inner) {
            case .bool(let keep, _): if keep { kept.append(inner) }
            case .unknown(let reason, _): return .failure(Stop(value: unknown(reason, range)))
            default:
                return .failure(Stop(value: failed("Invalid 'for' condition: the 'if' clause value must be of type bool", at: condition.range, "an invalid for condition", range)))
            }
        }
        return .success(kept)
    }

    /// The scopes of a `for`'s iterations, or nil when the collection is not known.
    private mutating func iterate(_ clause: HCLForClause, _ scope: Scope, range: SourceRange) -> [Scope]? {
        let collection = evaluate(clause.collection, scope)
        var result: [Scope] = []
        switch collection {
        case .list(let items, let listSpan):
            for (index, item) in items.enumerated() {
                var inner = scope
                if let key = clause.keyName { inner[key] = .number(String(index), listSpan) }
                inner[clause.valueName] = item
                result.append(inner)
            }
        case .object(let entries, let objectSpan):
            // cty iterates an object's attributes in name order.
            for entry in entries.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
                var inner = scope
                if let key = clause.keyName { inner[key] = .string(BakeString(text: entry.key, span: objectSpan, isVerbatim: false)) }
                inner[clause.valueName] = entry.value
                result.append(inner)
            }
        case .unknown:
            return nil
        default:
            report("Iteration over non-iterable value: a value of this type cannot be iterated", clause.collection.range)
            return nil
        }
        return result
    }

    private mutating func lookup(_ name: String, _ range: SourceRange, _ scope: Scope) -> BakeValue {
        if let value = scope[name] { return value }
        if Self.builtInVariables.contains(name) { return unknown("\(name), which bake sets where it runs", range) }
        if globals[name] != nil { return resolveGlobal(name, at: range) }
        if name == "target" || name == "group" {
            return failed("Invalid expression: cannot access \(name) as a variable", at: range, "\(name) as a whole", range)
        }
        return failed("Unknown variable: There is no variable named \"\(name)\".", at: range, "the undefined variable \(name)", range)
    }

    mutating func index(_ collection: BakeValue, _ key: BakeValue, range: SourceRange, indexRange: SourceRange) -> BakeValue {
        switch (collection, key) {
        case (.unknown(let reason, _), _), (_, .unknown(let reason, _)):
            return unknown(reason, range)
        case (.list(let items, _), _):
            guard let text = knownString(key), let canonical = BakeNumber.canonical(text), let position = Int(canonical) else {
                return failed("Invalid index: the given key does not identify an element in this collection value: a number is required", at: indexRange, "an invalid index", range)
            }
            guard position >= 0, position < items.count else {
                return failed("Invalid index: the given key does not identify an element in this collection value", at: indexRange, "an index out of range", range)
            }
            return items[position]
        case (.object(let entries, _), _):
            guard let text = knownString(key) else {
                return failed("Invalid index: the given key does not identify an element in this collection value: string required", at: indexRange, "an invalid index", range)
            }
            guard let entry = entries.last(where: { $0.key == text }) else {
                return failed("Invalid index: the given key does not identify an element in this collection value", at: indexRange, "a missing key", range)
            }
            return entry.value
        default:
            return failed("Invalid index: this value does not have any indices", at: indexRange, "an invalid index", range)
        }
    }

    mutating func attribute(_ value: BakeValue, _ name: String, range: SourceRange) -> BakeValue {
        switch value {
        case .unknown(let reason, _): return unknown(reason, range)
        case .object(let entries, _):
            guard let entry = entries.last(where: { $0.key == name }) else {
                return failed("Unsupported attribute: This object does not have an attribute named \"\(name)\".", at: range, "a missing attribute", range)
            }
            return entry.value
        default:
            return failed("Unsupported attribute: This value does not have any attributes.", at: range, "a missing attribute", range)
        }
    }

    // MARK: - Operators

    private mutating func binary(_ op: HCLBinaryOperator, _ leftExpression: HCLExpression, _ rightExpression: HCLExpression, range: SourceRange, _ scope: Scope) -> BakeValue {
        let left = evaluate(leftExpression, scope)
        if op == .and || op == .or {
            // A known side that decides the result decides it whatever the other side is.
            if case .bool(let value, _) = left, value == (op == .or) { return .bool(value, span(range)) }
            let right = evaluate(rightExpression, scope)
            if case .bool(let value, _) = right, value == (op == .or), case .unknown = left { return .bool(value, span(range)) }
            switch (left, right) {
            case (.bool(let a, _), .bool(let b, _)): return .bool(op == .or ? a || b : a && b, span(range))
            case (.unknown(let reason, _), _), (_, .unknown(let reason, _)): return unknown(reason, range)
            default:
                return failed("Invalid operand: unsuitable value for \(op.rawValue) operand: bool required", at: range, "an invalid operand", range)
            }
        }
        let right = evaluate(rightExpression, scope)
        if case .unknown(let reason, _) = left { return unknown(reason, range) }
        if case .unknown(let reason, _) = right { return unknown(reason, range) }
        switch op {
        case .equal, .notEqual:
            guard let same = Self.equal(left, right) else { return unknown("a comparison of values only the run decides", range) }
            return .bool(op == .equal ? same : !same, span(range))
        default:
            guard let a = integerOperand(left), let b = integerOperand(right) else {
                if numberOperand(left) == nil || numberOperand(right) == nil {
                    if case .string = left {} else if case .string = right {} else {
                        return failed("Invalid operand: unsuitable value for \(op.rawValue) operand: number required", at: range, "an invalid operand", range)
                    }
                }
                return unknown("arithmetic on values that are not whole numbers", range)
            }
            let result: Int?
            switch op {
            case .add: result = a.addingReportingOverflow(b).overflow ? nil : a + b
            case .subtract: result = a.subtractingReportingOverflow(b).overflow ? nil : a - b
            case .multiply: result = a.multipliedReportingOverflow(by: b).overflow ? nil : a * b
            case .divide:
                if b == 0 {
                    return failed("Division by zero", at: range, "a division by zero", range)
                }
                result = a % b == 0 ? a / b : nil
            case .modulo:
                if b == 0 {
                    return failed("Zero modulus", at: range, "a modulo by zero", range)
                }
                result = a % b
            case .less: return .bool(a < b, span(range))
            case .lessOrEqual: return .bool(a <= b, span(range))
            case .greater: return .bool(a > b, span(range))
            case .greaterOrEqual: return .bool(a >= b, span(range))
            default: result = nil
            }
            guard let result else { return unknown("arithmetic whose result is not a whole number that fits", range) }
            return .number(String(result), span(range))
        }
    }

    private func numberOperand(_ value: BakeValue) -> String? {
        if case .number(let text, _) = value { return BakeNumber.canonical(text) }
        return nil
    }

    /// A whole-number operand: a number, or a string cty would convert to one.
    private func integerOperand(_ value: BakeValue) -> Int? {
        switch value {
        case .number(let text, _): return BakeNumber.canonical(text).flatMap { Int($0) }
        case .string(let string) where string.isKnown:
            guard Self.isPlainInteger(string.text) else { return nil }
            return BakeNumber.canonical(string.text).flatMap { Int($0) }
        default: return nil
        }
    }

    private static func isPlainInteger(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.count < 18 && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// cty equality: values of different types are unequal; nil when unknown parts decide it.
    static func equal(_ left: BakeValue, _ right: BakeValue) -> Bool? {
        switch (left, right) {
        case (.unknown, _), (_, .unknown): return nil
        case (.string(let a), .string(let b)):
            guard a.isKnown, b.isKnown else { return nil }
            return Array(a.text.utf8) == Array(b.text.utf8)
        case (.number(let a, _), .number(let b, _)):
            guard let x = BakeNumber.canonical(a), let y = BakeNumber.canonical(b) else { return nil }
            return x == y
        case (.bool(let a, _), .bool(let b, _)): return a == b
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.list(let a, _), .list(let b, _)):
            guard a.count == b.count else { return false }
            var result = true
            for (x, y) in zip(a, b) {
                guard let same = equal(x, y) else { return nil }
                if !same { result = false }
            }
            return result
        case (.object(let a, _), .object(let b, _)):
            let others = Dictionary(b.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            guard Set(a.map(\.key)) == Set(others.keys), a.count == b.count else { return false }
            var result = true
            for entry in a {
                guard let other = others[entry.key], let same = equal(entry.value, other) else { return nil }
                if !same { result = false }
            }
            return result
        default:
            return false
        }
    }

    /// The text of a fully known string, number (as cty writes it) or bool.
    func knownString(_ value: BakeValue) -> String? {
        switch value {
        case .string(let string): string.isKnown ? string.text : nil
        case .number(let text, _): BakeNumber.canonical(text)
        case .bool(let value, _): value ? "true" : "false"
        default: nil
        }
    }

    // MARK: - Templates

    mutating func evaluateTemplate(_ template: HCLTemplate, _ scope: Scope) -> BakeValue {
        if template.parts.count == 1, case .interpolation(let expression, _) = template.parts[0] {
            // hclsyntax `TemplateWrapExpr`: "${x}" is x itself, of whatever type.
            return evaluate(expression, scope)
        }
        var text: [UInt8] = []
        var unknownParts: [Range<Int>] = []
        appendParts(template.parts, scope, &text, &unknownParts)
        return .string(
            BakeString(
                text: String(decoding: text, as: UTF8.self), unknownParts: unknownParts, span: span(template.content),
                isVerbatim: template.isVerbatim && unknownParts.isEmpty))
    }

    private mutating func appendPlaceholder(_ range: SourceRange, _ text: inout [UInt8], _ unknownParts: inout [Range<Int>]) {
        let length = max(1, min(range.bytes.count, 64))
        let start = text.count
        text.append(contentsOf: repeatElement(MaskedText.placeholder, count: length))
        if let last = unknownParts.last, last.upperBound == start {
            unknownParts[unknownParts.count - 1] = last.lowerBound..<text.count
        } else {
            unknownParts.append(start..<text.count)
        }
    }

    private mutating func appendParts(_ parts: [HCLTemplatePart], _ scope: Scope, _ text: inout [UInt8], _ unknownParts: inout [Range<Int>]) {
        for part in parts {
            guard step() else {
                _ = exhaustedValue(SourceRange(file: 0, 0..<0))
                return
            }
            switch part {
            case .literal(let bytes, _):
                text.append(contentsOf: bytes)
                _ = step(bytes.count / 64)
            case .interpolation(let expression, let range):
                append(evaluate(expression, scope), range, &text, &unknownParts)
            case .conditional(let condition, let thenParts, let elseParts, let range):
                switch evaluate(condition, scope) {
                case .bool(let value, _): appendParts(value ? thenParts : elseParts, scope, &text, &unknownParts)
                case .string(let string) where string.isKnown && (string.text == "true" || string.text == "false"):
                    appendParts(string.text == "true" ? thenParts : elseParts, scope, &text, &unknownParts)
                case .unknown: appendPlaceholder(range, &text, &unknownParts)
                default:
                    report("Invalid 'if' directive condition: the condition must be of type bool", condition.range)
                    appendPlaceholder(range, &text, &unknownParts)
                }
            case .loop(let clause, let body, let range):
                guard let scopes = iterate(clause, scope, range: range) else {
                    appendPlaceholder(range, &text, &unknownParts)
                    continue
                }
                for inner in scopes { appendParts(body, inner, &text, &unknownParts) }
            }
            if text.count > 16 << 20 {
                _ = exhaustedValue(SourceRange(file: 0, 0..<0))
                return
            }
        }
    }

    private mutating func append(_ value: BakeValue, _ range: SourceRange, _ text: inout [UInt8], _ unknownParts: inout [Range<Int>]) {
        switch value {
        case .string(let string):
            let base = text.count
            for part in string.unknownParts {
                let shifted = (part.lowerBound + base)..<(part.upperBound + base)
                if let last = unknownParts.last, last.upperBound == shifted.lowerBound {
                    unknownParts[unknownParts.count - 1] = last.lowerBound..<shifted.upperBound
                } else {
                    unknownParts.append(shifted)
                }
            }
            text.append(contentsOf: string.text.utf8)
        case .number(let number, _):
            if let canonical = BakeNumber.canonical(number) { text.append(contentsOf: canonical.utf8) } else { appendPlaceholder(range, &text, &unknownParts) }
        case .bool(let bool, _):
            text.append(contentsOf: (bool ? "true" : "false").utf8)
        case .null:
            report("Invalid template interpolation value: The expression result is null. Cannot include a null value in a string template.", range)
            appendPlaceholder(range, &text, &unknownParts)
        case .list, .object:
            report("Invalid template interpolation value: Cannot include the given value in a string template: string required.", range)
            appendPlaceholder(range, &text, &unknownParts)
        case .unknown:
            appendPlaceholder(range, &text, &unknownParts)
        }
    }

    // MARK: - Calls

    private mutating func call(_ name: String, nameRange: SourceRange, arguments: [HCLExpression], expandsLast: Bool, range: SourceRange, _ scope: Scope) -> BakeValue {
        var values = arguments.map { evaluate($0, scope) }
        if expandsLast, let last = values.last {
            switch last {
            case .list(let items, _): values = values.dropLast() + items
            case .unknown(let reason, _): return unknown(reason, range)
            default:
                report("Invalid expanding argument value: the expanding argument (indicated by ...) must be of a tuple, list, or set type", arguments.last!.range)
                return unknown("an invalid expanded argument", range)
            }
        }
        // A call's work is at least the size of what it is given (`concat` of a list with itself, doubled
        // through a chain of variables, would otherwise grow without bound).
        guard step(values.reduce(0) { $0 + Self.size($1) }) else { return exhaustedValue(range) }
        if let function = functions[name] {
            return callUser(name, function, values, range: range)
        }
        switch HCLFunctions.call(name, values, span: span(range)) {
        case .value(let value): return value
        case .unknown(let reason): return unknown(reason, range)
        case .failure(let message):
            return failed("Error in function call: Call to function \"\(name)\" failed: \(message).", at: range, "a failed call to \(name)", range)
        case .undefined:
            return failed("Call to unknown function: There is no function named \"\(name)\".", at: nameRange, "the undefined function \(name)", range)
        }
    }

    /// A value's shallow size, for the step count.
    private static func size(_ value: BakeValue) -> Int {
        switch value {
        case .list(let items, _): items.count
        case .object(let entries, _): entries.count
        case .string(let string): 1 + string.text.utf8.count / 64
        default: 1
        }
    }

    private mutating func callUser(_ name: String, _ function: UserFunction, _ values: [BakeValue], range: SourceRange) -> BakeValue {
        guard values.count >= function.parameters.count, function.variadic != nil || values.count == function.parameters.count else {
            let message = values.count < function.parameters.count
                ? "Not enough function arguments: Function \"\(name)\" expects \(function.parameters.count) argument(s). Missing value for \"\(function.parameters[values.count])\"."
                : "Too many function arguments: Function \"\(name)\" expects only \(function.parameters.count) argument(s)."
            return failed(message, at: range, "a call to \(name) with the wrong arguments", range)
        }
        guard resolutionDepth < Self.maximumResolutionDepth else {
            return failed("Too many nested function calls: more than \(Self.maximumResolutionDepth)", at: range, "too many nested calls", range)
        }
        var inner: Scope = [:]
        for (parameter, value) in zip(function.parameters, values) { inner[parameter] = value }
        if let variadic = function.variadic {
            inner[variadic] = .list(Array(values.dropFirst(function.parameters.count)), span(range))
        }
        resolutionDepth += 1
        defer { resolutionDepth -= 1 }
        return evaluate(function.result, inner)
    }
}
