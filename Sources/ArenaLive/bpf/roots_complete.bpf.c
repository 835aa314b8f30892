// SPDX-License-Identifier: GPL-2.0
/* Never loaded: an object whose BTF holds roots.bpf.c's types complete (every node and
 * element type used by value), the kind of file a user hands to `--btf` when the loaded
 * program's BTF lacks them. */
#include "roots_types.h"

char LICENSE[] SEC("license") = "GPL";

struct arena_list_node complete_node;
struct elem complete_elem;
struct arena_list_head complete_head;
