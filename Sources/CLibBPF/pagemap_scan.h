/* The PAGEMAP_SCAN ioctl of /proc/PID/pagemap (Linux 6.7+, so on every kernel with
 * arenas), under names of our own: Debian 12's kernel headers predate it. */
#ifndef ARENASCOPE_PAGEMAP_SCAN_H
#define ARENASCOPE_PAGEMAP_SCAN_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <sys/ioctl.h>

#define AS_PAGE_IS_PRESENT (1 << 3)

/* struct page_region */
struct as_page_region {
    __u64 start;
    __u64 end;        /* exclusive */
    __u64 categories;
};

/* struct pm_scan_arg */
struct as_pm_scan_arg {
    __u64 size;
    __u64 flags;
    __u64 start;
    __u64 end;
    __u64 walk_end;   /* set by the kernel: where the scan stopped */
    __u64 vec;
    __u64 vec_len;
    __u64 max_pages;
    __u64 category_inverted;
    __u64 category_mask;
    __u64 category_anyof_mask;
    __u64 return_mask;
};

/* Runs PAGEMAP_SCAN on an open pagemap; returns the regions filled, or -1 with errno. */
static inline int as_pagemap_scan(int fd, struct as_pm_scan_arg *arg)
{
    return ioctl(fd, _IOWR('f', 16, struct as_pm_scan_arg), arg);
}

#endif
