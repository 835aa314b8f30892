// SPDX-License-Identifier: GPL-2.0
/* arenascope's sampler: an iter/bpf_map program that describes every arena without
 * changing it. It walks the kernel's tree of free ranges in order, then probes each
 * claimed page (a plain load of its first word, then bpf_probe_read_kernel where that
 * reads 0; neither allocates) to tell reserved pages from backed ones, and lists the
 * frees deferred in flight (7.0+). It uses no arena itself, so a fault of its probes is
 * an ordinary fault (7.1+ maps a scratch page only where a program that uses the arena
 * faulted). Bulk results go to array maps; one record per arena goes to the seq_file.
 * Every loop is bounded. */
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

/* Writes [first, last] to slot `slot` of a range map; -1 where the slot is out of it. */
static __always_inline int put_range(void *map, __u32 slot, __u32 first, __u32 last)
{
    struct as_range *out = bpf_map_lookup_elem(map, &slot);

    if (!out)
        return -1;
    out->first = first;
    out->last = last;
    return 0;
}

#include "maple_walk.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, AS_MAX_RANGES);
    __type(key, __u32);
    __type(value, struct as_range);
} reserved_runs SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, AS_MAX_SPANS);
    __type(key, __u32);
    __type(value, struct as_range);
} freeing SEC(".maps");

/* Zeros the verifier cannot see through: the loop states start from these, so that it
 * checks each loop callback a few times instead of once for every value its counters take
 * (a callback's state is compared from one round to the next). Nothing writes this map. */
struct loop_zeros {
    __u64 words[8];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct loop_zeros);
} zeros SEC(".maps");

struct walk_state {
    __u64 node;        /* current struct rb_node *, 0 when done */
    __u64 free_pages;
    __u32 count;
    __u32 next_first;  /* ranges must start at or after this page */
    __u32 max_entries;
    __u32 status;
    __u32 store;       /* 0: count only */
};

/* Tree nodes are read with plain loads through untrusted pointers (bpf_rdonly_cast):
 * the verifier turns them into exception-handled loads, so a bad pointer reads 0 rather
 * than faulting, at a fraction of a helper call's cost. Every real node has a non-zero
 * parent-and-colour word (the root is black, colour bit 1), so a node that reads as 0
 * there was not readable and makes the walk torn. */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id) __ksym;

static __always_inline struct rb_node *rb_node_at(__u64 address)
{
    return bpf_rdonly_cast((void *)address, bpf_core_type_id_kernel(struct rb_node));
}

/* The successor searches below run as bpf_loop callbacks rather than bounded loops: the
 * verifier checks a callback once, where it would walk a bounded loop iteration by
 * iteration (that made loading the sampler take a quarter of a second). */
struct descent {
    __u64 address;
};

/* Down to the leftmost node under `address`. */
static long descend_left(__u32 index, struct descent *descent)
{
    __u64 left = (__u64)rb_node_at(descent->address)->rb_left;

    if (!left)
        return 1;
    descent->address = left;
    return 0;
}

struct ascent {
    __u64 address;
    __u64 parent;
    __u64 successor;   /* the first ancestor reached from a left child, or 0 */
    __u32 done;
};

/* Up from a right child until the node is a left child: its parent comes next. */
static long ascend_step(__u32 index, struct ascent *ascent)
{
    if (!ascent->parent) {
        ascent->successor = 0;
        ascent->done = 1;
        return 1;
    }
    struct rb_node *node = rb_node_at(ascent->parent);
    if ((__u64)node->rb_right != ascent->address) {
        ascent->successor = ascent->parent;
        ascent->done = 1;
        return 1;
    }
    ascent->address = ascent->parent;
    ascent->parent = node->__rb_parent_color & ~3UL;
    return 0;
}

