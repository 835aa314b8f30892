import ArenaModel

/// The `snapshot --json` contract: one object describing the arena and every page.
public enum SnapshotJSON {
    public static func encode(_ snapshot: Snapshot) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.beginObject("source")
        json.string(snapshot.source.kind.rawValue, "kind")
        json.details(snapshot.source.details)
        json.endObject()
        let geometry = snapshot.geometry
        json.number(geometry.pageSize, "page_size")
        json.number(geometry.maxPages, "max_pages")
        json.number(geometry.userVMStart, "user_vm_start")
        json.number(geometry.userVMEnd, "user_vm_end")
        json.flags(geometry.flags, "flags")
        json.beginArray("runs")
        for run in snapshot.pages.runs {
            json.beginObject()
            json.number(run.first, "first")
            json.number(run.count, "count")
            json.string(literal: run.state.jsonName, "state")
            json.endObject()
        }
        json.endArray()
        json.beginArray("free_ranges")
        for run in snapshot.pages.runs where run.state.isFree {
            json.beginArray()
            json.number(run.first)
            json.number(run.last)
            json.endArray()
        }
        json.endArray()
        let stats = snapshot.stats
        json.beginObject("stats")
        for state in PageState.all { json.number(stats[state], state.jsonName) }
        json.number(stats.backedPages, "backed")
        json.number(stats.freeRanges, "free_ranges")
        json.number(stats.largestFree, "largest_free")
        json.number(stats.backedExtents, "allocated_extents")
        json.number(stats.fragmentation, "fragmentation")
        json.endObject()
        json.roots(snapshot.roots, in: snapshot.geometry)
        json.endObject()
        return json.printed
    }
}
