// SPDX-License-Identifier: GPL-2.0
/* Loaded, never attached, to ask one question: does this kernel let BPF programs read
 * kernel memory? Under kernel lockdown's confidentiality mode (LOCKDOWN_BPF_READ_KERNEL)
 * the verifier no longer knows bpf_probe_read_kernel, and the load fails with EINVAL;
 * the sampler needs that helper to tell page states apart. */
#include "arena_common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe")
int arenascope_kread(void *context)
{
    __u64 word = 0;
    bpf_probe_read_kernel(&word, sizeof(word), context);
    return 0;
}
