import ArenaText
import ArenaTypes

/// What the allocators' bookkeeping says, as `objects` prints it: text lines, and JSON.
enum AllocatorText {
    /// At most this many findings of each kind are printed (`--json` lists them all).
    static let shown = 20

    static func lines(_ reports: [SlabAllocator.Report], fragments: FragmentAllocator.Report?) -> [String] {
        var lines: [String] = []
        for report in reports {
            lines.append(
                "allocator  slab of \(report.descriptorType) from \(report.root): \(report.live.count) live \(report.dataType), "
                    + "\(report.free.count) free (still pointed at, recycled later) in \(report.leaves) leaves"
                    + (report.emptyLeaves > 0 ? "; \(report.emptyLeaves) leaves hold no live slot" : ""))
            lines += report.contradictions.map { "allocator  the bookkeeping contradicts itself: \($0)" }
            lines += report.stale.prefix(shown).map { reference in
                "stale      \(reference.path)\(reference.address.map { " at \(hex($0))" } ?? "") = \(hex(reference.value)) → a free \(report.dataType) slot"
            }
            if let why = report.leaksUnjudged { lines.append("allocator  leaks not judged: \(why)") }
            lines += report.leaks.prefix(shown).map {
                "leak       \(report.dataType) at \(hex($0)): live, and nothing reached from the roots points to it but the allocator"
            }
            lines += report.violations.prefix(shown).map {
                "invariant  \(report.dataType) at \(hex($0.address)): \($0.field) is \($0.found), the shape's check wants \($0.expected)"
            }
            if [report.stale.count, report.leaks.count, report.violations.count].contains(where: { $0 > shown }) {
                lines.append("           … more (--json lists them all)")
            }
        }
        if let fragments {
            lines.append(
                "allocator  page fragments (\(fragments.root)): their counts say \(fragments.live) live objects on \(fragments.pages) pages, \(fragments.reached) reached"
            )
            lines += fragments.findings.prefix(shown).map { "allocator  " + $0.text }
        }
        return lines
    }
}

extension JSONWriter {
    /// A slab allocator's report: `{"kind","root","descriptor","type","live","free","leaves",
    /// "empty_leaves","leaks","leaks_unjudged","stale_pointers","violations","contradictions"}`.
    mutating func allocator(_ report: SlabAllocator.Report) {
        beginObject()
        string("slab", "kind")
        string(report.root, "root")
        string(report.descriptorType, "descriptor")
        string(report.dataType, "type")
        number(report.live.count, "live")
        number(report.free.count, "free")
        number(report.leaves, "leaves")
        number(report.emptyLeaves, "empty_leaves")
        beginArray("leaks")
        for leak in report.leaks { number(leak) }
        endArray()
        if let why = report.leaksUnjudged { string(why, "leaks_unjudged") } else { null("leaks_unjudged") }
        beginArray("stale_pointers")
        for stale in report.stale { reference(stale) }
        endArray()
        beginArray("violations")
        for violation in report.violations {
            beginObject()
            number(violation.address, "addr")
            string(violation.field, "field")
            string(violation.expected, "expected")
            number(violation.found, "found")
            endObject()
        }
        endArray()
        beginArray("contradictions")
        for contradiction in report.contradictions { string(contradiction) }
        endArray()
        endObject()
    }

    /// `"page_fragments": {"root","pages","live","reached","mismatched_pages"}`, or null.
    mutating func pageFragments(_ report: FragmentAllocator.Report?) {
        guard let report else {
            null("page_fragments")
            return
        }
        beginObject("page_fragments")
        string(report.root, "root")
        number(report.pages, "pages")
        number(report.live, "live")
        number(report.reached, "reached")
        beginArray("mismatched_pages")
        for finding in report.findings {
            beginObject()
            number(finding.page, "page")
            number(finding.address, "addr")
            number(finding.count, "count")
            number(finding.reached, "reached")
            endObject()
        }
        endArray()
        endObject()
    }

    /// A pointer found by a walk: where it lies (null for a root a map holds), its path, its value.
    mutating func reference(_ reference: ObjectMap.Reference) {
        beginObject()
        if let address = reference.address { number(address, "addr") } else { null("addr") }
        string(reference.path, "path")
        number(reference.value, "value")
        endObject()
    }
}