static long walk_step(__u32 index, struct walk_state *state)
{
    __u64 address = state->node;
    __u32 first, last;

    if (!address)
        return 1;
    /* The range_node holding this rb_node. */
    struct range_node *range = bpf_rdonly_cast((void *)(address - bpf_core_field_offset(struct range_node, rn_rbnode)),
                                               bpf_core_type_id_kernel(struct range_node));
    __u64 parent_color = range->rn_rbnode.__rb_parent_color;
    first = range->rn_start;
    last = range->rn_last;
    if (!parent_color || first < state->next_first || last < first || last >= state->max_entries) {
        state->status = AS_TORN;
        return 1;
    }
    if (state->count >= AS_MAX_RANGES) {
        state->status = AS_TOO_MANY;
        return 1;
    }
    if (state->store && put_range(&free_ranges, state->count, first, last))
        return 1;
    state->count++;
    state->free_pages += (__u64)(last - first) + 1;
    state->next_first = last + 1;

    /* In-order successor: leftmost of the right subtree, else the first ancestor
     * reached from a left child. Depth is bounded by 2*log2(ranges) < 64. */
    __u64 right = (__u64)range->rn_rbnode.rb_right;
    if (right) {
        struct descent descent = { .address = right };
        bpf_loop(64, descend_left, &descent, 0);
        state->node = descent.address;
        return 0;
    }
    struct ascent ascent = { .address = address, .parent = parent_color & ~3UL };
    bpf_loop(64, ascend_step, &ascent, 0);
    if (!ascent.done) {
        state->status = AS_TORN;
        return 1;
    }
    state->node = ascent.successor;
    return ascent.successor ? 0 : 1;
}

/* x86-64's kernel page tables, for telling the scratch page (7.1+) from a page of data:
 * both read back, only the frame behind the address differs. The kernel half of every
 * process's page tables is the same, so the walk starts from this process's mm->pgd; where
 * the direct map and the page array start comes from user space (`as_config`: the
 * addresses of page_offset_base and vmemmap_base from /proc/kallsyms, looked up only where
 * the walk is used, as untyped ksyms would cost every load a kallsyms read), or where a
 * kernel has no such variables, from its fixed layout. */
#define PTE_PRESENT 1UL
#define PTE_HUGE 0x80UL
#define PTE_FRAME 0x000ffffffffff000UL

struct page_tables {
    __u64 pgd;          /* this process's mm->pgd: its kernel half is every process's */
    __u64 direct_map;   /* where physical memory starts in kernel addresses */
    __u64 frame_mask;   /* an entry's frame bits (the memory-encryption bit cleared) */
    __u32 top_shift;    /* 39 for four levels, 48 for five */
};

static __always_inline __u64 kernel_word(const void *address, __u64 otherwise)
{
    __u64 word;

    return address && bpf_probe_read_kernel(&word, sizeof(word), address) == 0 ? word : otherwise;
}

/* The frame mapped at kernel address `address` (4 KiB pages), or 0 where none is. A
 * global function: the verifier checks it once, not at every call site's state. */
__noinline __u64 kernel_frame(__u64 pgd, __u64 direct_map, __u64 frame_mask, __u64 top_shift, __u64 address)
{
    __u64 table = pgd;
    __u64 shift = top_shift;

    for (int level = 0; level < 5; level++) {
        __u64 entry;
        if (shift > 63 || bpf_probe_read_kernel(&entry, sizeof(entry), (void *)(table + ((address >> shift) & 511) * 8)))
            return 0;
        if (!(entry & PTE_PRESENT) || (shift > 12 && (entry & PTE_HUGE)))
            return 0;
        if (shift <= 12)
            return (entry & frame_mask) >> 12;
        table = direct_map + (entry & frame_mask);
        shift -= 9;
    }
    return 0;
}

/* Five-level page tables put the vmalloc area, and so the arena's window, below the
 * 48-bit canonical half. */
static __always_inline int five_levels(__u64 kern_vm_start)
{
    return (kern_vm_start >> 48) != 0xffff;
}

/* The kernel address of arena `page`: the window plus the low 32 bits of its user address. */
static __always_inline __u64 kernel_address(__u64 kern_vm_start, __u64 user_vm_start, __u32 page)
{
    return kern_vm_start + (__u32)(user_vm_start + (__u64)page * ARENA_PAGE_SIZE);
}

