import Foundation
import Glibc
import Testing
@testable import ArenaExport

@Suite struct TextfileWriterTests {
    @Test func theFileIsReplacedWholeAndReadableByTheCollector() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("textfile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("arenascope.prom").path
        let writer = try TextfileWriter(path: path)
        #expect(!FileManager.default.fileExists(atPath: path), "the check at start leaves nothing behind")
        try writer.write("a 1\n")
        try writer.write("b 2\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "b 2\n")
        var status = stat()
        stat(path, &status)
        #expect(status.st_mode & 0o777 == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["arenascope.prom"], "no temporary file left")
    }

    @Test func anUnwritableFolderFailsAtStart() {
        #expect(throws: ExportError.cannotWrite(path: "/nonexistent/arenascope.prom", errno: ENOENT)) {
            _ = try TextfileWriter(path: "/nonexistent/arenascope.prom")
        }
    }
}
