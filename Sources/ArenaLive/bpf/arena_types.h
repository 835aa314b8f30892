/* The few kernel types arenascope's BPF programs read, declared locally for CO-RE:
 * field offsets are relocated against the running kernel's BTF at load time. */
#ifndef ARENASCOPE_ARENA_TYPES_H
#define ARENASCOPE_ARENA_TYPES_H

#include "arena_common.h"
#include <bpf/bpf_core_read.h>
/* GUARD_SZ/2 in kernel/bpf/arena.c: the window starts half a guard after kern_vm->addr. */
#define ARENA_HALF_GUARD (1UL << 15)

struct rb_node {
    unsigned long __rb_parent_color;
    struct rb_node *rb_right;
    struct rb_node *rb_left;
} __attribute__((preserve_access_index));

struct rb_root {
    struct rb_node *rb_node;
} __attribute__((preserve_access_index));

struct rb_root_cached {
    struct rb_root rb_root;
    struct rb_node *rb_leftmost;
} __attribute__((preserve_access_index));

struct range_tree {
    struct rb_root_cached it_root;
} __attribute__((preserve_access_index));

struct range_node {
    struct rb_node rn_rbnode;
    __u32 rn_start;
    __u32 rn_last;
} __attribute__((preserve_access_index));

struct vm_struct {
    void *addr;
} __attribute__((preserve_access_index));

typedef struct {
    __s64 counter;
} atomic64_t;

struct bpf_map {
    atomic64_t refcnt;
    __u32 id;
    char name[16];
    enum bpf_map_type map_type;
    __u32 max_entries;
    __u32 map_flags;
} __attribute__((preserve_access_index));

struct list_head {
    struct list_head *next;
} __attribute__((preserve_access_index));

struct mm_struct;

struct task_struct {
    int tgid;
    struct mm_struct *mm;
} __attribute__((preserve_access_index));

/* `owner` exists with CONFIG_MEMCG; the sampler checks before reading it. */
struct mm_struct {
    struct task_struct *owner;
    void *pgd;
} __attribute__((preserve_access_index));

struct vm_area_struct {
    struct mm_struct *vm_mm;
} __attribute__((preserve_access_index));

/* kernel/bpf/arena.c's record of one user mapping, linked in arena->vma_list. */
struct vma_list {
    struct vm_area_struct *vma;
    struct list_head head;
} __attribute__((preserve_access_index));

struct page {
    unsigned long flags;
} __attribute__((preserve_access_index));

struct llist_node {
    struct llist_node *next;
} __attribute__((preserve_access_index));

struct llist_head {
    struct llist_node *first;
} __attribute__((preserve_access_index));

/* 7.0+: a free from a non-sleepable context, queued until a worker does it. */
struct arena_free_span {
    struct llist_node node;
    unsigned long uaddr;
    __u32 page_cnt;
} __attribute__((preserve_access_index));

/* 6.9-6.12: a maple tree of allocated ranges where 6.13+ has `rt`. */
struct maple_tree {
    void *ma_root;
} __attribute__((preserve_access_index));

struct bpf_arena___maple {
    struct maple_tree mt;
} __attribute__((preserve_access_index));

/* Every field any kernel had; CO-RE says which the running one has. `rt` is 6.13+,
 * `free_spans` 7.0+, `scratch_page` 7.1+ (6.9-6.12's `mt` is in the flavour above). */
struct bpf_arena {
    struct bpf_map map;
    __u64 user_vm_start;
    __u64 user_vm_end;
    struct vm_struct *kern_vm;
    struct page *scratch_page;
    struct range_tree rt;
    struct list_head vma_list;
    struct llist_head free_spans;
} __attribute__((preserve_access_index));

struct seq_file;

struct bpf_iter_meta {
    struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_map {
    struct bpf_iter_meta *meta;
    struct bpf_map *map;
} __attribute__((preserve_access_index));

#endif
