import Foundation
import Testing
import ArenaModel
import ArenaEmulator
import ArenaUI
import ArenaScreen

/// A deterministic inspector over an emulated workload, with a hand-driven clock.
final class Fixture: DrivesInspector {
    var now = 0.0
    let source: EmulatedSource
    let backend: SamplingBackend
    let app: InspectorApp

    /// With `types`, the source has more types (as `--btf FILE` gives); with `shapeFile`, it
    /// keeps its shape in that file (as `--shape FILE` does).
    init(
        workload: String = "list", steps: UInt64 = 50, width: Int = 100, height: Int = 30, flags: ArenaFlags = [],
        types: [TypeBlob] = [], shapeFile: String? = nil
    ) throws {
        let source = try EmulatedSource(workload: workload, seed: 1, flags: flags)
        source.advance(steps)
        self.source = source
        var clock = { 0.0 }
        let shaped: ArenaSource =
            types.isEmpty && shapeFile == nil
            ? source
            : SourceWithTypes(source, adding: types, shapes: shapeFile.map { [ShapeText(origin: $0, text: "")] } ?? [])
        backend = SamplingBackend(source: shaped, interval: 0.1, clock: { clock() })
        backend.sampleNow()
        app = InspectorApp(backend: backend, width: width, height: height)
        clock = { [unowned self] in now }
    }

    /// Advances the workload and takes the next sample.
    func step(_ steps: UInt64 = 10) {
        source.advance(steps)
        now += 0.1
        app.absorb(backend.sampleNow())
    }

}

/// A fixture that drives an inspector with keys.
protocol DrivesInspector {
    var app: InspectorApp { get }
}

extension DrivesInspector {
    /// Handles `events` in order; returns the reaction to the last.
    @discardableResult
    func press(_ events: InputEvent...) -> Reaction {
        events.map { app.handle($0) }.last ?? .none
    }

    func type(_ text: String) {
        for character in text { _ = app.handle(.character(character)) }
    }

    /// What the screen shows now.
    var screen: Screen { Screen(app.render()) }
}

/// Compares `text` with a stored snapshot; ARENASCOPE_RECORD=1 records it anew.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = folder.appendingPathComponent(name + ".txt")
    if ProcessInfo.processInfo.environment["ARENASCOPE_RECORD"] == "1" || !FileManager.default.fileExists(atPath: file.path) {
        try text.write(to: file, atomically: true, encoding: .utf8)
        if ProcessInfo.processInfo.environment["ARENASCOPE_RECORD"] != "1" {
            Issue.record("recorded a new snapshot \(name); check it and run again", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(text == expected, "snapshot \(name) differs (ARENASCOPE_RECORD=1 records it anew)", sourceLocation: sourceLocation)
}
