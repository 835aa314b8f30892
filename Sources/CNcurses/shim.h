/* ncursesw for Swift. SwiftPM drops pkg-config's -D flags, so wide characters are
 * switched on here; the function-like macros Swift cannot import get small wrappers. */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

static inline int arenascope_lines(WINDOW *window) { return getmaxy(window); }
static inline int arenascope_columns(WINDOW *window) { return getmaxx(window); }
static inline attr_t arenascope_bold(void) { return A_BOLD; }
static inline attr_t arenascope_underline(void) { return A_UNDERLINE; }
static inline attr_t arenascope_reverse(void) { return A_REVERSE; }
static inline mmask_t arenascope_click_mask(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }
static inline int arenascope_color_count(void) { return COLORS; }
static inline WINDOW *arenascope_standard_window(void) { return stdscr; }

/* Crash safety without endwin: if the process dies on a fatal signal (a Swift trap is
 * SIGILL or SIGTRAP), put the saved tty modes back and leave the alternate screen with
 * async-signal-safe calls only, then die as before. */
#include <termios.h>
#include <signal.h>
#include <unistd.h>

/* Storage lives in function-local statics: Swift's importer emits inline functions, not
 * header-level statics. */
struct arenascope_saved_tty {
    struct termios modes;
    volatile sig_atomic_t valid;
};

static inline struct arenascope_saved_tty *arenascope_saved(void)
{
    static struct arenascope_saved_tty saved;
    return &saved;
}

static inline void arenascope_crash_restore(int signal_number)
{
    /* Mouse reports off, attributes reset, cursor shown, cursor keys and keypad back to
     * normal, alternate screen left. */
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1l\033>\033[?1049l\r\n";
    struct arenascope_saved_tty *saved = arenascope_saved();

    if (saved->valid)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved->modes);
    if (write(STDOUT_FILENO, reset, sizeof(reset) - 1) < 0) {
        /* nothing more can be done here */
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static inline void arenascope_install_crash_restore(void)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
    struct sigaction action;
    struct arenascope_saved_tty *saved = arenascope_saved();

    if (tcgetattr(STDIN_FILENO, &saved->modes) == 0)
        saved->valid = 1;
    sigemptyset(&action.sa_mask);
    action.sa_handler = arenascope_crash_restore;
    action.sa_flags = SA_RESETHAND;
    for (unsigned i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
        sigaction(fatal[i], &action, 0);
}
