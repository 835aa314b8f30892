// SPDX-License-Identifier: GPL-2.0
/* `__arena` globals at the END of the arena, where libbpf >= 1.7 puts them on 7.0+ kernels,
 * built by hand for older libbpf: RootsProgram loads this program through a custom section
 * whose prepare-load callback moves each load of a global by WL_END_GLOBALS_OFFSET, as
 * libbpf 1.7's relocation does. The page is faulted in from user space first, as libbpf's
 * copy of the initial values does. */
#include "roots_types.h"
#include "workload_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, WL_END_PAGES);
} arena SEC(".maps");

struct arena_list_head __arena end_list;
__u64 __arena end_counters[4];

/* args: a = a value to keep. result = where the program sees end_counters. */
SEC("arenascope_end")
int touch_end(struct wl_args *args)
{
    end_counters[0] = args->a;
    end_counters[1] = (__u64)&end_list;
    args->result = (__u64)&end_counters[0];
    return 0;
}
