// swift-tools-version: 6.1
// The recording reader under libFuzzer. Built by scripts/fuzz with -sanitize=fuzzer,address
// (and -parse-as-library: libFuzzer brings main).
import PackageDescription

let package = Package(
    name: "arenascope-fuzz",
    dependencies: [.package(name: "arenascope", path: "..")],
    targets: [
        .executableTarget(name: "RecordingFuzz", dependencies: [
            .product(name: "ArenaRecording", package: "arenascope"), .product(name: "ArenaTypes", package: "arenascope"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
