// SPDX-License-Identifier: GPL-2.0
/* 7.0+ only: arena kfuncs called where a program cannot sleep, for the live tests of
 * what those kernels changed. A free there is deferred (queued on the arena's free_spans
 * until a worker runs it); a load from an unallocated page faults, and 7.1+ maps its
 * scratch page there. Loaded only where the kernel defers frees: earlier ones refuse it. */
#include "arena_kfuncs.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 1);
} arena SEC(".maps");

extern void bpf_preempt_disable(void) __ksym;
extern void bpf_preempt_enable(void) __ksym;

static long alloc_and_free(__u32 index, __u64 *frees)
{
    void __arena *page = bpf_arena_alloc_pages(&arena, NULL, 1, ARENA_NUMA_NO_NODE, 0);

    if (page) {
        *(__u64 __arena *)page = index + 1;
        bpf_arena_free_pages(&arena, page, 1);
        (*frees)++;
    }
    return 0;
}

static long idle(__u32 index, void *unused)
{
    return 0;
}

/* ctx[0]: pages to allocate and free one at a time; ctx[1]: idle loop steps afterwards,
 * with the worker kept off this CPU. Returns the pages freed. */
SEC("raw_tp")
int free_deferred(__u64 *ctx)
{
    __u64 frees = 0;
    __u32 rounds = ctx[0];
    __u32 steps = ctx[1];

    bpf_preempt_disable();
    bpf_loop(rounds, alloc_and_free, &frees, 0);
    bpf_loop(steps, idle, NULL, 0);
    bpf_preempt_enable();
    return frees;
}

/* ctx[0]: address, ctx[1]: pages. Returns the kfunc's result. */
SEC("raw_tp")
int reserve(__u64 *ctx)
{
    return bpf_arena_reserve_pages(&arena, (void __arena *)ctx[0], ctx[1]);
}

/* ctx[0]: address; ctx[1]: the arena's kernel window, or 0. Loads the word at the address
 * with an arena load, and where ctx[1] is given also through the kernel's own copy
 * (bpf_probe_read_kernel from a program that uses the arena). Returns the low bits of
 * the word (0 where the loads faulted). */
SEC("raw_tp")
int touch(__u64 *ctx)
{
    /* Never true in use: references the arena so the verifier binds this program to it. */
    if (!ctx[0]) {
        bpf_arena_free_pages(&arena, (void __arena *)0, 0);
        return 0;
    }
    __u64 word = *(volatile __u64 __arena *)ctx[0];
    if (ctx[1] && bpf_probe_read_kernel(&word, sizeof(word), (void *)(ctx[1] + (__u32)ctx[0])))
        word = 0;
    return (int)word;
}
