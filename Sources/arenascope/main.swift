import ArenaCLI

ArenaScope.runAndExit()
