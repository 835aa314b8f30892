import Foundation
import PackagePlugin

/// Compiles every `bpf/*.bpf.c` of a target with the toolchain's clang (`-target bpf`)
/// and embeds each object in a generated Swift file, so the executable carries its
/// BPF programs and always matches their source.
@main
struct BPFCompiler: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let bpfDirectory = module.directoryURL.appending(path: "bpf")
        let files = (try? FileManager.default.contentsOfDirectory(at: bpfDirectory, includingPropertiesForKeys: nil)) ?? []
        let sources = files.filter { $0.lastPathComponent.hasSuffix(".bpf.c") }.sorted { $0.path < $1.path }
        // Headers shared with Swift (record layouts) live in the C modules the target
        // depends on; their folders go on the include path.
        let sharedFolders = module.dependencies.compactMap { dependency -> URL? in
            guard case .target(let target) = dependency, target is SystemLibraryTarget else { return nil }
            return target.directoryURL
        }
        let sharedHeaders = sharedFolders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []).filter { $0.pathExtension == "h" }
        }
        let headers = files.filter { $0.pathExtension == "h" } + sharedHeaders
        let clang = try context.tool(named: "clang").url
        let embed = try context.tool(named: "EmbedBytes").url
        var commands: [Command] = []
        for source in sources {
            let name = String(source.lastPathComponent.dropLast(".bpf.c".count))
            let object = context.pluginWorkDirectoryURL.appending(path: "\(name).bpf.o")
            let swift = context.pluginWorkDirectoryURL.appending(path: "\(name)BPF.swift")
            commands.append(
                .buildCommand(
                    displayName: "Compiling BPF program \(source.lastPathComponent)",
                    executable: clang,
                    arguments: [
                        "-target", "bpf", "-O2", "-g", "-Wall", "-Werror",
                        "-I/usr/include/x86_64-linux-gnu", "-I/usr/include/aarch64-linux-gnu",
                        "-I", bpfDirectory.path,
                    ] + sharedFolders.flatMap { ["-I", $0.path] } + [
                        "-c", source.path, "-o", object.path,
                    ],
                    inputFiles: [source] + headers,
                    outputFiles: [object]))
            commands.append(
                .buildCommand(
                    displayName: "Embedding BPF object \(name).bpf.o",
                    executable: embed,
                    arguments: [object.path, swift.path, name],
                    inputFiles: [object],
                    outputFiles: [swift]))
        }
        return commands
    }
}
