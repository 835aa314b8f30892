// SPDX-License-Identifier: GPL-2.0
/* Real arena workloads for arenascope's live tests and `demo --live`: syscall programs
 * (run with BPF_PROG_TEST_RUN) that build a linked list and a hash table in an arena,
 * free pages, reserve guard pages, churn, and build a list in a BPF_F_NO_USER_CONV
 * arena. The main arena sets map_extra, so Debian's libbpf 1.1 loads it; user space creates
 * and mmaps the NO_USER_CONV one first and hands it to libbpf. */
#include "arena_kfuncs.h"
#include "workload_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, WL_ARENA_PAGES);
    __map_extra(WL_ARENA_ADDRESS);
} arena SEC(".maps");

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE | ARENA_F_NO_USER_CONV);
    __uint(max_entries, WL_ARENA32_PAGES);
} arena32 SEC(".maps");

/* { next; value; magic } nodes, carved from the arena page by page. */
struct wl_node {
    struct wl_node __arena *next;
    __u64 value;
    __u64 magic;
};

/* The last list built: also what puts struct wl_node in the program's BTF, where arenascope's
 * typed views find it. */
struct wl_node __arena *wl_last_head;

struct build_state {
    __u64 head;     /* first node, as the program stores it */
    __u64 count;
    __u64 value;
    __u64 table;    /* hash table bucket array, or 0 for one list */
    __u32 buckets;
};

/* A program may use one arena only, so each arena gets its own allocator and builder:
 * nodes are carved from the arena page by page by a bump allocator whose state lives in
 * plain globals. */
#define DEFINE_BUILDER(suffix, arena_map, encode)                                                   \
    __u64 bump_page_##suffix;                                                               \
    __u32 bump_used_##suffix;                                                               \
                                                                                            \
    static struct wl_node __arena *new_node_##suffix(void)                                  \
    {                                                                                       \
        if (!bump_page_##suffix || bump_used_##suffix + sizeof(struct wl_node) > ARENA_PAGE_SIZE) { \
            void __arena *fresh = bpf_arena_alloc_pages(&arena_map, NULL, 1, ARENA_NUMA_NO_NODE, 0); \
            if (!fresh)                                                                     \
                return NULL;                                                                \
            bump_page_##suffix = (__u64)fresh;                                              \
            bump_used_##suffix = 0;                                                         \
        }                                                                                   \
        struct wl_node __arena *node = (struct wl_node __arena *)(bump_page_##suffix + bump_used_##suffix); \
        bump_used_##suffix += sizeof(struct wl_node);                                       \
        return node;                                                                        \
    }                                                                                       \
                                                                                            \
    static long build_one_##suffix(__u32 index, struct build_state *state)                  \
    {                                                                                       \
        struct wl_node __arena *node = new_node_##suffix();                                 \
        if (!node)                                                                          \
            return 1;                                                                       \
        node->value = state->value + index;                                                 \
        node->magic = WL_NODE_MAGIC;                                                        \
        if (state->buckets) {                                                               \
            struct wl_node __arena *__arena *slots = (struct wl_node __arena *__arena *)state->table; \
            __u32 bucket = (state->value + index) % state->buckets;                         \
            node->next = slots[bucket];                                                     \
            slots[bucket] = (struct wl_node __arena *)encode((__u64)node);                  \
        } else {                                                                            \
            node->next = (struct wl_node __arena *)state->head;                             \
            state->head = encode((__u64)node);                                              \
        }                                                                                   \
        state->count++;                                                                     \
        return 0;                                                                           \
    }

/* Pointers as programs keep them in memory: full user addresses by default; in a
 * BPF_F_NO_USER_CONV arena the verifier does no user conversion, so only the low 32 bits. */
#define FULL_POINTER(p) (p)
#define LOW32_POINTER(p) ((__u64)(__u32)(p))

DEFINE_BUILDER(wide, arena, FULL_POINTER)
DEFINE_BUILDER(narrow, arena32, LOW32_POINTER)

/* args: a = nodes, b = first value. result = head, result2 = nodes built. */
#define DEFINE_LIST_PROGRAM(name, suffix)                  \
    SEC("syscall")                                         \
    int name(struct wl_args *args)                         \
    {                                                      \
        struct build_state state = { .value = args->b };   \
                                                           \
        bpf_loop(args->a, build_one_##suffix, &state, 0);  \
        args->result = state.head;                         \
        args->result2 = state.count;                       \
        wl_last_head = (struct wl_node __arena *)state.head; \
        return 0;                                          \
    }

DEFINE_LIST_PROGRAM(build_list, wide)
/* The same in the BPF_F_NO_USER_CONV arena. */
DEFINE_LIST_PROGRAM(build_list_narrow, narrow)

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
