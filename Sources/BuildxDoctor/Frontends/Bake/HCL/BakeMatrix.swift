/// `matrix` targets: one block per combination of the matrix's values, each evaluated with the
/// matrix's names in scope and named by its `name` attribute (docker/buildx `bake/bake.go`
/// `Target.GetEvalContexts` and `GetName`). The combinations run with the first key (in name order, as
/// cty's object keys are) varying fastest, the order `bake --print` lists a matrix group's targets in.
enum BakeMatrix {
    /// Past this many combinations a matrix is reported, not expanded.
    static let maximumCombinations = 10_000

    static func blocks(of block: HCLBlock, _ evaluator: inout HCLEvaluator) -> [BakeBlock] {
        guard let matrix = block.body.attributes.last(where: { $0.name == "matrix" }) else {
            return BakeFileReader.plainBlock(block, &evaluator, isGroup: false).map { [$0] } ?? []
        }
        guard block.labels.count == 1 else {
            evaluator.report("Invalid block: a target block needs exactly one label, its name", block.labels.first?.range ?? block.typeRange)
            return []
        }
        BakeFileReader.checkBody(block, &evaluator)
        let value = evaluator.evaluate(matrix.expression, [:])
        guard case .object(let entries, _) = value else {
            if case .unknown(let reason, _) = value {
                evaluator.report("The matrix of target \"\(block.labels[0].text)\" depends on \(reason): its targets cannot be listed", matrix.expression.range)
            } else {
                evaluator.report("Invalid block: matrix must be a map", matrix.expression.range)
            }
            return []
        }
        var axes: [(key: String, values: [BakeValue])] = []
        var total = 1
        for entry in entries.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            switch entry.value {
            case .list(let items, _):
                axes.append((entry.key, items))
                total = total.multipliedReportingOverflow(by: items.count).overflow ? Int.max : total * items.count
            case .unknown(let reason, _):
                evaluator.report("The matrix of target \"\(block.labels[0].text)\" depends on \(reason): its targets cannot be listed", matrix.expression.range)
                return []
            default:
                evaluator.report("Invalid block: matrix values must be a list", matrix.expression.range)
                return []
            }
        }
        guard total <= maximumCombinations else {
            evaluator.report("The matrix of target \"\(block.labels[0].text)\" has more than \(maximumCombinations) combinations; it is not expanded", matrix.expression.range)
            return []
        }
        var scopes: [HCLEvaluator.Scope] = [[:]]
        for axis in axes {
            var next: [HCLEvaluator.Scope] = []
            next.reserveCapacity(scopes.count * axis.values.count)
            for value in axis.values {
                for scope in scopes {
                    var inner = scope
                    inner[axis.key] = value
                    next.append(inner)
                }
            }
            scopes = next
        }
        let nameAttribute = block.body.attributes.last { $0.name == "name" }
        var result: [BakeBlock] = []
        var seen: Set<String> = []
        for scope in scopes {
            var name = block.labels[0].text
            // Names the run decides are not compared: two of them may well differ then.
            var nameIsKnown = true
            var nameSpan = evaluator.span(block.labels[0].range)
            if let nameAttribute {
                let value = evaluator.evaluate(nameAttribute.expression, scope)
                nameSpan = evaluator.span(nameAttribute.expression.range)
                switch value {
                case .string(let string):
                    name = string.text
                    nameIsKnown = string.isKnown
                case .number, .bool: name = evaluator.knownString(value) ?? name
                case .unknown:
                    name = String(Character(Unicode.Scalar(MaskedText.placeholder)))
                    nameIsKnown = false
                default:
                    evaluator.report("Invalid name: the name of a matrix target must be a string", nameAttribute.expression.range)
                }
            }
            if nameIsKnown, !seen.insert(name).inserted, nameAttribute != nil || scopes.count > 1 {
                evaluator.report("Invalid name: duplicate name \"\(name)\"", nameAttribute?.expression.range ?? block.labels[0].range)
            }
            var attributes: [BakeAttribute] = []
            for attribute in block.body.attributes where attribute.name != "matrix" && attribute.name != "name" {
                attributes.append(
                    BakeAttribute(name: attribute.name, nameSpan: evaluator.span(attribute.nameRange), value: evaluator.evaluate(attribute.expression, scope)))
            }
            result.append(BakeBlock(name: name, nameSpan: nameSpan, attributes: attributes))
        }
        return result
    }
}