struct probe_state {
    __u64 kern_vm_start;
    __u64 user_vm_start;
    __u64 failed_pages;
    __u32 page;        /* next page to probe */
    __u32 span_end;    /* end (exclusive) of the span being probed */
    __u32 next_range;  /* index of the free range after this span */
    __u32 range_count;
    __u32 max_entries;
    __u32 runs;
    __u32 status;
    __u32 scratch_pages;
    __u64 scratch_frame; /* the arena's scratch page (7.1+), 0 where it has none */
    __u64 scratch_word;  /* its first word, compared before the page tables are walked */
    struct page_tables tables;
};

/* True when the page at `address`, whose first word is `word`, is the scratch page. */
static __always_inline int is_scratch(struct probe_state *state, __u64 address, __u64 word)
{
    const struct page_tables *tables = &state->tables;

    return state->scratch_frame && word == state->scratch_word
        && kernel_frame(tables->pgd, tables->direct_map, tables->frame_mask, tables->top_shift, address) == state->scratch_frame;
}

/* The first word of the page at kernel address `address`, read with an exception-handled
 * load: 0 for an unbacked page, and for a backed one that holds 0 there. rb_node stands in
 * for any kernel type that starts with an 8-byte word (btf_id 0 needs Linux 6.17). */
static __always_inline __u64 first_word(__u64 address)
{
    return rb_node_at(address)->__rb_parent_color;
}

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
    if (!next_claimed(state))
        return 1;
    __u32 page = state->page++;
    __u64 address = kernel_address(state->kern_vm_start, state->user_vm_start, page);
    /* Claimed pages are nearly all backed, and a plain load costs a third of the helper
     * call; it cannot tell a zero word from a fault, so zero goes on to the helper. */
    __u64 word = first_word(address);
    if (word != 0 || bpf_probe_read_kernel(&word, sizeof(word), (void *)address) == 0) {
        if (!is_scratch(state, address, word))
            return 0;
        state->scratch_pages++;
    }
    /* Not backed (or only by the scratch page): extend the last run or start a new one. */
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

struct span_walk {
    __u64 node;        /* current struct llist_node *, 0 at the end */
    __u64 pages;
    __u32 user_start;  /* low 32 bits of the arena's user address */
    __u32 max_entries;
    __u32 count;
    __u32 status;
    __u32 store;
};

/* One deferred free (7.0+): `uaddr` holds the low 32 bits of the user address. The worker
 * frees spans while they are read, so a span that makes no sense makes the walk torn. */
static long span_step(__u32 index, struct span_walk *walk)
{
    if (!walk->node)
        return 1;
    struct arena_free_span *span = (struct arena_free_span *)(walk->node - bpf_core_field_offset(struct arena_free_span, node));
    __u32 first = ((__u32)BPF_CORE_READ(span, uaddr) - walk->user_start) >> 12;
    __u32 count = BPF_CORE_READ(span, page_cnt);
    if (!count || first >= walk->max_entries || count > walk->max_entries - first) {
        walk->status = AS_TORN;
        return 1;
    }
    if (walk->count >= AS_MAX_SPANS) {
        walk->status = AS_TOO_MANY;
        return 1;
    }
    if (walk->store && put_range(&freeing, walk->count, first, first + count - 1))
        return 1;
    walk->count++;
    walk->pages += count;
    walk->node = (__u64)BPF_CORE_READ(span, node.next);
    return 0;
}

/* The frees deferred and not done yet: their pages are still claimed and backed. */
static void describe_deferred_frees(struct bpf_arena *arena, struct as_record *record, __u32 store)
{
    struct span_walk walk = {
        .node = (__u64)BPF_CORE_READ(arena, free_spans.first),
        .user_start = (__u32)record->user_vm_start,
        .max_entries = record->max_entries,
        .store = store,
    };

    bpf_loop(AS_MAX_SPANS + 1, span_step, &walk, 0);
    if (walk.status == AS_OK && walk.node)
        walk.status = AS_TOO_MANY;
    if (walk.status != AS_OK && record->status == AS_OK)
        record->status = walk.status;
    record->freeing_spans = walk.count;
    record->freeing_pages = walk.pages;
}

