import ArgumentParser

/// The shell completions swift-argument-parser writes, with what they leave out: the default
/// command's options before any subcommand (`arenascope --em<Tab>`, `arenascope --emulate list
/// --th<Tab>`), which go to that command's completion in bash, zsh and fish alike.
enum ShellCompletion {
    /// The completion script for `shell`.
    static func script(for shell: CompletionShell) -> String {
        let generated = ArenaScope.completionScript(for: shell)
        let defaultCommand = ArenaScope.configuration.defaultSubcommand?._commandName ?? "inspect"
        guard let hook = hook(for: shell, defaultCommand: defaultCommand),
            let at = generated.range(of: hook.marker)
        else { return generated }
        return generated.replacingCharacters(in: at, with: hook.before + hook.marker + hook.after)
    }

    /// Where the root's completion looks at its first word, and what goes before or after it.
    private static func hook(for shell: CompletionShell, defaultCommand: String) -> (marker: String, before: String, after: String)? {
        switch shell {
        case .bash:
            return (
                #"    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")"# + "\n", "",
                """
                    # An option first, not the root's own: the default command's options (arenascope --emulate list ...).
                    if [[ ${COMP_WORDS[1]} == -* && ${COMP_WORDS[1]} != @(--version|-h|--help) ]]; then
                        _arenascope_\(defaultCommand)
                        return
                    fi

                """
            )
        case .zsh:
            // The root's function is the first to call _arguments.
            return (
                #"    _arguments -w -s -S : "${arg_specs[@]}" && ret=0"#,
                """
                    # An option first, not the root's own: the default command's options (arenascope --emulate list ...).
                    if [[ ${words[2]} == -* && ${words[2]} != (--version|-h|--help) ]]; then
                        _arenascope_\(defaultCommand)
                        return
                    fi

                """, ""
            )
        case .fish:
            return (
                "        __arenascope_parse_subcommand 0 'version' 'h/help'\n",
                """
                        # An option first, not the root's own: the default command's options (arenascope --emulate list ...).
                        set -l first $unparsed_tokens[2]
                        set -q unparsed_tokens[2]; or set first (commandline -ct)
                        if string match -q -- '-*' $first; and not contains -- $first --version -h --help
                            set unparsed_tokens $unparsed_tokens[1] \(defaultCommand) $unparsed_tokens[2..-1]
                        end

                """, ""
            )
        default:
            return nil
        }
    }
}
