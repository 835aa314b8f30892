import Testing
import CLibBPF
@testable import ArenaLive

/// An arena's record as the maps' info gives it (hosts where the sampler cannot run), without
/// a kernel: what the info holds is what the record says, mapped or not yet.
@Suite struct ArenaRecordTests {
    @Test(arguments: ["arena", "xdp_cache_arena"], [0, 0x7f00_0000_0000] as [UInt64])
    func aRecordFromTheMapsInfoKeepsItsNameSizeAndRange(named mapName: String, start: UInt64) {
        var info = bpf_map_info()
        withUnsafeMutableBytes(of: &info.name) { name in
            for (index, byte) in mapName.utf8.enumerated() { name[index] = byte }
        }
        info.id = 42
        info.max_entries = 1024
        let record = ArenaRecord(mapInfo: info, userVMStart: start)
        #expect(record.name == mapName)
        #expect(record.id == 42 && record.maxPages == 1024)
        #expect(record.userVMStart == start && record.userVMEnd == (start == 0 ? 0 : start + 1024 * 4096))
    }
}
