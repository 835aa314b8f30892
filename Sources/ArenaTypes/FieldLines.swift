/// A decoded value as indented lines of text, one a field: what `decode` prints and the
/// inspector's field tree shows.
public struct FieldLine: Sendable, Equatable {
    public let depth: Int
    /// `+16` or `+12.3` (byte.bit for bitfields).
    public let offset: String
    public let name: String
    public let typeName: String
    public let value: String
    /// For pointer fields: the arena address the pointer leads to and the pointee's type.
    public let target: UInt64?
    public let pointee: TypeRef?
    /// Address of the field itself.
    public let address: UInt64
}

public enum FieldLines {
    /// The lines of `decoded`: members of structs and unions (nested ones indented), up to
    /// `limit` lines; arrays of scalars on one line, arrays of structs element by element.
    public static func lines(_ decoded: Decoded, catalog: TypeCatalog, limit: Int = 4096) -> [FieldLine] {
        var lines: [FieldLine] = []
        switch decoded.value {
        case .record(let fields): append(fields, base: decoded.address, depth: 0, into: &lines, limit: limit)
        default:
            lines.append(
                FieldLine(
                    depth: 0, offset: "+0", name: "", typeName: decoded.typeName, value: text(decoded.value),
                    target: pointerTarget(decoded.value), pointee: pointee(decoded.value), address: decoded.address))
        }
        return lines
    }

    private static func append(_ fields: [TypedField], base: UInt64, depth: Int, into lines: inout [FieldLine], limit: Int) {
        for field in fields where lines.count < limit {
            let offset = field.bitfield.map { "+\($0.offset / 8).\($0.offset % 8)" } ?? "+\(field.offset)"
            let address = base + field.offset
            switch field.value {
            case .record(let inner):
                lines.append(
                    FieldLine(
                        depth: depth, offset: offset, name: field.name, typeName: field.typeName, value: "",
                        target: nil, pointee: nil, address: address))
                append(inner, base: address, depth: depth + 1, into: &lines, limit: limit)
            case .array(let elements) where elements.contains(where: { if case .record = $0 { true } else { false } }):
                lines.append(
                    FieldLine(
                        depth: depth, offset: offset, name: field.name, typeName: field.typeName, value: "",
                        target: nil, pointee: nil, address: address))
                for (index, element) in elements.enumerated() where lines.count < limit {
                    if case .record(let inner) = element {
                        lines.append(
                            FieldLine(
                                depth: depth + 1, offset: "", name: "[\(index)]", typeName: "", value: "",
                                target: nil, pointee: nil, address: address))
                        append(inner, base: address, depth: depth + 2, into: &lines, limit: limit)
                    }
                }
            default:
                lines.append(
                    FieldLine(
                        depth: depth, offset: offset, name: field.name, typeName: field.typeName, value: text(field.value),
                        target: pointerTarget(field.value), pointee: pointee(field.value), address: address))
            }
        }
    }

    /// A one-line rendering of a scalar, pointer or array value.
    public static func text(_ value: TypedValue) -> String {
        switch value {
        case .unsigned(let number): String(number)
        case .signed(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .float(let number): String(number)
        case .enumerator(let name, let raw): name.map { "\($0) (\(raw))" } ?? String(raw)
        case .pointer(let raw, let target, _):
            raw == 0 ? "NULL" : "0x" + String(raw, radix: 16) + (target == nil ? "" : " → arena")
        case .array(let elements):
            "[" + elements.prefix(16).map(text).joined(separator: ", ") + (elements.count > 16 ? ", …]" : "]")
        case .record: "{…}"
        case .opaque(let what): "<\(what)>"
        }
    }

    private static func pointerTarget(_ value: TypedValue) -> UInt64? {
        if case .pointer(_, let target, _) = value { return target }
        return nil
    }

    private static func pointee(_ value: TypedValue) -> TypeRef? {
        if case .pointer(_, _, let pointee) = value { return pointee }
        return nil
    }
}
