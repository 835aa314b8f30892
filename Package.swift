// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "arenascope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "arenascope", targets: ["arenascope"]),
        .executable(name: "arenascope-bench", targets: ["ArenaBench"]),
        // The file and BTF parsers on their own, for the fuzzer (Fuzz/).
        .library(name: "ArenaRecording", targets: ["ArenaRecording"]),
        .library(name: "ArenaTypes", targets: ["ArenaTypes"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // Text helpers every module may use: hex, padding, percentages, hexdumps, terminal safety.
        .target(name: "ArenaText"),
        // Pure Swift: geometry, page states, runs, ranges, stats, diffs, pointers, reading, sampling.
        .target(name: "ArenaModel", dependencies: ["ArenaText"]),
        // BTF: the types of what programs keep in an arena, and values read as those types.
        .target(name: "ArenaTypes", dependencies: ["ArenaModel", "ArenaText"]),
        // Recordings: the versioned file format, its writer and its checked reader.
        .target(name: "ArenaRecording", dependencies: ["ArenaModel", "ArenaText", "ArenaSignals", "CZlib"]),
        // zlib, which compresses recordings.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // A user-space arena with the kernel's rules and workloads that build real structures.
        .target(name: "ArenaEmulator", dependencies: ["ArenaModel", "ArenaText", "ArenaTypes"]),
        // Headless subcommands and their wiring; the executable is a thin entry point.
        .target(
            name: "ArenaCLI",
            dependencies: [
                "ArenaModel", "ArenaText", "ArenaEmulator", "ArenaLive", "ArenaRecording", "ArenaTypes", "ArenaScreen", "ArenaUI", "ArenaTerminal",
                "ArenaSignals", "ArenaExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libbpf, and the record layout shared with the BPF programs.
        .systemLibrary(name: "CLibBPF", pkgConfig: "libbpf", providers: [.apt(["libbpf-dev"])]),
        // Live kernel arenas: the sampler and reader BPF programs (C beside it, built by the plugin).
        .target(
            name: "ArenaLive",
            dependencies: ["ArenaModel", "ArenaText", "ArenaSignals", "ArenaTypes", "CLibBPF"],
            exclude: ["bpf"],
            plugins: ["BPFCompiler"]
        ),
        // The screen's vocabulary: cells, rectangles, the cell grid, colour roles, themes, input events.
        .target(name: "ArenaScreen", dependencies: ["ArenaModel", "ArenaText"]),
        // The inspector's panes, key bindings and layout: pure Swift, renders into a cell grid.
        .target(name: "ArenaUI", dependencies: ["ArenaModel", "ArenaText", "ArenaTypes", "ArenaScreen", "ArenaRecording"]),
        // ncursesw, with the few macros Swift cannot import wrapped.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
        // Signals turned into flags a loop reads (quitting, suspending, Ctrl-C in a recording),
        // and system calls made again when a signal interrupts them.
        .target(name: "ArenaSignals"),
        // The Prometheus exporter: arena health, the metrics text, a small HTTP server.
        .target(name: "ArenaExport", dependencies: ["ArenaModel", "ArenaLive", "ArenaTypes", "ArenaSignals"]),
        // The only ncurses user: draws grids, reads input, restores the terminal on every exit.
        .target(name: "ArenaTerminal", dependencies: ["ArenaScreen", "ArenaSignals", "CNcurses"]),
        .executableTarget(name: "EmbedBytes"),
        .plugin(name: "BPFCompiler", capability: .buildTool(), dependencies: ["EmbedBytes"]),
        .executableTarget(name: "arenascope", dependencies: ["ArenaCLI"]),
        .executableTarget(
            name: "ArenaBench",
            dependencies: [
                "ArenaModel", "ArenaEmulator", "ArenaLive", "ArenaRecording", "ArenaScreen", "ArenaUI", "ArenaCLI", "ArenaText", "ArenaTypes", "ArenaExport",
                "RecordingForgery", "EmulatedHost",
            ]),
        .testTarget(name: "ArenaModelTests", dependencies: ["ArenaModel"]),
        .testTarget(name: "ArenaEmulatorTests", dependencies: ["ArenaEmulator", "ArenaModel", "ArenaTypes"]),
        .testTarget(
            name: "ArenaUITests", dependencies: ["ArenaUI", "ArenaScreen", "ArenaText", "ArenaModel", "ArenaEmulator", "ArenaRecording", "ArenaTypes"],
            exclude: ["Snapshots"]),
        .testTarget(name: "ArenaTypesTests", dependencies: ["ArenaTypes", "ArenaModel"], exclude: ["Hostile", "Shapes"]),
        .testTarget(
            name: "ArenaRecordingTests", dependencies: ["ArenaRecording", "ArenaModel", "ArenaEmulator", "ArenaTypes", "RecordingForgery"], exclude: ["Damaged"]
        ),
        // A hostile writer's patches with checksums recomputed: the damaged corpus and the bench craft files with it.
        .target(name: "RecordingForgery", dependencies: ["CZlib"], path: "Tests/RecordingForgery"),
        // The live suites' one gate: run where the kernel allows live arenas, skip saying why.
        .target(name: "LiveTestSupport", dependencies: ["ArenaLive"], path: "Tests/LiveTestSupport"),
        .testTarget(
            name: "ArenaLiveTests",
            dependencies: [
                "ArenaLive", "ArenaModel", "ArenaRecording", "ArenaTypes", "ArenaUI", "ArenaExport", "ArenaEmulator", "ArenaText", "CLibBPF", "LiveTestSupport",
                "EmulatedHost",
            ]),
        .testTarget(name: "ArenaSignalsTests", dependencies: ["ArenaSignals"]),
        .testTarget(name: "ArenaExportTests", dependencies: ["ArenaExport", "ArenaModel", "ArenaTypes", "ArenaEmulator", "EmulatedHost"]),
        .target(name: "EmulatedHost", dependencies: ["ArenaExport", "ArenaEmulator", "ArenaModel"], path: "Tests/EmulatedHost"),
        .testTarget(name: "ArenaCLITests", dependencies: ["ArenaCLI", "arenascope", "ArenaLive", "CLibBPF", "ArenaExport", "LiveTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
