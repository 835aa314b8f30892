// SPDX-License-Identifier: GPL-2.0
/* Real arena workloads for arenascope's live tests and `demo --live`: syscall programs
 * (run with BPF_PROG_TEST_RUN) that build a linked list and a hash table in an arena,
 * free pages, reserve guard pages and churn. The arena sits at a fixed address
 * (map_extra). The list in a BPF_F_NO_USER_CONV arena is narrow.bpf.c's. */
#include "wl_builder.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, WL_ARENA_PAGES);
    __map_extra(WL_ARENA_ADDRESS);
} arena SEC(".maps");

DEFINE_BUILDER(wide, arena, FULL_POINTER)
DEFINE_LIST_PROGRAM(build_list, wide)

/* The last hash table built, a root for the object map (and its benchmarks). */
struct wl_table {
    struct wl_node __arena *buckets[ARENA_PAGE_SIZE / 8];
};

struct wl_table __arena *wl_last_table;

/* args: a = nodes, b = buckets (<= 512). result = bucket array (one page). */
SEC("syscall")
int build_hash(struct wl_args *args)
{
    void __arena *table = bpf_arena_alloc_pages(&arena, NULL, 1, ARENA_NUMA_NO_NODE, 0);
    struct build_state state = { .buckets = args->b };

    if (!table || args->b == 0 || args->b > ARENA_PAGE_SIZE / 8)
        return -1;
    state.table = (__u64)table;
    bpf_loop(args->a, build_one_wide, &state, 0);
    wl_last_table = (struct wl_table __arena *)state.table;
    args->result = state.table;
    args->result2 = state.count;
    return 0;
}

/* args: a = pages, b = address hint (0: best fit). result = address or 0. */
SEC("syscall")
int alloc_pages(struct wl_args *args)
{
    void __arena *page = bpf_arena_alloc_pages(&arena, (void __arena *)args->b, args->a, ARENA_NUMA_NO_NODE, 0);

    if (page)
        *(__u64 __arena *)page = WL_PAGE_MAGIC;
    args->result = (__u64)page;
    return 0;
}

/* args: a = address, b = pages. */
SEC("syscall")
int free_pages(struct wl_args *args)
{
    bpf_arena_free_pages(&arena, (void __arena *)args->a, args->b);
    return 0;
}

/* args: a = address, b = pages. result = kfunc's return (0, -EINVAL, -EBUSY), or 1 without the kfunc. */
SEC("syscall")
int reserve_pages(struct wl_args *args)
{
    if (!bpf_arena_reserve_pages) {
        args->result = 1;
        return 0;
    }
    args->result = (__u64)(__s64)bpf_arena_reserve_pages(&arena, (void __arena *)args->a, args->b);
    return 0;
}

struct stride_state {
    __u64 address;
    __u64 stride;
    __u64 done;
};

static long alloc_one_strided(__u32 index, struct stride_state *state)
{
    void __arena *page = bpf_arena_alloc_pages(&arena, (void __arena *)(state->address + index * state->stride), 1,
                                               ARENA_NUMA_NO_NODE, 0);
    if (page) {
        *(__u64 __arena *)page = WL_PAGE_MAGIC;
        state->done++;
    }
    return 0;
}

/* Allocates one page every `b` bytes from address `a`, `c` times: splits the free space
 * into many ranges (benchmarks). result = pages allocated. */
SEC("syscall")
int alloc_strided(struct wl_args *args)
{
    struct stride_state state = { .address = args->a, .stride = args->b };

    bpf_loop(args->c, alloc_one_strided, &state, 0);
    args->result = state.done;
    return 0;
}

struct churn_state {
    __u64 seed;
    __u64 allocated;
};

static __u64 next_random(__u64 *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return *seed >> 33;
}

/* Keeps an arena changing for `demo --live`: random allocations and frees of 1-8 pages. */
static long churn_one(__u32 index, struct churn_state *state)
{
    __u64 roll = next_random(&state->seed);
    __u32 count = 1 + roll % 8;
    __u32 page = (roll >> 8) % WL_ARENA_PAGES;

    if (roll & (1 << 20)) {
        void __arena *fresh = bpf_arena_alloc_pages(&arena, NULL, count, ARENA_NUMA_NO_NODE, 0);
        if (fresh) {
            *(__u64 __arena *)fresh = roll;
            state->allocated += count;
        }
    } else {
        bpf_arena_free_pages(&arena, (void __arena *)(WL_ARENA_ADDRESS + (__u64)page * ARENA_PAGE_SIZE), count);
    }
    return 0;
}

/* args: a = steps, b = seed. */
SEC("syscall")
int churn(struct wl_args *args)
{
    struct churn_state state = { .seed = args->b };

    bpf_loop(args->a, churn_one, &state, 0);
    args->result = state.allocated;
    return 0;
}
