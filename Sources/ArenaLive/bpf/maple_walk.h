/* 6.9-6.12 keep an arena's ALLOCATED page ranges in a maple tree (`mt`, indexed by page
 * offset; user faults insert too). The sampler walks it in order, depth first, one slot a
 * step, and writes the complement, the free ranges, like the 6.13+ walk writes them.
 * Nodes are RCU-freed and the iterator runs under RCU, so a node read is never freed
 * under the walk; a dead node (one replaced by a writer) or ranges out of order make the
 * walk torn. Layouts from include/linux/maple_tree.h, 64-bit. */
#ifndef ARENASCOPE_MAPLE_WALK_H
#define ARENASCOPE_MAPLE_WALK_H

#define MAPLE_NODE_MASK 255UL
/* Node types (enum maple_type): leaves, range nodes (2) and allocation-range nodes. */
#define MAPLE_LEAF_64 1
#define MAPLE_ARANGE_64 3
/* Slots of a leaf or range node, of an allocation-range node (it has one pivot fewer). */
#define MAPLE_RANGE_SLOTS 16
#define MAPLE_ARANGE_SLOTS 10
/* Deeper than any tree of 2^32 entries can be. */
#define MAPLE_DEPTH 16

/* Where a node's data ends (`end`, its last slot in use) when its pivots do not say. */
struct maple_metadata {
    unsigned char end;
} __attribute__((preserve_access_index));

struct maple_range_64 {
    void *parent;
    unsigned long pivot[MAPLE_RANGE_SLOTS - 1];
    void *slot[MAPLE_RANGE_SLOTS];
} __attribute__((preserve_access_index));

struct maple_arange_64 {
    void *parent;
    unsigned long pivot[MAPLE_ARANGE_SLOTS - 1];
    void *slot[MAPLE_ARANGE_SLOTS];
    struct maple_metadata meta;
} __attribute__((preserve_access_index));

/* A node is 256 bytes: it is copied in one read, then its pivots and slots come from the
 * copy (fewer helper calls, and one node is seen at one moment). */
#define MAPLE_NODE_WORDS 32

struct maple_frame {
    __u64 words[MAPLE_NODE_WORDS];
    __u64 max;    /* the last index the node covers */
    __u64 low;    /* the first index of the next slot */
    __u32 slot;   /* the next slot */
    __u16 type;
    __u16 end;    /* the last slot in use */
};

struct maple_walk {
    struct maple_frame frames[MAPLE_DEPTH];
    __u64 next_free;   /* the first page not accounted for yet */
    __u64 free_pages;
    __u32 depth;       /* frames in use: 0 when the walk is done */
    __u32 count;       /* free ranges */
    __u32 max_entries;
    __u32 status;
    __u32 store;
};

/* Word `index` of a node's field at byte `offset`, from the frame's copy. */
static __always_inline __u64 maple_word(const struct maple_frame *frame, __u64 offset, __u32 index)
{
    return frame->words[(offset / 8 + index) & (MAPLE_NODE_WORDS - 1)];
}

/* The walk's state: its stack of nodes is too big for the BPF stack. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct maple_walk);
} maple SEC(".maps");

/* A root entry that points to a node (xa_is_node; the root's pointer has MAPLE_ROOT_NODE,
 * 2, set). The slots of internal nodes hold encoded nodes without it. */
static __always_inline int maple_root_is_node(__u64 root)
{
    return (root & 3) == 2 && root > 4096;
}

/* Pages [next_free, first) are free: writes them as a range. */
static __always_inline int maple_free_before(struct maple_walk *walk, __u64 first)
{
    if (first <= walk->next_free)
        return 0;
    if (walk->count >= AS_MAX_RANGES) {
        walk->status = AS_TOO_MANY;
        return -1;
    }
    if (walk->store && put_range(&free_ranges, walk->count, walk->next_free, first - 1))
        return -1;
    walk->count++;
    walk->free_pages += first - walk->next_free;
    return 0;
}

/* The last slot in use of a node (the kernel's ma_data_end): allocation-range nodes keep
 * it in their metadata; leaf and range nodes in their last pivot, or when that is unused,
 * in metadata where their last slot would be. */
static __always_inline __u32 maple_data_end(const struct maple_frame *frame)
{
    const __u8 *bytes = (const __u8 *)frame->words;
    __u32 end;

    if (frame->type == MAPLE_ARANGE_64) {
        end = bytes[bpf_core_field_offset(struct maple_arange_64, meta) & (MAPLE_NODE_WORDS * 8 - 1)];
        return end < MAPLE_ARANGE_SLOTS ? end : MAPLE_ARANGE_SLOTS - 1;
    }
    __u64 last = maple_word(frame, bpf_core_field_offset(struct maple_range_64, pivot), MAPLE_RANGE_SLOTS - 2);
    if (last == frame->max)
        return MAPLE_RANGE_SLOTS - 2;
    if (last)
        return MAPLE_RANGE_SLOTS - 1;
    end = bytes[(bpf_core_field_offset(struct maple_range_64, slot) + 8 * (MAPLE_RANGE_SLOTS - 1)) & (MAPLE_NODE_WORDS * 8 - 1)];
    return end < MAPLE_RANGE_SLOTS ? end : MAPLE_RANGE_SLOTS - 1;
}

