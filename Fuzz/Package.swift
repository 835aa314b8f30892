// swift-tools-version: 6.1
// The recording reader, the BTF parsers and the shape parser under libFuzzer, one target each. Built by scripts/fuzz with AddressSanitizer and
// libFuzzer's coverage instrumentation on every target (and -parse-as-library: libFuzzer's
// driver is the entry point); only this target links libFuzzer itself.
import PackageDescription

let package = Package(
    name: "arenascope-fuzz",
    dependencies: [.package(name: "arenascope", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "ArenaTypes", package: "arenascope")]),
        .executableTarget(
            name: "RecordingFuzz",
            dependencies: [
                "FuzzSupport", .product(name: "ArenaRecording", package: "arenascope"), .product(name: "ArenaTypes", package: "arenascope"),
            ],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
        .executableTarget(
            name: "ShapeFuzz",
            dependencies: ["FuzzSupport", .product(name: "ArenaTypes", package: "arenascope")],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
        .executableTarget(
            name: "TypesFuzz",
            dependencies: ["FuzzSupport", .product(name: "ArenaTypes", package: "arenascope")],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
