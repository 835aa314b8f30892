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

struct page_bytes {
    __u64 words[ARENA_PAGE_SIZE / 8];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, AR_BATCH);
    __type(key, __u32);
    __type(value, struct page_bytes);
} pages SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, AR_BATCH);
    __type(key, __u32);
    __type(value, __u64);   /* array elements are 8-byte aligned: keep the mmap stride plain */
} requests SEC(".maps");

static long copy_page(__u32 index, struct ar_args *args)
{
    __u64 *page = bpf_map_lookup_elem(&requests, &index);
    struct page_bytes *out = bpf_map_lookup_elem(&pages, &index);

    if (!page || !out || *page >= args->max_pages)
        return 1;
    __u64 __arena *source = (__u64 __arena *)(args->user_vm_start + (__u64)*page * ARENA_PAGE_SIZE);
    for (int word = 0; word < ARENA_PAGE_SIZE / 8; word++)
        out->words[word] = source[word];
    args->copied++;
    return 0;
}

SEC("syscall")
int read_pages(struct ar_args *args)
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
    bpf_loop(local.count, copy_page, &local, 0);
    args->copied = local.copied;
    return 0;
}
