/* Arguments and constants of arenascope's workload programs. */
#ifndef ARENASCOPE_WORKLOAD_ABI_H
#define ARENASCOPE_WORKLOAD_ABI_H

#ifndef __BPF__
#include <stdint.h>
typedef uint64_t wl_u64;
#else
typedef __u64 wl_u64;
#endif

#define WL_ARENA_PAGES 4096
#define WL_ARENA_ADDRESS 0x40000000
#define WL_ARENA32_PAGES 256
/* roots_end.bpf.c's arena, and where its globals go: its last page, as libbpf >= 1.7 puts
 * a page of globals on 7.0+ kernels (mmap size - data size rounded up to a page). */
#define WL_END_PAGES 16
#define WL_END_GLOBALS_OFFSET 61440 /* (WL_END_PAGES - 1) * 4096: a plain number, for Swift */
#define WL_NODE_MAGIC 0xA7E4A5C0DEull
#define WL_PAGE_MAGIC 0xA11C0CA7EDull

/* The context of every workload program: inputs a, b, c; outputs result, result2. */
struct wl_args {
    wl_u64 a;
    wl_u64 b;
    wl_u64 c;
    wl_u64 result;
    wl_u64 result2;
};

#endif
