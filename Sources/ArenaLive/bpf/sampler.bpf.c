// SPDX-License-Identifier: GPL-2.0
/* arenascope's sampler: an iter/bpf_map program that describes every arena without
 * changing it. It walks the kernel's tree of free ranges in order, then probes each
 * claimed page with bpf_probe_read_kernel (which never allocates) to tell reserved
 * pages from backed ones. Bulk results go to array maps; one record per arena goes
 * to the seq_file. Every loop is bounded. */
#include "arena_types.h"
#include "sampler_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct as_config);
} config SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, AS_MAX_RANGES);
    __type(key, __u32);
    __type(value, struct as_range);
} free_ranges SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, AS_MAX_RANGES);
    __type(key, __u32);
    __type(value, struct as_range);
} reserved_runs SEC(".maps");

struct walk_state {
    __u64 node;        /* current struct rb_node *, 0 when done */
    __u64 free_pages;
    __u32 count;
    __u32 next_first;  /* ranges must start at or after this page */
    __u32 max_entries;
    __u32 status;
};

static long walk_step(__u32 index, struct walk_state *state)
{
    struct rb_node *node = (struct rb_node *)state->node;
    struct range_node *range;
    __u32 first, last;

    if (!node)
        return 1;
    range = (struct range_node *)((char *)node - bpf_core_field_offset(struct range_node, rn_rbnode));
    first = BPF_CORE_READ(range, rn_start);
    last = BPF_CORE_READ(range, rn_last);
    if (first < state->next_first || last < first || last >= state->max_entries) {
        state->status = AS_TORN;
        return 1;
    }
    if (state->count >= AS_MAX_RANGES) {
        state->status = AS_TOO_MANY;
        return 1;
    }
    __u32 slot = state->count;
    struct as_range *out = bpf_map_lookup_elem(&free_ranges, &slot);
    if (!out)
        return 1;
    out->first = first;
    out->last = last;
    state->count++;
    state->free_pages += (__u64)(last - first) + 1;
    state->next_first = last + 1;

    /* In-order successor: leftmost of the right subtree, else the first ancestor
     * reached from a left child. Depth is bounded by 2*log2(ranges) < 64. */
    struct rb_node *right = BPF_CORE_READ(node, rb_right);
    if (right) {
        node = right;
        for (int depth = 0; depth < 64; depth++) {
            struct rb_node *left = BPF_CORE_READ(node, rb_left);
            if (!left)
                break;
            node = left;
        }
        state->node = (__u64)node;
        return 0;
    }
    for (int depth = 0; depth < 64; depth++) {
        struct rb_node *parent = (struct rb_node *)(BPF_CORE_READ(node, __rb_parent_color) & ~3UL);
        if (!parent) {
            state->node = 0;
            return 1;
        }
        if (BPF_CORE_READ(parent, rb_right) != node) {
            state->node = (__u64)parent;
            return 0;
        }
        node = parent;
    }
    state->status = AS_TORN;
    return 1;
}

struct probe_state {
    __u64 kern_vm_start;
    __u64 user_vm_start;
    __u64 probed_pages;
    __u64 failed_pages;
    __u32 page;        /* next page to probe */
    __u32 span_end;    /* end (exclusive) of the span being probed */
    __u32 next_range;  /* index of the free range after this span */
    __u32 range_count;
    __u32 max_entries;
    __u32 runs;
    __u32 status;
};

/* Moves `page` to the next page outside the free ranges; returns 0 when none is left. */
static int next_claimed(struct probe_state *state)
{
    for (int hop = 0; hop < 3; hop++) {
        if (state->page < state->span_end)
            return 1;
        if (state->next_range >= state->range_count)
            return 0;
        __u32 slot = state->next_range;
        struct as_range *range = bpf_map_lookup_elem(&free_ranges, &slot);
        if (!range)
            return 0;
        state->page = range->last + 1;
        state->next_range++;
        if (state->next_range < state->range_count) {
            slot = state->next_range;
            range = bpf_map_lookup_elem(&free_ranges, &slot);
            if (!range)
                return 0;
            state->span_end = range->first;
        } else {
            state->span_end = state->max_entries;
        }
    }
    return state->page < state->span_end;
}