/* The kernel's page tables as seen from this process; 0 in `pgd` where unknown. */
static void find_page_tables(struct page_tables *tables, const struct as_config *cfg, __u64 kern_vm_start)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    int five = five_levels(kern_vm_start);

    if (!cfg->page_tables)
        return;
    tables->direct_map = kernel_word((void *)cfg->page_offset_base, five ? 0xff11000000000000UL : 0xffff888000000000UL);
    tables->frame_mask = PTE_FRAME & ~kernel_word((void *)cfg->sme_me_mask, 0);
    tables->pgd = (__u64)BPF_CORE_READ(task, mm, pgd);
    tables->top_shift = five ? 48 : 39;
}

/* Where the array of struct page starts. */
static __always_inline __u64 page_array(const struct as_config *cfg, __u64 kern_vm_start)
{
    return kernel_word((void *)cfg->vmemmap_base, five_levels(kern_vm_start) ? 0xffd4000000000000UL : 0xffffea0000000000UL);
}

/* Where the arena's scratch page (7.1+) lies, so that probes can tell it from data. */
static void locate_scratch(struct bpf_arena *arena, struct probe_state *probe, const struct as_config *cfg)
{
    __u64 page = (__u64)BPF_CORE_READ(arena, scratch_page);
    __u64 memmap = page_array(cfg, probe->kern_vm_start);
    __u64 size = bpf_core_type_size(struct page);

    if (!page || page < memmap || !size)
        return;
    find_page_tables(&probe->tables, cfg, probe->kern_vm_start);
    if (!probe->tables.pgd)
        return;
    probe->scratch_frame = (page - memmap) / size;
    probe->scratch_word = kernel_word((void *)(probe->tables.direct_map + probe->scratch_frame * ARENA_PAGE_SIZE), 0);
}

/* Fields every layout needs that the running kernel's struct bpf_arena lacks. */
static __always_inline __u32 missing_fields(struct bpf_arena *arena)
{
    __u32 missing = 0;

    if (!bpf_core_field_exists(arena->user_vm_start))
        missing |= AS_FIELD_USER_VM_START;
    if (!bpf_core_field_exists(arena->user_vm_end))
        missing |= AS_FIELD_USER_VM_END;
    if (!bpf_core_field_exists(arena->kern_vm))
        missing |= AS_FIELD_KERN_VM;
    if (!bpf_core_field_exists(arena->vma_list))
        missing |= AS_FIELD_VMA_LIST;
    if (!bpf_core_field_exists(arena->rt) && !bpf_core_field_exists(((struct bpf_arena___maple *)arena)->mt))
        missing |= AS_FIELD_TREE;
    return missing;
}

struct mapping_walk {
    __u64 node;
    __u64 head;
    __u32 count;
    __u32 owners;      /* the kernel has mm->owner */
    __u32 overflow;    /* more mappings than AS_MAX_PIDS */
    __u32 pid_count;
    __u32 pids[AS_MAX_PIDS];
};

static long mapping_step(__u32 index, struct mapping_walk *walk)
{
    struct list_head *node = (struct list_head *)walk->node;

    if (!node || walk->node == walk->head)
        return 1;
    walk->count++;
    if (walk->owners) {
        /* One entry a mapping; user space drops repeats of a process. */
        struct vma_list *mapping = (struct vma_list *)((char *)node - bpf_core_field_offset(struct vma_list, head));
        __u32 pid = BPF_CORE_READ(mapping, vma, vm_mm, owner, tgid);
        if (walk->pid_count < AS_MAX_PIDS)
            walk->pids[walk->pid_count++ & (AS_MAX_PIDS - 1)] = pid;
        else
            walk->overflow = 1;
    }
    walk->node = (__u64)BPF_CORE_READ(node, next);
    return 0;
}

/* The user mappings of the arena (its vma_list) and, where the kernel tracks mm owners,
 * the processes they belong to. */
