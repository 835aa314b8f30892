import ArgumentParser

/// The bash completion swift-argument-parser writes, with what it leaves out: the default
/// command's options before any subcommand (`arenascope --em<Tab>`, `arenascope --emulate
/// list --th<Tab>`), which go to that command's completion.
enum BashCompletion {
    /// Where the root's completion has its words, the first being an option or a subcommand.
    static let marker = #"    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")"# + "\n"

    static var script: String {
        let generated = ArenaScope.completionScript(for: .bash)
        let defaultCommand = ArenaScope.configuration.defaultSubcommand?._commandName ?? "inspect"
        guard let at = generated.range(of: marker) else { return generated }
        return generated.replacingCharacters(in: at, with: marker + """
                # An option first, not the root's own: the default command's options (arenascope --emulate list ...).
                if [[ ${COMP_WORDS[1]} == -* && ${COMP_WORDS[1]} != @(--version|-h|--help) ]]; then
                    _arenascope_\(defaultCommand)
                    return
                fi

            """)
    }
}