static long probe_step(__u32 index, struct probe_state *state)
{
    char byte;

    if (!next_claimed(state))
        return 1;
    __u32 page = state->page++;
    __u64 address = state->kern_vm_start + (__u32)(state->user_vm_start + (__u64)page * ARENA_PAGE_SIZE);
    state->probed_pages++;
    if (bpf_probe_read_kernel(&byte, 1, (void *)address) == 0)
        return 0;
    /* Not backed: extend the last run or start a new one. */
    state->failed_pages++;
    __u32 slot = state->runs ? state->runs - 1 : 0;
    struct as_range *run = bpf_map_lookup_elem(&reserved_runs, &slot);
    if (!run)
        return 1;
    if (state->runs && run->last + 1 == page) {
        run->last = page;
        return 0;
    }
    if (state->runs >= AS_MAX_RANGES) {
        state->status = AS_TOO_MANY;
        return 1;
    }
    slot = state->runs;
    run = bpf_map_lookup_elem(&reserved_runs, &slot);
    if (!run)
        return 1;
    run->first = page;
    run->last = page;
    state->runs++;
    return 0;
}

SEC("iter/bpf_map")
int sample_arenas(struct bpf_iter__bpf_map *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct bpf_map *map = ctx->map;
    __u32 zero = 0;
    struct as_config *cfg;
    struct bpf_arena *arena;
    struct as_record record = {};

    if (!map || map->map_type != ARENA_MAP_TYPE)
        return 0;
    cfg = bpf_map_lookup_elem(&config, &zero);
    if (!cfg)
        return 0;
    record.id = map->id;
    if (cfg->target_id && cfg->target_id != record.id)
        return 0;
    arena = (struct bpf_arena *)map;
    record.max_entries = BPF_CORE_READ(map, max_entries);
    record.refcnt = BPF_CORE_READ(map, refcnt.counter);
    record.map_flags = BPF_CORE_READ(map, map_flags);
    bpf_probe_read_kernel_str(record.name, sizeof(record.name), map->name);
    record.user_vm_start = BPF_CORE_READ(arena, user_vm_start);
    record.user_vm_end = BPF_CORE_READ(arena, user_vm_end);
    record.kern_vm_start = (__u64)BPF_CORE_READ(arena, kern_vm, addr) + ARENA_HALF_GUARD;

    struct probe_state probe = {
        .kern_vm_start = record.kern_vm_start,
        .user_vm_start = record.user_vm_start,
        .max_entries = record.max_entries,
    };
    if (bpf_core_field_exists(arena->rt)) {
        struct walk_state walk = {
            .node = (__u64)BPF_CORE_READ(arena, rt.it_root.rb_leftmost),
            .max_entries = record.max_entries,
        };
        record.walk_steps = bpf_loop(AS_MAX_RANGES + 1, walk_step, &walk, 0);
        record.status = walk.status;
        record.free_ranges = walk.count;
        record.free_pages = walk.free_pages;
        if (walk.status == AS_OK && walk.node)
            record.status = AS_TOO_MANY;
        if (record.status == AS_OK && cfg->probe_claimed) {
            /* Claimed spans: before the first range, between ranges, after the last. */
            probe.range_count = walk.count;
            probe.page = 0;
            if (walk.count) {
                struct as_range *first = bpf_map_lookup_elem(&free_ranges, &zero);
                probe.span_end = first ? first->first : 0;
            } else {
                probe.span_end = record.max_entries;
            }
            bpf_loop(record.max_entries, probe_step, &probe, 0);
            record.reserved_runs = probe.runs;
            record.reserved_pages = probe.failed_pages;
            if (probe.status)
                record.status = probe.status;
        }
    } else {
        /* 6.9-6.12: no free range tree; probe every page and call failures free. */
        probe.span_end = record.max_entries;
        bpf_loop(record.max_entries, probe_step, &probe, 0);
        record.status = probe.status ? probe.status : AS_NO_TREE;
        record.free_ranges = probe.runs;
        record.free_pages = probe.failed_pages;
    }
    bpf_seq_write(seq, &record, sizeof(record));
    return 0;
}
