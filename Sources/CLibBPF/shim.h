/* libbpf for Swift, plus the layouts shared with arenascope's BPF programs (the *_abi.h
 * headers here, which the BPF programs include too), the pagemap scan the live source
 * uses and capget(2) for the capabilities it needs. */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "sampler_abi.h"
#include "reader_abi.h"
#include "workload_abi.h"
#include "pagemap_scan.h"
#include "capabilities.h"
