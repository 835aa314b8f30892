import Testing
import LiveTestSupport
import Foundation
import Glibc
import CLibBPF
import ArenaLive

/// The command line against real kernel arenas, made by this test process.
@Suite(.serialized, .needsLiveArenas) struct LiveCLITests {
    @Test func snapshotReadAndChaseOnALiveArena() throws {
        let workload = try LiveWorkload()
        let head = try workload.buildList(count: 40)
        _ = try workload.allocPages(2, hint: LiveWorkload.arenaAddress + 100 * 4096)
        let id = String(try workload.arenaID)
        let snapshot = try #require(try BinaryRunner.json(["snapshot", "--map-id", id, "--json"]) as? [String: Any])
        #expect((snapshot["source"] as? [String: Any])?["kind"] as? String == "live")
        #expect(snapshot["user_vm_start"] as? UInt64 == LiveWorkload.arenaAddress)
        let runs = try #require(snapshot["runs"] as? [[String: Any]])
        #expect(runs.map { $0["state"] as? String } == ["allocated", "free", "allocated", "free"])
        #expect(snapshot["free_ranges"] as? [[Int]] == [[1, 99], [102, 4095]])
        let chase = try #require(try BinaryRunner.json(["chase", "--map-id", id, "--addr", String(head), "--json"]) as? [String: Any])
        #expect((chase["hops"] as? [Any])?.count == 40)
        #expect(chase["stop"] as? String == "null")
        let read = try #require(try BinaryRunner.json(["read", "--map-id", id, "--addr", String(head + 16), "--len", "8", "--json"]) as? [String: Any])
        #expect(read["hex"] as? String == "dec0a5e4a7000000", "the node's magic, little-endian")
        let unbacked = try BinaryRunner.run(["read", "--map-id", id, "--addr", String(LiveWorkload.arenaAddress + 3000 * 4096)])
        #expect(unbacked.status == 3 && unbacked.stderr.contains("page 3000, which is free"))
    }

    @Test func recordALiveArenaAndReplayIt() throws {
        let workload = try LiveWorkload()
        let head = try workload.buildList(count: 12)
        let id = String(try workload.arenaID)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-live-cli-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let recorded = try BinaryRunner.run(["record", "--map-id", id, "--frames", "4", "--interval", "20", "-o", file])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let info = try #require(try BinaryRunner.json(["info", file, "--json"]) as? [String: Any])
        #expect(info["frames"] as? Int == 4)
        #expect((info["source"] as? [String: Any])?["kind"] as? String == "live")
        #expect((info["duration"] as? Double ?? 0) >= 0.05, "frames 20 ms apart")
        let chase = try #require(try BinaryRunner.json(["chase", "--replay", file, "--frame", "3", "--addr", String(head), "--json"]) as? [String: Any])
        #expect((chase["hops"] as? [Any])?.count == 12)
    }

    @Test func typesAndDecodeUseTheProgramsBTF() throws {
        let workload = try LiveWorkload()
        let head = try workload.buildList(count: 3, firstValue: 7)
        let id = String(try workload.arenaID)
        let types = try #require(try BinaryRunner.json(["types", "--map-id", id, "--json"]) as? [String: Any])
        let node = try #require((types["types"] as? [[String: Any]])?.first { $0["name"] as? String == "struct wl_node" })
        #expect(node["size"] as? Int == 24)
        #expect((node["origin"] as? String)?.hasPrefix("prog ") == true)
        let decoded = try #require(try BinaryRunner.json(["decode", "--map-id", id, "--addr", String(head), "--type", "wl_node", "--json"]) as? [String: Any])
        let fields = try #require(decoded["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["next", "value", "magic"])
        #expect(fields[1]["value"] as? Int == 9, "the head is the last node built: 7 + 2")
        #expect(fields[2]["value"] as? UInt64 == 0xA7E4A5C0DE)
        #expect(fields[0]["arena"] as? Bool == true)
    }

    @Test func aPinnedArenaOpensByPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-bpffs-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        guard mount("bpf", folder.path, "bpf", 0, nil) == 0 else {
            print("pin test skipped: cannot mount a bpf filesystem here (errno \(errno))")
            return
        }
        defer { umount2(folder.path, Int32(MNT_DETACH)) }
        let workload = try LiveWorkload()
        _ = try workload.buildList(count: 3)
        let pin = folder.appendingPathComponent("arena").path
        try #require(bpf_obj_pin(try workload.arenaFD, pin) == 0)
        let snapshot = try #require(try BinaryRunner.json(["snapshot", "--pin", pin, "--json"]) as? [String: Any])
        let source = try #require(snapshot["source"] as? [String: Any])
        #expect(source["kind"] as? String == "live")
        #expect(source["map_id"] as? UInt32 == (try workload.arenaID))
        #expect((snapshot["stats"] as? [String: Any])?["allocated"] as? Int == 1)
        let plain = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pinnedarray", 4, 8, 4, nil)
        try #require(plain >= 0)
        defer { close(plain) }
        let arrayPin = folder.appendingPathComponent("array").path
        try #require(bpf_obj_pin(plain, arrayPin) == 0)
        let wrong = try BinaryRunner.run(["snapshot", "--pin", arrayPin])
        #expect(wrong.status == 67 && wrong.stderr.contains("is an array, not an arena"))
    }

    @Test func listShowsTheArena() throws {
        let workload = try LiveWorkload()
        _ = try workload.buildList(count: 1)
        let id = try workload.arenaID
        let list = try #require(try BinaryRunner.json(["list", "--json"]) as? [[String: Any]])
        let entry = try #require(list.first { $0["id"] as? UInt32 == id })
        #expect(entry["name"] as? String == "arena")
        #expect(entry["max_pages"] as? Int == 4096)
        #expect(entry["allocated"] as? Int == 1)
        #expect(entry["reserved"] as? Int == 0)
        #expect((entry["pids"] as? [Any])?.isEmpty == true)
    }

    @Test func wrongMapsAreClearErrors() throws {
        let fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "plainarray", 4, 8, 4, nil)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        try #require(bpf_obj_get_info_by_fd(fd, &info, &length) == 0)
        let notArena = try BinaryRunner.run(["snapshot", "--map-id", String(info.id)])
        #expect(notArena.status == 67)
        #expect(notArena.stderr == "arenascope: error: map \(info.id) (plainarray) is an array, not an arena\n")
        let missing = try BinaryRunner.run(["snapshot", "--map-id", "4294967295"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "arenascope: error: no BPF map has id 4294967295\n")
    }
}
