/// Reads bake definition files (HCL, and JSON for `*.json`) into `BakeDocument`s, one per file in the
/// given order. As buildx does (`bake/hclparser` over the merged bodies of all files), variables, top-level
/// attributes and functions of every file are visible to every other.
public enum BakeFileReader {
    public static func read(_ files: [SourceFile], environment: BakeEnvironment) -> [BakeDocument] {
        let tables = files.map(SpanTable.init)
        var evaluator = HCLEvaluator(tables: tables, environment: environment)
        var bodies: [HCLBody] = []
        for (index, file) in files.enumerated() {
            if file.path.lowercased().hasSuffix(".json") {
                let (body, problems) = BakeJSONReader.parse(file, index: index, table: tables[index])
                bodies.append(body)
                evaluator.problems[index] += problems
            } else {
                let (body, syntaxProblems) = HCLParser.parse(file.bytes, file: index)
                bodies.append(body)
                for problem in syntaxProblems { evaluator.report(problem.message, problem.range) }
            }
        }
        collectDefinitions(bodies, into: &evaluator)
        // Every variable is resolved, used or not, as buildx does: a bad default or environment value
        // fails bake even when nothing refers to it.
        for name in evaluator.globalOrder {
            if case .variable(let variable)? = evaluator.globals[name] {
                _ = evaluator.resolveGlobal(name, at: variable.label)
                evaluator.validate(variable)
            }
        }
        var documents: [BakeDocument] = []
        for (index, body) in bodies.enumerated() {
            var document = BakeDocument(path: files[index].path)
            for block in body.blocks {
                switch block.type {
                case "target":
                    document.targets += BakeMatrix.blocks(of: block, &evaluator)
                case "group":
                    if let group = plainBlock(block, &evaluator, isGroup: true) { document.groups.append(group) }
                default:
                    break
                }
            }
            documents.append(document)
        }
        for name in evaluator.globalOrder {
            if case .attribute(let attribute)? = evaluator.globals[name] { _ = evaluator.resolveGlobal(name, at: attribute.nameRange) }
        }
        let problems = evaluator.uniqueProblems()
        for index in documents.indices { documents[index].problems = problems[index] }
        return documents
    }

    /// Variables, functions, top-level attributes and target names of all files; a later definition of a
    /// name replaces an earlier one, as in buildx's maps.
    private static func collectDefinitions(_ bodies: [HCLBody], into evaluator: inout HCLEvaluator) {
        for body in bodies {
            for item in body.items {
                switch item {
                case .attribute(let attribute):
                    guard !HCLEvaluator.builtInVariables.contains(attribute.name), attribute.name != "function" else { continue }
                    define(attribute.name, .attribute(attribute), &evaluator)
                case .block(let block):
                    switch block.type {
                    case "variable":
                        guard let label = labelOf(block, &evaluator) else { continue }
                        guard !HCLEvaluator.builtInVariables.contains(label.text) else { continue }
                        let attributes = block.body.attributes
                        let validations = block.body.blocks.filter { $0.type == "validation" }.compactMap { validation -> (HCLExpression, HCLExpression)? in
                            let fields = validation.body.attributes
                            guard let condition = fields.last(where: { $0.name == "condition" }), let message = fields.last(where: { $0.name == "error_message" })
                            else { return nil }
                            return (condition.expression, message.expression)
                        }
                        let variable = HCLEvaluator.VariableDefinition(
                            defaultValue: attributes.last { $0.name == "default" }?.expression, type: attributes.last { $0.name == "type" }?.expression,
                            validations: validations, bodyStart: block.openRange, label: label.range)
                        define(label.text, .variable(variable), &evaluator)
                    case "function":
                        guard let label = labelOf(block, &evaluator) else { continue }
                        if let function = userFunction(block, label: label.range, &evaluator) { evaluator.functions[label.text] = function }
                    case "target":
                        if let label = block.labels.first, block.labels.count == 1 { evaluator.targetBlocks[label.text, default: []].append(block) }
                    default:
                        break
                    }
                }
            }
        }
    }

    private static func define(_ name: String, _ global: HCLEvaluator.Global, _ evaluator: inout HCLEvaluator) {
        if evaluator.globals[name] == nil { evaluator.globalOrder.append(name) }
        evaluator.globals[name] = global
    }

