/* Constants every arenascope BPF program shares. */
#ifndef ARENASCOPE_ARENA_COMMON_H
#define ARENASCOPE_ARENA_COMMON_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ARENA_MAP_TYPE 33
#define ARENA_PAGE_SIZE 4096

#endif
