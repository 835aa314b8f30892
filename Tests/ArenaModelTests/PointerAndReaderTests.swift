import Testing
@testable import ArenaModel
import ArenaText

@Suite struct PointerDecoderTests {
    let geometry = ArenaGeometry(maxPages: 16, userVMStart: 0x7F12_3400_0000, flags: .mmapable)

    @Test func fullAddressesInsideTheArenaArePointers() {
        let decoder = PointerDecoder(geometry: geometry)
        #expect(decoder.target(of: 0x7F12_3400_0000) == 0x7F12_3400_0000)
        #expect(decoder.target(of: 0x7F12_3400_FFF8) == 0x7F12_3400_FFF8)
        #expect(decoder.target(of: geometry.userVMEnd) == nil)
        #expect(decoder.target(of: 0x7F12_33FF_FFFF) == nil)
        #expect(decoder.target(of: 0) == nil)
        #expect(decoder.target(of: 0x3400_0010) == nil, "low 32 bits are not pointers unless asked")
    }

    @Test func low32ValuesWhenAskedOrNoUserConv() {
        let asked = PointerDecoder(geometry: geometry, acceptsLow32: true)
        #expect(asked.target(of: 0x3400_0010) == 0x7F12_3400_0010)
        #expect(asked.target(of: 0x3401_0000) == nil, "past the window")
        #expect(asked.target(of: 0) == nil)
        let flagged = PointerDecoder(geometry: ArenaGeometry(maxPages: 16, userVMStart: 0x7F12_3400_0000, flags: [.mmapable, .noUserConv]))
        #expect(flagged.target(of: 0x3400_2000) == 0x7F12_3400_2000)
        #expect(flagged.encode(0x7F12_3400_2000) == 0x3400_2000)
        #expect(PointerDecoder(geometry: geometry).encode(0x7F12_3400_2000) == 0x7F12_3400_2000)
    }
}

/// A hand-built arena: pages 0 and 1 backed, 2 free, 3 reserved.
struct FixtureArena {
    let geometry = ArenaGeometry(maxPages: 4, userVMStart: 0x10_0000_0000, flags: .mmapable)
    var bytes: [UInt32: [UInt8]] = [0: Array(repeating: 0, count: 4096), 1: Array(repeating: 0, count: 4096)]

    mutating func store(_ address: UInt64, _ value: UInt64) {
        for index in 0..<8 {
            let byteAddress = address + UInt64(index)
            let page = geometry.page(containing: byteAddress)!
            bytes[page]![Int(byteAddress - geometry.address(ofPage: page))] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
        }
    }

    var snapshot: Snapshot {
        var builder = PageMapBuilder()
        builder.append(.allocated, count: 1)
        builder.append(.mapped, count: 1)
        builder.append(.free, count: 1)
        builder.append(.reserved, count: 1)
        return Snapshot(source: SourceDescriptor(kind: .emulated), geometry: geometry, pages: builder.build(pageCount: 4))
    }

    func reader(requests: Box? = nil) -> ArenaReader {
        let pages = bytes
        return ArenaReader(snapshot: snapshot) { page in
            requests?.pages.append(page)
            return pages[page]!
        }
    }

    final class Box { var pages: [UInt32] = [] }
}

@Suite struct ArenaReaderTests {
    @Test func readsAcrossBackedPages() throws {
        var arena = FixtureArena()
        arena.store(0x10_0000_0FFC, 0x1122_3344_5566_7788)
        var reader = arena.reader()
        let bytes = try reader.read(0x10_0000_0FFC, length: 8)
        #expect(bytes == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        #expect(try reader.word(at: 0x10_0000_0FFC) == 0x1122_3344_5566_7788)
    }

    @Test func refusesUnbackedPagesWithoutAskingTheSource() {
        let requests = FixtureArena.Box()
        var reader = FixtureArena().reader(requests: requests)
        #expect(throws: ReadError.notBacked(address: 0x10_0000_2000, page: 2, state: .free)) { try reader.read(0x10_0000_2000, length: 1) }
        #expect(throws: ReadError.notBacked(address: 0x10_0000_3010, page: 3, state: .reserved)) { try reader.read(0x10_0000_3010, length: 1) }
        #expect(throws: ReadError.notBacked(address: 0x10_0000_2000, page: 2, state: .free)) { try reader.read(0x10_0000_1FF0, length: 32) }
        #expect(!requests.pages.contains(2) && !requests.pages.contains(3))
    }

