/* The list builder both workload objects use (libbpf takes one arena an object, so the
 * main arena's programs and the BPF_F_NO_USER_CONV arena's live in two objects). */
#ifndef ARENASCOPE_WL_BUILDER_H
#define ARENASCOPE_WL_BUILDER_H

#include "arena_kfuncs.h"
#include "workload_abi.h"

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


#endif
