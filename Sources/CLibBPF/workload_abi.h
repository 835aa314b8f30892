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
