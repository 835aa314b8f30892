/* What the sampler program and arenascope's Swift side exchange. Shared by both: the
 * Swift side imports this header through the CLibBPF module, the program includes it
 * from this folder (the BPF compiler plugin puts it on the include path). */
#ifndef ARENASCOPE_SAMPLER_ABI_H
#define ARENASCOPE_SAMPLER_ABI_H

#ifndef __BPF__
#include <stdint.h>
typedef uint32_t as_u32;
typedef uint64_t as_u64;
#else
typedef __u32 as_u32;
typedef __u64 as_u64;
#endif

/* Capacity of the range maps: a 1,048,576-page arena has at most 524,288 maximal ranges. */
#define AS_MAX_RANGES 524288
/* Deferred frees in flight (7.0+ `free_spans`) kept per sample, at most. */
#define AS_MAX_SPANS 4096
/* Mappings counted at most: past this the count only says "many". */
#define AS_MAX_VMAS 256
/* Mappings whose process is named, per arena, at most. */
#define AS_MAX_PIDS 16

/* Set by user space in the `config` map before each iterator read. */
struct as_config {
    as_u32 target_id;      /* only this arena's ranges are kept; 0 = every arena, counts only */
    as_u32 probe_claimed;  /* 1: probe claimed pages to tell reserved from backed */
    as_u32 walk_only;      /* 1: walk and count the free ranges, store and probe nothing (benchmarks) */
    as_u32 frame_page;     /* page + 1 of the target whose frame goes in `page_frame`; 0: none */
    as_u32 page_tables;    /* 1: the kernel's page tables may be walked (scratch page, frame_page) */
    as_u32 pad;
    /* Where these kernel variables are (/proc/kallsyms), where the kernel has them (a
     * randomized memory layout); 0 where it has not: the fixed layout's bases hold. */
    as_u64 page_offset_base;
    as_u64 vmemmap_base;
    as_u64 sme_me_mask;
};

/* An inclusive page range. */
struct as_range {
    as_u32 first;
    as_u32 last;
};

enum as_status {
    AS_OK = 0,
    AS_TORN = 1,        /* the tree changed under the walk: ranges out of order, a dead node */
    AS_TOO_MANY = 2,    /* more ranges than AS_MAX_RANGES */
    AS_UNKNOWN_LAYOUT = 3, /* struct bpf_arena lacks a field the sampler needs (see `missing`) */
};

/* Fields of struct bpf_arena (or of the map) that every layout needs: a bit each in `missing`. */
enum as_field {
    AS_FIELD_USER_VM_START = 1,
    AS_FIELD_USER_VM_END = 2,
    AS_FIELD_KERN_VM = 4,
    AS_FIELD_VMA_LIST = 8,
    AS_FIELD_TREE = 16,     /* neither `rt` (6.13+) nor `mt` (6.9-6.12) */
};

/* One record per arena, written to the iterator's seq_file. */
struct as_record {
    as_u32 id;
    as_u32 max_entries;
    as_u32 map_flags;
    as_u32 status;
    as_u64 user_vm_start;
    as_u64 user_vm_end;
    as_u64 kern_vm_start;
    as_u32 free_ranges;     /* ranges written to the `free_ranges` map (target only) */
    as_u32 reserved_runs;   /* runs written to the `reserved_runs` map (target only) */
    as_u64 free_pages;
    as_u64 reserved_pages;
    as_u64 refcnt;          /* the map's reference count, the iterator's own included */
    as_u32 vma_count;       /* user mappings of the arena (capped at AS_MAX_VMAS) */
    as_u32 pids_known;      /* 1: `pids` names the mapping processes (the kernel has mm->owner) */
    as_u32 pid_count;       /* entries in `pids`: one a mapping, a process may repeat */
    as_u32 pids[AS_MAX_PIDS];
    char name[16];
    as_u32 missing;         /* enum as_field bits, with AS_UNKNOWN_LAYOUT */
    as_u32 freeing_spans;   /* spans written to the `freeing` map (target only) */
    as_u32 scratch_pages;   /* claimed pages backed only by the scratch page */
    as_u64 freeing_pages;
    as_u64 page_frame;      /* the frame behind `frame_page` from the kernel's page tables; 0: none */
};

#endif