    private static func labelOf(_ block: HCLBlock, _ evaluator: inout HCLEvaluator) -> (text: String, range: SourceRange)? {
        guard block.labels.count == 1 else {
            evaluator.report("Invalid block: a \(block.type) block needs exactly one label, its name", block.labels.first?.range ?? block.typeRange)
            return nil
        }
        return block.labels[0]
    }

    /// A `function` block: `params` (a list of names), optional `variadic_params`, `result`.
    private static func userFunction(_ block: HCLBlock, label: SourceRange, _ evaluator: inout HCLEvaluator) -> HCLEvaluator.UserFunction? {
        let attributes = block.body.attributes
        guard let params = attributes.last(where: { $0.name == "params" }) else {
            evaluator.report("Invalid function: empty params not allowed for \(block.labels[0].text)", label)
            return nil
        }
        guard let result = attributes.last(where: { $0.name == "result" }) else {
            evaluator.report("Invalid function: empty result not allowed for \(block.labels[0].text)", label)
            return nil
        }
        guard case .tuple(let elements, _) = params.expression else {
            evaluator.report("Invalid function: params must be a list of parameter names", params.expression.range)
            return nil
        }
        var names: [String] = []
        for element in elements {
            guard case .variable(let name, _) = element else {
                evaluator.report("Invalid param element: Each parameter name must be an identifier.", element.range)
                return nil
            }
            names.append(name)
        }
        var variadic: String?
        if let attribute = attributes.last(where: { $0.name == "variadic_params" }) {
            guard case .variable(let name, _) = attribute.expression else {
                evaluator.report("Invalid param element: Each parameter name must be an identifier.", attribute.expression.range)
                return nil
            }
            variadic = name
        }
        for attribute in attributes where !["params", "variadic_params", "result"].contains(attribute.name) {
            evaluator.report("Unsupported argument: An argument named \"\(attribute.name)\" is not expected here.", attribute.nameRange)
        }
        return HCLEvaluator.UserFunction(parameters: names, variadic: variadic, result: result.expression, label: label)
    }

    /// A group, or a target without `matrix`.
    static func plainBlock(_ block: HCLBlock, _ evaluator: inout HCLEvaluator, isGroup: Bool) -> BakeBlock? {
        guard let label = labelOf(block, &evaluator) else { return nil }
        for attribute in block.body.attributes where attribute.name == "matrix" || attribute.name == "name" {
            if isGroup {
                evaluator.report("\(attribute.name) is not supported for groups", attribute.nameRange)
            } else if attribute.name == "name" {
                evaluator.report("Invalid name: name requires matrix", attribute.nameRange)
            }
        }
        checkBody(block, &evaluator)
        var attributes: [BakeAttribute] = []
        for attribute in block.body.attributes where attribute.name != "matrix" && attribute.name != "name" {
            let value: BakeValue
            if isGroup {
                value = evaluator.evaluate(attribute.expression, [:])
            } else {
                value = evaluator.evaluateTargetAttribute(attribute, of: block, at: attribute.expression.range)
            }
            attributes.append(BakeAttribute(name: attribute.name, nameSpan: evaluator.span(attribute.nameRange), value: value))
        }
        return BakeBlock(name: label.text, nameSpan: evaluator.span(label.range), attributes: attributes)
    }

    /// What hcl's decoding of a target or group body refuses: nested blocks and a repeated argument.
    static func checkBody(_ block: HCLBlock, _ evaluator: inout HCLEvaluator) {
        for nested in block.body.blocks {
            evaluator.report("Unsupported block type: Blocks of type \"\(nested.type)\" are not expected here.", nested.typeRange)
        }
        var first: [String: SourceRange] = [:]
        for attribute in block.body.attributes {
            if let earlier = first[attribute.name] {
                let location = evaluator.span(earlier).start
                evaluator.report(
                    "Attribute redefined: The argument \"\(attribute.name)\" was already set at \(location.line):\(location.column). Each argument may be set only once.",
                    attribute.nameRange)
            } else {
                first[attribute.name] = attribute.nameRange
            }
        }
    }
}
