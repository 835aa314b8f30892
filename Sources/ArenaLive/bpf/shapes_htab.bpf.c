// SPDX-License-Identifier: GPL-2.0
/* A program shaped like the kernel's arena hash table selftest, for the object map's tests:
 * a `void *` handle in .bss that the program casts to its table, a pointer-plus-count bucket
 * array, and elements that embed their list node at +16, all from a page fragment allocator
 * whose state is arena globals. The table's types are used only through locals: its DWARF
 * has them, its .BTF does not. */
#include "arena_list.h"
#include "workload_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 512);
} arena SEC(".maps");

#include "frag_alloc.h"

struct hashtab_elem {
    int hash;
    int key;
    int value;
    struct arena_list_node hash_node;
};

typedef struct arena_list_head htab_bucket_t;

struct htab {
    htab_bucket_t __arena *buckets;
    int n_buckets;
};

void __arena *htab_for_user;
__u64 htab_count;

/* a = elements to insert (at most 64), b = buckets the first time (a power of two, at
 * most 64). result = elements in the table. */
SEC("syscall")
int htab_insert(struct wl_args *args)
{
    struct htab __arena *htab = htab_for_user;

    if (!htab) {
        __u32 n = args->b & 127;

        htab = frag_alloc(sizeof(*htab));
        if (!htab || n == 0 || n > 64)
            return 1;
        htab->buckets = frag_alloc(sizeof(htab_bucket_t) * n);
        /* Arena pages come zeroed: every bucket starts empty. */
        if (!htab->buckets)
            return 1;
        htab->n_buckets = n;
        htab_for_user = htab;
    }
    for (__u32 i = 0; i < 64 && i < args->a; i++) {
        struct hashtab_elem __arena *e = frag_alloc(sizeof(*e));
        int key = htab_count;

        if (!e)
            return 1;
        e->key = key;
        e->value = key * 10;
        e->hash = key * 2654435761u;
        arena_list_add_head(&e->hash_node, &htab->buckets[e->hash & (htab->n_buckets - 1) & 63]);
        htab_count++;
    }
    args->result = htab_count;
    return 0;
}
