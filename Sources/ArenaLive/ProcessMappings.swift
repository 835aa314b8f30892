import ArenaModel
import CLibBPF
import Foundation

/// Which processes map an arena, and which of its pages each has faulted in, from /proc.
enum ProcessMappings {
    /// The processes that map the arena: as the kernel names them (mm owners) where it can,
    /// else those with a BPF-map mapping of exactly the arena's range, which two arenas at the
    /// same address in different processes would share.
    static func processes(of record: ArenaRecord) -> [Int32] {
        if record.mappingCount == 0 { return [] }
        return record.mappingProcesses ?? processes(mapping: record.userVMStart, end: record.userVMEnd)
    }

    /// Processes with a mapping of `[start, end)` backed by a BPF map (`anon_inode:bpf-map`).
    static func processes(mapping start: UInt64, end: UInt64) -> [Int32] {
        guard start != 0, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let wanted = String(start, radix: 16) + "-" + String(end, radix: 16) + " "
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                  let maps = try? String(contentsOfFile: "/proc/\(entry)/maps", encoding: .utf8) else { return nil }
            for line in maps.split(separator: "\n") where line.hasPrefix(wanted) && line.hasSuffix("anon_inode:bpf-map") {
                return pid
            }
            return nil
        }.sorted()
    }

    /// Pages between `span.first` and `span.last` that any of `pids` has in its page
    /// table, sorted and merged. One PAGEMAP_SCAN of each process's pagemap reports
    /// present pages as ranges, skipping holes without a word per page. A process that
    /// is gone or whose pagemap cannot be scanned contributes no page.
    static func presentPages(pids: [Int32], geometry: ArenaGeometry, span: PageRange) -> [PageRange] {
        var ranges: [PageRange] = []
        for pid in pids {
            ranges += presentPages(pid: pid, geometry: geometry, span: span)
        }
        return merged(ranges.sorted { $0.first < $1.first })
    }

    private static func presentPages(pid: Int32, geometry: ArenaGeometry, span: PageRange) -> [PageRange] {
        let fd = open("/proc/\(pid)/pagemap", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var regions = [as_page_region](repeating: as_page_region(), count: regionsPerScan)
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
            guard filled >= 0, scan.walk_end > start else { return ranges }
            for region in regions.prefix(Int(filled)) where region.end > region.start {
                guard let first = geometry.page(containing: region.start),
                      let last = geometry.page(containing: region.end - 1) else { continue }
                ranges.append(PageRange(first: first, last: last))
            }
            start = scan.walk_end
        }
        return ranges
    }

    /// Regions one scan reports at most before it is continued.
    private static let regionsPerScan = 1024

    /// Joins overlapping and touching ranges of a list sorted by first page.
    private static func merged(_ ranges: [PageRange]) -> [PageRange] {
        var result: [PageRange] = []
        for range in ranges {
            if let last = result.last, range.first <= last.last + 1 {
                result[result.count - 1].last = max(last.last, range.last)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