static void describe_mappings(struct bpf_arena *arena, struct as_record *record)
{
    struct list_head *head = (struct list_head *)((char *)arena + bpf_core_field_offset(struct bpf_arena, vma_list));
    struct mapping_walk walk = {
        .node = (__u64)BPF_CORE_READ(head, next),
        .head = (__u64)head,
        .owners = bpf_core_field_exists(((struct mm_struct *)0)->owner),
    };

    bpf_loop(AS_MAX_VMAS, mapping_step, &walk, 0);
    record->vma_count = walk.count;
    record->pids_known = walk.owners && !walk.overflow;
    record->pid_count = walk.pid_count;
    __builtin_memcpy(record->pids, walk.pids, sizeof(record->pids));
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
    record.missing = missing_fields(arena);
    if (record.missing) {
        record.status = AS_UNKNOWN_LAYOUT;
        bpf_seq_write(seq, &record, sizeof(record));
        return 0;
    }
    record.user_vm_start = BPF_CORE_READ(arena, user_vm_start);
    record.user_vm_end = BPF_CORE_READ(arena, user_vm_end);
    record.kern_vm_start = (__u64)BPF_CORE_READ(arena, kern_vm, addr) + ARENA_HALF_GUARD;
    describe_mappings(arena, &record);

    struct probe_state probe = {
        .kern_vm_start = record.kern_vm_start,
        .user_vm_start = record.user_vm_start,
        .max_entries = record.max_entries,
    };
    if (cfg->frame_page && cfg->frame_page <= record.max_entries) {
        /* The frame behind one page, through the same page-table walk (a self-check). */
        struct page_tables tables = {};
        find_page_tables(&tables, cfg, record.kern_vm_start);
        if (tables.pgd)
            record.page_frame = kernel_frame(tables.pgd, tables.direct_map, tables.frame_mask, tables.top_shift,
                                             kernel_address(record.kern_vm_start, record.user_vm_start, cfg->frame_page - 1));
    }
    if (bpf_core_field_exists(arena->scratch_page))
        locate_scratch(arena, &probe, cfg);
    if (bpf_core_field_exists(arena->rt)) {
        struct loop_zeros *zero_words = bpf_map_lookup_elem(&zeros, &zero);
        if (!zero_words)
            return 0;
        struct walk_state walk = {
            .node = (__u64)BPF_CORE_READ(arena, rt.it_root.rb_leftmost),
            .free_pages = zero_words->words[0],
            .count = (__u32)zero_words->words[1],
            .next_first = (__u32)zero_words->words[2],
            .max_entries = record.max_entries,
            .status = (__u32)zero_words->words[3],
            .store = !cfg->walk_only,
        };
        bpf_loop(AS_MAX_RANGES + 1, walk_step, &walk, 0);
        record.status = walk.status;
        record.free_ranges = walk.count;
        record.free_pages = walk.free_pages;
        if (walk.status == AS_OK && walk.node)
            record.status = AS_TOO_MANY;
        if (record.status == AS_OK && cfg->probe_claimed && !cfg->walk_only) {
            /* Claimed spans: before the first range, between ranges, after the last. */
            probe.range_count = walk.count;
            probe.page = (__u32)zero_words->words[4];
            probe.runs = (__u32)zero_words->words[5];
            probe.next_range = (__u32)zero_words->words[6];
            probe.failed_pages = zero_words->words[7];
            if (walk.count) {
                struct as_range *first = bpf_map_lookup_elem(&free_ranges, &zero);
                probe.span_end = first ? first->first : 0;
            } else {
                probe.span_end = record.max_entries;
            }
            bpf_loop(record.max_entries, probe_step, &probe, 0);
            record.reserved_runs = probe.runs;
            record.reserved_pages = probe.failed_pages;
            record.scratch_pages = probe.scratch_pages;
            if (probe.status)
                record.status = probe.status;
        }
        if (bpf_core_field_exists(arena->free_spans) && record.status == AS_OK)
            describe_deferred_frees(arena, &record, !cfg->walk_only);
    } else {
        /* 6.9-6.12: the maple tree of allocated ranges; the free ranges are its complement
         * (nothing can be reserved, so claimed pages are backed and not probed). */
        struct maple_walk *walk = bpf_map_lookup_elem(&maple, &zero);
        if (!walk)
            return 0;
        maple_walk_tree(walk, (__u64)BPF_CORE_READ((struct bpf_arena___maple *)arena, mt.ma_root), record.max_entries, !cfg->walk_only);
        record.status = walk->status;
        record.free_ranges = walk->count;
        record.free_pages = walk->free_pages;
    }
    bpf_seq_write(seq, &record, sizeof(record));
    return 0;
}