/* Pushes the encoded node `entry` (type in bits 3-6) covering [low, max]; torn where it
 * is not a live node (a writer replaced it: its parent pointer points to itself). */
static __always_inline int maple_push(struct maple_walk *walk, __u64 entry, __u64 low, __u64 max)
{
    __u64 node = entry & ~MAPLE_NODE_MASK;
    __u32 type = (entry >> 3) & 15;

    if (node < 4096 || type < MAPLE_LEAF_64 || type > MAPLE_ARANGE_64 || walk->depth >= MAPLE_DEPTH) {
        walk->status = AS_TORN;
        return -1;
    }
    struct maple_frame *frame = &walk->frames[walk->depth & (MAPLE_DEPTH - 1)];
    if (bpf_probe_read_kernel(frame->words, sizeof(frame->words), (void *)node)
        || (maple_word(frame, bpf_core_field_offset(struct maple_range_64, parent), 0) & ~MAPLE_NODE_MASK) == node) {
        walk->status = AS_TORN;
        return -1;
    }
    frame->max = max;
    frame->low = low;
    frame->slot = 0;
    frame->type = type;
    frame->end = maple_data_end(frame);
    walk->depth++;
    return 0;
}

/* One slot of the deepest node: a range of a leaf, or a child to descend into. The
 * state lives in the `maple` map (older kernels take only stack pointers as a loop's
 * context), looked up at each step. */
static long maple_step(__u32 index, void *unused)
{
    __u32 zero = 0;
    struct maple_walk *walk = bpf_map_lookup_elem(&maple, &zero);

    if (!walk || walk->depth == 0 || walk->status != AS_OK)
        return 1;
    struct maple_frame *frame = &walk->frames[(walk->depth - 1) & (MAPLE_DEPTH - 1)];
    int wide = frame->type == MAPLE_ARANGE_64;
    __u32 slots = wide ? MAPLE_ARANGE_SLOTS : MAPLE_RANGE_SLOTS;
    __u32 slot = frame->slot;
    __u64 low = frame->low;

    if (slot > frame->end || slot >= slots || (slot > 0 && low == 0)) {
        walk->depth--;
        return 0;
    }
    __u64 pivots = wide ? bpf_core_field_offset(struct maple_arange_64, pivot) : bpf_core_field_offset(struct maple_range_64, pivot);
    __u64 entries = wide ? bpf_core_field_offset(struct maple_arange_64, slot) : bpf_core_field_offset(struct maple_range_64, slot);
    /* The last slot in use ends at the node's max. */
    __u64 pivot = slot < frame->end ? maple_word(frame, pivots, slot) : frame->max;
    __u64 entry = maple_word(frame, entries, slot);
    frame->slot = slot + 1;
    frame->low = pivot + 1;
    if (pivot < low || pivot > frame->max) {
        walk->status = AS_TORN;
        return 1;
    }
    if (!entry)
        return 0;
    if (frame->type != MAPLE_LEAF_64)
        return maple_push(walk, entry, low, pivot) ? 1 : 0;
    /* Allocated pages [low, pivot]. */
    if (low < walk->next_free || pivot >= walk->max_entries) {
        walk->status = AS_TORN;
        return 1;
    }
    if (maple_free_before(walk, low))
        return 1;
    walk->next_free = pivot + 1;
    return 0;
}

/* Walks the maple tree whose root entry is `root`, of an arena of `max_entries` pages,
 * writing its free ranges to the free_ranges map when `store`; the counts and the status
 * are left in `walk`. */
static __always_inline void maple_walk_tree(struct maple_walk *walk, __u64 root, __u32 max_entries, __u32 store)
{
    walk->depth = 0;
    walk->count = 0;
    walk->next_free = 0;
    walk->free_pages = 0;
    walk->status = AS_OK;
    walk->max_entries = max_entries;
    walk->store = store;
    if (maple_root_is_node(root)) {
        if (maple_push(walk, root & ~2UL, 0, ~0UL))
            return;
        bpf_loop(AS_MAX_RANGES * 4, maple_step, NULL, 0);
        if (walk->status == AS_OK && walk->depth)
            walk->status = AS_TOO_MANY;
    } else if (root) {
        walk->next_free = 1;  /* one entry, at index 0 */
    }
    if (walk->status == AS_OK)
        maple_free_before(walk, walk->max_entries);
}

#endif