    @Test func refusesAddressesOutsideAndHugeLengths() {
        var reader = FixtureArena().reader()
        #expect(throws: ReadError.outsideArena(address: 0x10_0000_4000, start: 0x10_0000_0000, end: 0x10_0000_4000)) {
            try reader.read(0x10_0000_4000, length: 1)
        }
        #expect(throws: ReadError.outsideArena(address: 0x0F_FFFF_FFFF, start: 0x10_0000_0000, end: 0x10_0000_4000)) {
            try reader.read(0x0F_FFFF_FFFF, length: 1)
        }
        #expect(throws: ReadError.tooLong(length: 1 << 40, limit: ArenaReader.maxReadLength)) { try reader.read(0x10_0000_0000, length: 1 << 40) }
        #expect(throws: (any Error).self) { try reader.read(0x10_0000_0000, length: UInt64.max) }
        let message = ReadError.notBacked(address: 0x10_0000_2000, page: 2, state: .free).description
        #expect(message.contains("page 2") && message.contains("free"))
    }

    @Test func chaseStopsForEveryReason() throws {
        var arena = FixtureArena()
        let base: UInt64 = 0x10_0000_0000
        let decoder = PointerDecoder(geometry: arena.geometry)
        // null: 0 -> 0x100 -> NULL
        arena.store(base, base + 0x100)
        arena.store(base + 0x100, 0)
        var reader = arena.reader()
        var result = try reader.chase(from: base, offset: 0, maxHops: 10, decoder: decoder)
        #expect(result.hops.map(\.address) == [base, base + 0x100])
        #expect(result.hops[0].value == base + 0x100 && result.hops[0].page == 0)
        #expect(result.stop == .null)
        // cycle through an offset: node+8 holds the next pointer
        arena.store(base + 0x208, base + 0x1008)
        arena.store(base + 0x1010, base + 0x200)
        reader = arena.reader()
        result = try reader.chase(from: base + 0x200, offset: 8, maxHops: 10, decoder: decoder)
        #expect(result.hops.map(\.address) == [base + 0x200, base + 0x1008])
        #expect(result.stop == .cycle)
        result = try reader.chase(from: base + 0x200, offset: 8, maxHops: 1, decoder: decoder)
        #expect(result.hops.count == 1 && result.stop == .max)
        // not an arena pointer, and a pointer into an unbacked page
        arena.store(base + 0x300, 0xDEAD_BEEF)
        arena.store(base + 0x400, base + 0x2010)
        reader = arena.reader()
        #expect(try reader.chase(from: base + 0x300, offset: 0, maxHops: 10, decoder: decoder).stop == .notArena)
        let unbacked = try reader.chase(from: base + 0x400, offset: 0, maxHops: 10, decoder: decoder)
        #expect(unbacked.stop == .unbacked && unbacked.hops.count == 1)
        #expect(throws: ReadError.self) { try reader.chase(from: base + 0x2000, offset: 0, maxHops: 10, decoder: decoder) }
    }
}

@Suite struct HexdumpTests {
    @Test func controlBytesNeverReachTheText() {
        let bytes: [UInt8] = [0x1B, 0x5B, 0x32, 0x4A, 0x07, 0x41, 0x9B, 0x00, 0x7F, 0x20, 0x7E]
        let lines = Hexdump.lines(bytes, address: 0x7F00_0000_0003)
        #expect(lines.count == 1)
        #expect(lines[0] == "00007f0000000000           1b 5b 32 4a 07  41 9b 00 7f 20 7e        |   .[2J.A... ~  |")
        for line in lines { #expect(line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }) }
    }

    @Test func rowsOfSixteen() {
        let lines = Hexdump.lines(Array(0..<40), address: 0x1000)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("0000000000001010  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f"))
    }
}
