/* Arena pointers and the arena kfuncs, for programs that use an arena. */
#ifndef ARENASCOPE_ARENA_KFUNCS_H
#define ARENASCOPE_ARENA_KFUNCS_H

#include "arena_common.h"

#define __arena __attribute__((address_space(1)))

/* libbpf's __uint() declares `int (*name)[val]`: an array of val ints, whose BTF size
 * overflows 32 bits for addresses from 1 GiB up, and the kernel then refuses the
 * object's BTF. An array of chars carries the same number and stays small enough. */
#define __map_extra(val) char (*map_extra)[val]
#define ARENA_NUMA_NO_NODE (-1)
/* Not in Debian 12's <linux/bpf.h> (6.1 headers). */
#define ARENA_F_NO_USER_CONV (1U << 18)

extern void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id, __u64 flags) __ksym __weak;
extern void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym __weak;
extern int bpf_arena_reserve_pages(void *map, void __arena *addr, __u32 page_cnt) __ksym __weak;

#endif
