// SPDX-License-Identifier: GPL-2.0
/* arenascope's page reader: a syscall program bound to one arena (its map fd is handed
 * to libbpf before load) that copies requested pages with plain arena loads into an
 * mmapable array. User space asks only for pages the sampler saw backed; a load from a
 * page freed since then reads 0 and allocates nothing. */
#include "arena_kfuncs.h"
#include "reader_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 1);
} arena SEC(".maps");

/* One element each, so a batch costs two map lookups per group of pages, not per page. */
struct page_batch {
    __u64 words[AR_BATCH * ARENA_PAGE_SIZE / 8];
};

struct request_batch {
    __u64 pages[AR_BATCH];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct page_batch);
} pages SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct request_batch);
} requests SEC(".maps");

/* Pages copied per callback. */
#define GROUP 8

static long copy_group(__u32 group, struct ar_args *args)
{
    __u32 zero = 0;
    struct request_batch *wanted = bpf_map_lookup_elem(&requests, &zero);
    struct page_batch *out = bpf_map_lookup_elem(&pages, &zero);

    if (!wanted || !out)
        return 1;
    for (int member = 0; member < GROUP; member++) {
        __u32 slot = (group * GROUP + member) & (AR_BATCH - 1);
        if (group * GROUP + member >= args->count)
            return 1;
        __u64 page = wanted->pages[slot];
        if (page >= args->max_pages)
            return 1;
        __u64 __arena *source = (__u64 __arena *)(args->user_vm_start + page * ARENA_PAGE_SIZE);
        __u64 *target = &out->words[slot * (ARENA_PAGE_SIZE / 8)];
        /* Eight words an iteration: constant offsets, a quarter of the loop overhead. */
#pragma clang loop unroll_count(8)
        for (int word = 0; word < ARENA_PAGE_SIZE / 8; word++)
            target[word] = source[word];
        args->copied++;
    }
    return 0;
}

/* The name tells other arenascope sessions that this program is a reader, not a user. */
SEC("syscall")
int arenascope_read(struct ar_args *args)
{
    struct ar_args local = *args;

    /* Never true in use: references the arena so the verifier binds this program to it. */
    if (local.count == AR_BIND_ONLY) {
        bpf_arena_free_pages(&arena, (void __arena *)0, 0);
        return 0;
    }
    if (local.count > AR_BATCH)
        return -1;
    local.copied = 0;
    bpf_loop((local.count + GROUP - 1) / GROUP, copy_group, &local, 0);
    args->copied = local.copied;
    return 0;
}
