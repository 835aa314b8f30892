/// How the reached objects of one type changed between two object maps (heaptrack's diff).
public struct TypeGrowth: Sendable, Equatable {
    public let type: String
    public let before: ObjectMap.TypeCount?
    public let after: ObjectMap.TypeCount?

    public var countChange: Int { (after?.count ?? 0) - (before?.count ?? 0) }
    public var bytesChange: Int64 { Int64(after?.bytes ?? 0) - Int64(before?.bytes ?? 0) }

    /// Every type in either map, most bytes gained first; types that did not change are left out.
    public static func between(_ before: ObjectMap, _ after: ObjectMap) -> [TypeGrowth] {
        var earlier: [String: ObjectMap.TypeCount] = [:]
        for type in before.types { earlier[type.type] = type }
        var changes: [TypeGrowth] = []
        for type in after.types {
            changes.append(TypeGrowth(type: type.type, before: earlier.removeValue(forKey: type.type), after: type))
        }
        for type in earlier.values { changes.append(TypeGrowth(type: type.type, before: type, after: nil)) }
        return
            changes
            .filter { $0.countChange != 0 || $0.bytesChange != 0 }
            .sorted { ($0.bytesChange, $1.type) > ($1.bytesChange, $0.type) }
    }
}
