/* libbpf for Swift, plus the layouts shared with arenascope's BPF programs and the
 * pagemap scan the live source uses. */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "../ArenaLive/bpf/sampler_abi.h"
#include "../ArenaLive/bpf/reader_abi.h"
#include "../ArenaLive/bpf/workload_abi.h"
#include "pagemap_scan.h"
