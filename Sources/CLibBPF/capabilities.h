/* This process's effective capabilities, from capget(2), which glibc does not declare. */
#ifndef ARENASCOPE_CAPABILITIES_H
#define ARENASCOPE_CAPABILITIES_H

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

/* 0 and the 64-bit effective set in *effective, or -1 (errno set). */
static inline int as_effective_capabilities(unsigned long long *effective)
{
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
    if (syscall(SYS_capget, &header, data) != 0)
        return -1;
    *effective = (unsigned long long)data[0].effective | (unsigned long long)data[1].effective << 32;
    return 0;
}

#endif
