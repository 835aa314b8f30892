/* Arguments of arenascope's page reader (a syscall program's context). */
#ifndef ARENASCOPE_READER_ABI_H
#define ARENASCOPE_READER_ABI_H

#ifndef __BPF__
#include <stdint.h>
typedef uint32_t ar_u32;
typedef uint64_t ar_u64;
#else
typedef __u32 ar_u32;
typedef __u64 ar_u64;
#endif

/* Pages copied per run at most. */
#define AR_BATCH 512
#define AR_BIND_ONLY 0xFFFFFFFFu

struct ar_args {
    ar_u64 user_vm_start;
    ar_u32 max_pages;
    ar_u32 count;    /* requests[0..count) are page indexes */
    ar_u32 copied;   /* set by the program */
    ar_u32 pad;
};

#endif
