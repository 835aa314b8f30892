// SPDX-License-Identifier: GPL-2.0
/* A list in a BPF_F_NO_USER_CONV arena, whose pointers are stored as their low 32 bits.
 * User space creates and mmaps the arena first (its address is then above 4 GiB, so the
 * low 32 bits differ from full addresses) and hands its fd to libbpf. */
#include "wl_builder.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE | ARENA_F_NO_USER_CONV);
    __uint(max_entries, WL_ARENA32_PAGES);
} arena32 SEC(".maps");

DEFINE_BUILDER(narrow, arena32, LOW32_POINTER)
DEFINE_LIST_PROGRAM(build_list_narrow, narrow)
