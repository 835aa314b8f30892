// SPDX-License-Identifier: GPL-2.0
/* A program shaped like the kernel's arena list selftest and sched_ext's task allocator, for
 * the object map's tests: elements that embed their list node at +0, allocated from a page
 * fragment allocator whose state is arena globals, and a radix tree whose chunks are a union
 * of interior and leaf pointer arrays. Its element, chunk and data types are used only
 * through locals, so its .BTF lacks or only declares them; its DWARF has them. */
#include "roots_types.h"
#include "workload_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 512);
} arena SEC(".maps");

#include "frag_alloc.h"

#define SDT_ENTS 512

struct sdt_chunk;

struct sdt_desc {
    __u64 allocated[SDT_ENTS / 64];
    __u64 nr_free;
    struct sdt_chunk __arena *chunk;
};

struct sdt_data {
    __u64 tid;
    __u64 payload[6];
};

struct sdt_chunk {
    union {
        struct sdt_desc __arena *descs[SDT_ENTS];
        struct sdt_data __arena *data[SDT_ENTS];
    };
};

struct sdt_allocator {
    __u64 elem_size;
    struct sdt_desc __arena *root;
};

/* In .bss, as the selftest keeps its list head and sched_ext its allocator. */
struct arena_list_head __arena *list_head;
__u64 list_count;
struct sdt_allocator sdt_state;

/* a = elements to add (at most 64), b = the first one's value. result = elements in the list. */
SEC("syscall")
int list_add(struct wl_args *args)
{
    if (!list_head) {
        struct arena_list_head __arena *head = frag_alloc(sizeof(*head));

        if (!head)
            return 1;
        head->first = NULL;
        list_head = head;
    }
    for (__u32 i = 0; i < 64 && i < args->a; i++) {
        struct elem __arena *e = frag_alloc(sizeof(*e));

        if (!e)
            return 1;
        e->value = args->b + i;
        arena_list_add_head(&e->node, list_head);
        list_count++;
    }
    args->result = list_count;
    return 0;
}

/* A two-level tree: a root descriptor whose chunk points to a = leaf descriptors (at most 4),
 * each leaf's chunk to b = data (at most 64). result = data allocated. */
SEC("syscall")
int sdt_build(struct wl_args *args)
{
    struct sdt_desc __arena *root = frag_alloc(sizeof(*root));
    struct sdt_chunk __arena *interior = bpf_arena_alloc_pages(&arena, NULL, 1, ARENA_NUMA_NO_NODE, 0);
    __u64 made = 0;

    if (!root || !interior)
        return 1;
    root->chunk = interior;
    for (__u32 i = 0; i < 4 && i < args->a; i++) {
        struct sdt_desc __arena *leaf = frag_alloc(sizeof(*leaf));
        struct sdt_chunk __arena *chunk = bpf_arena_alloc_pages(&arena, NULL, 1, ARENA_NUMA_NO_NODE, 0);

        if (!leaf || !chunk)
            return 1;
        leaf->chunk = chunk;
        interior->descs[i] = leaf;
        root->allocated[0] |= 1ull << i;
        for (__u32 j = 0; j < 64 && j < args->b; j++) {
            struct sdt_data __arena *data = frag_alloc(sizeof(*data));

            if (!data)
                return 1;
            data->tid = (i << 16) | j;
            for (__u32 k = 0; k < 6; k++)
                data->payload[k] = j * 8 + k + 1;
            chunk->data[j] = data;
            leaf->allocated[0] |= 1ull << j;
            made++;
        }
        leaf->nr_free = SDT_ENTS - args->b;
    }
    root->nr_free = SDT_ENTS - args->a;
    sdt_state.elem_size = sizeof(struct sdt_data);
    sdt_state.root = root;
    args->result = made;
    return 0;
}
