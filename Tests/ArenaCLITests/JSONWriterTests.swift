import ArenaCLI
import Foundation
import Testing

@Suite struct JSONWriterTests {
    /// `decode --json` of a struct nested 21 deep trapped ("JSON nested too deeply"): nesting
    /// has no limit of its own now (typed values stop at TypeCatalog.maxDepth).
    @Test func deepNestingIsWrittenAsValidJSON() throws {
        var json = JSONWriter()
        for _ in 0..<300 {
            json.beginObject()
            json.number(1, "a")
            json.member(named: "inner")
        }
        json.beginArray()
        json.number(1)
        json.number(2)
        json.endArray()
        for _ in 0..<300 { json.endObject() }
        var value = try JSONSerialization.jsonObject(with: Data(json.bytes))
        var depth = 0
        while let object = value as? [String: Any], let inner = object["inner"] {
            #expect(object["a"] as? Int == 1)
            value = inner
            depth += 1
        }
        #expect(depth == 300 && value as? [Int] == [1, 2])
    }
}
