// SPDX-License-Identifier: GPL-2.0
/* A program shaped like what users load with libbpf 1.4+, for the roots tests: `__arena`
 * globals (libbpf places them in the arena), ordinary globals that point into the arena
 * (a typed pointer, a struct with a `void *` field, a plain integer), list nodes the BTF
 * only declares, and elements used only through locals. libbpf creates the arena and maps
 * it into the loading process, as it does for every program with an arena. */
#include "roots_types.h"
#include "workload_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 64);
} arena SEC(".maps");

/* In the arena. */
struct arena_list_head __arena list;
__u64 __arena counters[4];

/* In .bss, pointing into the arena. */
struct arena_list_head __arena *list_ptr;
struct roots_config config;
__u64 last_added;

/* args: a = elements to add, b = first value. result = elements in the list. */
SEC("syscall")
int add_elems(struct wl_args *args)
{
    for (__u32 i = 0; i < 32 && i < args->a; i++) {
        struct elem __arena *e = bpf_arena_alloc_pages(&arena, NULL, 1, ARENA_NUMA_NO_NODE, 0);

        if (!e)
            return 1;
        e->value = args->b + i;
        e->node.next = list.first;
        if (list.first)
            list.first->pprev = &e->node.next;
        e->node.pprev = &list.first;
        list.first = &e->node;
        counters[0]++;
        last_added = (__u64)e;
    }
    list_ptr = &list;
    config.scratch = &counters[1];
    config.generation++;
    args->result = counters[0];
    return 0;
}
