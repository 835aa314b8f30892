/// How `objects` and the inspector's objects pane say what the walk inferred and where it
/// stopped, one sentence each.
extension ObjectMap.Container {
    public var sentence: String {
        let rejected = rejected > 0 ? "; \(rejected) more whose own pointers led nowhere counted as \(embedded)" : ""
        return "\(objects) \(container) found through their \(member) (\(embedded))\(rejected)"
    }
}

extension ObjectMap.Ambiguity {
    public var sentence: String {
        switch kind {
        case .container: "\(objects) \(type) fit \(candidates.joined(separator: " and ")) alike: counted as \(type)"
        case .union: "\(objects) of \(type): several members fit its bytes: read as untyped pointers"
        }
    }
}

extension ObjectMap.Stop {
    public var sentence: String {
        let what = reason == .untypedRoot ? "root \(type)" : "\(pointers) pointer\(pointers == 1 ? "" : "s") to \(type)"
        return "\(what): \(remedy)"
    }
}

extension ObjectMap {
    /// What the walk inferred and where it stopped, labelled (`container`, `ambiguous`,
    /// `stopped`): the lines below the per-type counts.
    public var findings: [(label: String, text: String)] {
        containers.map { ("container", $0.sentence) } + ambiguities.map { ("ambiguous", $0.sentence) }
            + stops.map { ("stopped", $0.sentence) }
    }
}
