import ArenaModel
import ArenaText

/// Roots as text: one line each, name, type, address, origin, and a note where it has one.
/// Names and types come from BPF programs and are untrusted: printed terminal-safe.
enum RootsText {
    static func lines(_ roots: [StructureRoot], in geometry: ArenaGeometry) -> [String] {
        let nameWidth = min(32, roots.map(\.name.count).max() ?? 0)
        let typeWidth = min(40, roots.map { ($0.type ?? "(untyped)").count }.max() ?? 0)
        return roots.map { root in
            let note = root.note(in: geometry).map { "  (\($0))" } ?? ""
            return
                (root.name.terminalSafe.rightPadded(to: nameWidth) + "  " + (root.type ?? "(untyped)").terminalSafe.rightPadded(to: typeWidth)
                + "  " + hex(root.address) + "  " + root.origin.terminalSafe + note)
        }
    }
}
