/* A page-fragment allocator whose state is arena globals, as the kernel selftests'
 * bpf_arena_alloc.h keeps it: each CPU's current page and the offset objects are carved
 * down from; a page's last 8 bytes count the objects in it. Include it after the map
 * called `arena`. */
#ifndef ARENASCOPE_FRAG_ALLOC_H
#define ARENASCOPE_FRAG_ALLOC_H

#include "arena_kfuncs.h"

#define FRAG_NR_CPUS 8192

void __arena * __arena page_frag_cur_page[FRAG_NR_CPUS];
int __arena page_frag_cur_offset[FRAG_NR_CPUS];

static inline void __arena *frag_alloc(unsigned int size)
{
    __u32 cpu = bpf_get_smp_processor_id() & (FRAG_NR_CPUS - 1);
    void __arena *page = page_frag_cur_page[cpu];
    int offset;

    size = (size + 7) & ~7u;
    if (size >= ARENA_PAGE_SIZE - 8)
        return NULL;
    if (!page || page_frag_cur_offset[cpu] < (int)size) {
        page = bpf_arena_alloc_pages(&arena, NULL, 1, ARENA_NUMA_NO_NODE, 0);
        if (!page)
            return NULL;
        page_frag_cur_page[cpu] = page;
        page_frag_cur_offset[cpu] = ARENA_PAGE_SIZE - 8;
        *(__u64 __arena *)(page + ARENA_PAGE_SIZE - 8) = 0;
    }
    offset = page_frag_cur_offset[cpu] - size;
    if (offset < 0)
        return NULL;
    page_frag_cur_offset[cpu] = offset;
    (*(__u64 __arena *)(page + ARENA_PAGE_SIZE - 8))++;
    return page + offset;
}

#endif
