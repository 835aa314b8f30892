// SPDX-License-Identifier: GPL-2.0
/* A test fixture, not part of arenascope: a BPF LSM program that refuses to create arena
 * maps (EPERM) whatever the caller's capabilities, as the hardened hosts that refuse arenas
 * do. scripts/test-kernels compiles it for its deny-arenas boot (the BPF LSM enabled with
 * lsm=...,bpf), where the test ArenaPolicyFixture loads and pins it before the suites run. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* int bpf_map_create(struct bpf_map *map, union bpf_attr *attr, struct bpf_token *token,
 * bool kernel), the hook's return value so far after its four arguments. */
SEC("lsm/bpf_map_create")
int deny_arenas(unsigned long long *context)
{
    union bpf_attr *attr = (union bpf_attr *)context[1];
    int so_far = (int)context[4];
    __u32 type = 0;

    if (so_far)
        return so_far;
    bpf_probe_read_kernel(&type, sizeof(type), &attr->map_type);
    return type == 33 ? -1 /* -EPERM */ : 0;
}
