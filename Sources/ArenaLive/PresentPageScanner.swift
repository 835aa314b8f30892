import ArenaModel
import CLibBPF
import Glibc

/// Which pages of an arena the processes that map it have in their page tables: one
/// PAGEMAP_SCAN of each process's pagemap a sample, which reports present pages as
/// ranges and skips holes without a word per page.
///
/// Each process's pagemap stays open between samples: opening it checks ptrace access
/// and costs about a third as much as the scan itself. An open pagemap follows the
/// process's address space, not its pid; once that is gone (exit, exec) the scan fails
/// and the pagemap is opened again, which finds whatever process has the pid by then.
final class PresentPageScanner {
    /// Open pagemaps, by pid.
    private(set) var pagemaps: [Int32: Int32] = [:]
    /// Where one scan reports its regions, kept between scans.
    private var regions = [as_page_region](repeating: as_page_region(), count: 1024)

    deinit {
        for fd in pagemaps.values { close(fd) }
    }

    /// Pages between `span.first` and `span.last` that any of `pids` has in its page
    /// table, sorted and merged. A process that is gone or whose pagemap cannot be
    /// scanned contributes no page. Pagemaps of processes not in `pids` are closed.
    func presentPages(pids: [Int32], geometry: ArenaGeometry, span: PageRange) -> [PageRange] {
        for (pid, fd) in pagemaps where !pids.contains(pid) {
            close(fd)
            pagemaps[pid] = nil
        }
        var ranges: [PageRange] = []
        for pid in pids {
            ranges += presentPages(pid: pid, geometry: geometry, span: span)
        }
        return PageRange.merged(ranges)
    }

    private func presentPages(pid: Int32, geometry: ArenaGeometry, span: PageRange) -> [PageRange] {
        // A pagemap kept open since an earlier sample may belong to an address space that
        // is gone: that one is opened again once. A process that has exited is dropped at
        // once: some kernels (7.2) scan an exited address space as empty, without ESRCH.
        if let fd = pagemaps[pid], kill(pid, 0) != 0 && errno == ESRCH {
            close(fd)
            pagemaps[pid] = nil
        }
        var kept = pagemaps[pid] != nil
        while let fd = pagemap(of: pid) {
            if let ranges = scan(fd, geometry: geometry, span: span) { return ranges }
            close(fd)
            pagemaps[pid] = nil
            guard kept else { break }
            kept = false
        }
        return []
    }

    private func pagemap(of pid: Int32) -> Int32? {
        if let fd = pagemaps[pid] { return fd }
        let fd = open("/proc/\(pid)/pagemap", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        pagemaps[pid] = fd
        return fd
    }

    /// The present pages of the span in one address space, or nil when it cannot be scanned.
    private func scan(_ fd: Int32, geometry: ArenaGeometry, span: PageRange) -> [PageRange]? {
        var ranges: [PageRange] = []
        let end = geometry.address(ofPage: span.last) + geometry.pageSize
        var start = geometry.address(ofPage: span.first)
        while start < end {
            var scan = as_pm_scan_arg()
            scan.size = UInt64(MemoryLayout<as_pm_scan_arg>.size)
            scan.start = start
            scan.end = end
            scan.vec_len = UInt64(regions.count)
            scan.category_mask = UInt64(AS_PAGE_IS_PRESENT)
            scan.return_mask = UInt64(AS_PAGE_IS_PRESENT)
            let filled = regions.withUnsafeMutableBufferPointer { buffer in
                scan.vec = UInt64(UInt(bitPattern: buffer.baseAddress))
                return as_pagemap_scan(fd, &scan)
            }
            guard filled >= 0 else { return nil }
            guard scan.walk_end > start else { return ranges }
            for region in regions.prefix(Int(filled)) where region.end > region.start {
                guard let first = geometry.page(containing: region.start),
                    let last = geometry.page(containing: region.end - 1)
                else { continue }
                ranges.append(PageRange(first: first, last: last))
            }
            start = scan.walk_end
        }
        return ranges
    }
}
