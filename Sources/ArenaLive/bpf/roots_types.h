/* The types of roots.bpf.c, shaped like the kernel selftests' arena list (bpf_arena_list.h):
 * list nodes reached only through pointers (clang's BTF then holds them as forward
 * declarations) and elements used only through local variables (absent from the BTF). */
#ifndef ARENASCOPE_ROOTS_TYPES_H
#define ARENASCOPE_ROOTS_TYPES_H

#include "arena_list.h"

struct elem {
    struct arena_list_node node;
    __u64 value;
};

struct roots_config {
    void __arena *scratch;
    __u32 generation;
};

#endif
