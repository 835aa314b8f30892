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
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure Swift: geometry, page states, runs, ranges, stats, diffs, pointers, reading.
        .target(name: "ArenaModel"),
        // BTF: the types of what programs keep in an arena, and values read as those types.
        .target(name: "ArenaTypes", dependencies: ["ArenaModel"]),
        // Recordings: the versioned file format, its writer and its checked reader.
        .target(name: "ArenaRecording", dependencies: ["ArenaModel", "CZlib"]),
        // zlib, which compresses recordings.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // A user-space arena with the kernel's rules and workloads that build real structures.
        .target(name: "ArenaEmulator", dependencies: ["ArenaModel", "ArenaTypes"]),
        // Headless subcommands and their wiring; the executable is a thin entry point.
        .target(
            name: "ArenaCLI",
            dependencies: [
                "ArenaModel", "ArenaEmulator", "ArenaLive", "ArenaRecording", "ArenaTypes", "ArenaUI", "ArenaTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libbpf, and the record layout shared with the BPF programs.
        .systemLibrary(name: "CLibBPF", pkgConfig: "libbpf", providers: [.apt(["libbpf-dev"])]),
        // Live kernel arenas: the sampler and reader BPF programs (C beside it, built by the plugin).
        .target(
            name: "ArenaLive",
            dependencies: ["ArenaModel", "CLibBPF"],
            exclude: ["bpf"],
            plugins: ["BPFCompiler"]
        ),
        // The inspector's panes, key bindings, layout and themes: pure Swift, renders into a cell grid.
        .target(name: "ArenaUI", dependencies: ["ArenaModel", "ArenaTypes"]),
        // ncursesw, with the few macros Swift cannot import wrapped.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
        // The only ncurses user: draws grids, reads input, restores the terminal on every exit.
        .target(name: "ArenaTerminal", dependencies: ["ArenaUI", "CNcurses"]),
        .executableTarget(name: "EmbedBytes"),
        .plugin(name: "BPFCompiler", capability: .buildTool(), dependencies: ["EmbedBytes"]),
        .executableTarget(name: "arenascope", dependencies: ["ArenaCLI"]),
        .executableTarget(name: "ArenaBench", dependencies: ["ArenaModel", "ArenaEmulator", "ArenaLive", "ArenaRecording", "ArenaUI", "ArenaCLI"]),
        .testTarget(name: "ArenaModelTests", dependencies: ["ArenaModel"]),
        .testTarget(name: "ArenaEmulatorTests", dependencies: ["ArenaEmulator", "ArenaModel"]),
        .testTarget(name: "ArenaUITests", dependencies: ["ArenaUI", "ArenaModel", "ArenaEmulator", "ArenaRecording"], exclude: ["Snapshots"]),
        .testTarget(name: "ArenaRecordingTests", dependencies: ["ArenaRecording", "ArenaModel", "ArenaEmulator", "ArenaTypes", "CZlib"], exclude: ["Damaged"]),
        .testTarget(name: "ArenaLiveTests", dependencies: ["ArenaLive", "ArenaModel", "ArenaRecording", "ArenaTypes", "CLibBPF"]),
        .testTarget(name: "ArenaTerminalTests", dependencies: ["ArenaTerminal"]),
        .testTarget(name: "ArenaCLITests", dependencies: ["ArenaCLI", "arenascope", "ArenaLive", "CLibBPF"]),
    ],
    swiftLanguageModes: [.v6]
)
