import ArenaModel
import ArenaTypes

/// The C types of the structures each workload keeps in its arena, as BTF: what a BPF
/// program building them would carry, so typed views work on emulated arenas too.
enum WorkloadTypes {
    static func blob(for workload: String) -> TypeBlob {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let u32 = btf.int("u32", size: 4)
        let u16 = btf.int("u16", size: 2)
        switch workload {
        case ListWorkload.name, LeakyListWorkload.name:
            let node = btf.declareStruct()
            let nodePointer = btf.pointer(to: node)
            btf.define(
                node, name: "arena_list_node", size: 24,
                members: [
                    .field("next", nodePointer, at: 0), .field("pprev", btf.pointer(to: nodePointer), at: 8), .field("value", u64, at: 16),
                ])
            _ = btf.structure("arena_list_head", size: 8, [.field("first", nodePointer, at: 0)])
            if workload == LeakyListWorkload.name {
                _ = btf.structure("leak_log", size: 16, [.field("stale", nodePointer, at: 0), .field("leaked", u64, at: 8)])
            }
        case HashTableWorkload.name:
            let element = btf.declareStruct()
            let elementPointer = btf.pointer(to: element)
            btf.define(
                element, name: "hashtab_elem", size: 32,
                members: [
                    .field("next", elementPointer, at: 0), .field("pprev", btf.pointer(to: elementPointer), at: 8),
                    .field("key", u64, at: 16), .field("value", u64, at: 24),
                ])
            let slots = btf.array(of: elementPointer, count: UInt32(HashTableWorkload.bucketCount), index: u32)
            _ = btf.structure("hashtab_buckets", size: UInt32(HashTableWorkload.bucketCount * 8), [.field("slots", slots, at: 0)])
        case RedBlackTreeWorkload.name:
            let color = btf.enumeration("rb_color", size: 8, [("RB_BLACK", 0), ("RB_RED", 1)])
            let node = btf.declareStruct()
            let nodePointer = btf.pointer(to: node)
            btf.define(
                node, name: "rb_elem", size: 48,
                members: [
                    .field("parent", nodePointer, at: 0), .field("left", nodePointer, at: 8), .field("right", nodePointer, at: 16),
                    .field("key", u64, at: 24), .field("value", u64, at: 32), .field("is_red", color, at: 40),
                ])
            _ = btf.structure("rb_tree", size: 16, [.field("root", nodePointer, at: 0), .field("count", u64, at: 8)])
        case FragWorkload.name:
            let object = btf.declareStruct()
            btf.define(
                object, name: "frag_object", size: 16,
                members: [
                    .field("older", btf.pointer(to: object), at: 0), .field("size", u64, at: 8),
                ])
            _ = btf.structure("frag_page_tail", size: 8, [.field("live_objects", u64, at: 0)])
        case ChurnWorkload.name:
            let extent = btf.declareStruct()
            btf.define(
                extent, name: "churn_extent", size: 16,
                members: [
                    .field("prev", btf.pointer(to: extent), at: 0), .field("pages", u32, at: 8),
                    .bitfield("magic", u16, bitOffset: 96, bits: 16), .bitfield("spare", u16, bitOffset: 112, bits: 16),
                ])
        case SlabWorkload.name:
            let s32 = btf.int("s32", size: 4, signed: true)
            let id = btf.structure("sdt_id", size: 8, [.field("idx", s32, at: 0), .field("gen", s32, at: 4)])
            let payload = btf.array(of: u64, count: UInt32(SlabWorkload.dataSize / 8 - 1), index: u32)
            let data = btf.structure("sdt_data", size: UInt32(SlabWorkload.dataSize), [.field("tid", id, at: 0), .field("payload", payload, at: 8)])
            let chunk = btf.declareStruct()
            let descriptor = btf.structure(
                "sdt_desc", size: UInt32(SlabWorkload.descriptorSize),
                [
                    .field("allocated", btf.array(of: u64, count: UInt32(SlabWorkload.bitmapWords), index: u32), at: 0),
                    .field("nr_free", u64, at: UInt32(8 * SlabWorkload.bitmapWords)),
                    .field("chunk", btf.pointer(to: chunk), at: UInt32(8 * SlabWorkload.bitmapWords + 8)),
                ])
            let entries = UInt32(SlabWorkload.entries)
            let slots = btf.union(
                "", size: entries * 8,
                [
                    .field("descs", btf.array(of: btf.pointer(to: descriptor), count: entries, index: u32), at: 0),
                    .field("data", btf.array(of: btf.pointer(to: data), count: entries, index: u32), at: 0),
                ])
            btf.define(chunk, name: "sdt_chunk", size: entries * 8, members: [.field("", slots, at: 0)])
            let void = btf.record(.pointer, sizeOrType: 0)
            let pool = btf.structure(
                "sdt_pool", size: 32,
                [
                    .field("slab", void, at: 0), .field("elem_size", u64, at: 8), .field("max_elems", u64, at: 16), .field("idx", u64, at: 24),
                ])
            _ = btf.structure("sdt_allocator", size: 40, [.field("pool", pool, at: 0), .field("root", btf.pointer(to: descriptor), at: 32)])
            let tasks = btf.array(of: btf.pointer(to: data), count: UInt32(SlabWorkload.maxTasks), index: u32)
            _ = btf.structure(
                "task_table", size: UInt32(16 + 8 * SlabWorkload.maxTasks),
                [
                    .field("count", u64, at: 0), .field("tasks", tasks, at: 8),
                    .field("last_exited", btf.pointer(to: data), at: UInt32(8 + 8 * SlabWorkload.maxTasks)),
                ])
        default:
            break
        }
        return TypeBlob(origin: "workload \(workload)", btf: btf.build())
    }

    /// What the workload's types do not say about its memory, as a shape file: a churn extent
    /// is the whole multi-page allocation behind its 16-byte header.
    static func shape(for workload: String, pageSize: UInt64) -> ShapeText? {
        switch workload {
        case ChurnWorkload.name: ShapeText(origin: "workload \(workload)", text: "struct churn_extent owns pages * \(pageSize)\n")
        // sched_ext's library keeps each slot's index in its data's id.
        case SlabWorkload.name: ShapeText(origin: "workload \(workload)", text: "check struct sdt_data.tid.idx == slot\n")
        default: nil
        }
    }
}
