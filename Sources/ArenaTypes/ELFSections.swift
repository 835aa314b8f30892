/// The sections of a 64-bit little-endian ELF object (a BPF program's `.bpf.o`), by name.
/// Every offset is checked against the file; the reader is fuzzed through `BTFFile`.
struct ELFSections {
    private let bytes: [UInt8]
    private var spans: [(name: String, offset: Int, size: Int)] = []

    /// True when `bytes` starts like an ELF object.
    static func isELF(_ bytes: [UInt8]) -> Bool { bytes.count >= 4 && bytes.prefix(4) == [0x7F, 0x45, 0x4C, 0x46] }

    init(_ bytes: [UInt8]) throws(TypeError) {
        self.bytes = bytes
        guard bytes.count >= 64, Self.isELF(bytes) else { throw .badBTF("neither BTF nor an ELF object") }
        guard bytes[4] == 2, bytes[5] == 1 else { throw .badBTF("not a 64-bit little-endian ELF object") }
        let table = Int(clamping: load(0x28, 8))
        let entrySize = Int(load(0x3A, 2)), count = Int(load(0x3C, 2)), namesIndex = Int(load(0x3E, 2))
        guard entrySize >= 64, count > 0, namesIndex < count, table <= bytes.count, count <= (bytes.count - table) / entrySize else {
            throw .badBTF("the ELF section table lies outside the file")
        }
        func header(_ index: Int) -> (name: Int, offset: Int, size: Int) {
            let start = table + index * entrySize
            return (Int(load(start, 4)), Int(clamping: load(start + 0x18, 8)), Int(clamping: load(start + 0x20, 8)))
        }
        let names = header(namesIndex)
        guard names.offset <= bytes.count, names.size <= bytes.count - names.offset else { throw .badBTF("the ELF section names lie outside the file") }
        for index in 0..<count {
            let section = header(index)
            guard section.name < names.size else { continue }
            let nameStart = names.offset + section.name
            let nameEnd = bytes[nameStart..<names.offset + names.size].firstIndex(of: 0) ?? names.offset + names.size
            spans.append((String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self), section.offset, section.size))
        }
    }

    func contains(_ name: String) -> Bool { spans.contains { $0.name == name } }

    /// The bytes of the first section named `name`; nil when there is none.
    func bytes(of name: String) throws(TypeError) -> [UInt8]? {
        guard let section = spans.first(where: { $0.name == name }) else { return nil }
        guard section.offset <= bytes.count, section.size <= bytes.count - section.offset else {
            throw .badBTF("the \(name) section lies outside the file")
        }
        return Array(bytes[section.offset..<section.offset + section.size])
    }

    private func load(_ offset: Int, _ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<width where offset + index < bytes.count { value |= UInt64(bytes[offset + index]) << (8 * index) }
        return value
    }
}
