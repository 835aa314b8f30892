/* The kernel selftests' intrusive arena list (bpf_arena_list.h), as its users write it: a
 * node embedded in each element, `next` and `pprev` (the previous node's `next` field). */
#ifndef ARENASCOPE_ARENA_LIST_H
#define ARENASCOPE_ARENA_LIST_H

#include "arena_kfuncs.h"

struct arena_list_node {
    struct arena_list_node __arena *next;
    struct arena_list_node __arena * __arena *pprev;
};

struct arena_list_head {
    struct arena_list_node __arena *first;
};

static inline void arena_list_add_head(struct arena_list_node __arena *node, struct arena_list_head __arena *head)
{
    struct arena_list_node __arena *first = head->first;

    node->next = first;
    if (first)
        first->pprev = &node->next;
    node->pprev = &head->first;
    head->first = node;
}

#endif
