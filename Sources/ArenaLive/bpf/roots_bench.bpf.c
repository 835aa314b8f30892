// SPDX-License-Identifier: GPL-2.0
/* For the roots benchmark: an arena with 50 `__arena` globals used by 3 programs. */
#include "arena_kfuncs.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, ARENA_MAP_TYPE);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 64);
} arena SEC(".maps");

#define GLOBALS(X) X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07) X(08) X(09) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31) X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41) X(42) X(43) X(44) X(45) X(46) X(47) X(48) X(49)
#define DECLARE(n) __u64 __arena global_##n;
#define TOUCH(n) global_##n += 1;

GLOBALS(DECLARE)

#define PROGRAM(name)          \
    SEC("syscall")             \
    int name(void *context)    \
    {                          \
        GLOBALS(TOUCH)         \
        return 0;              \
    }

PROGRAM(touch_one)
PROGRAM(touch_two)
PROGRAM(touch_three)
