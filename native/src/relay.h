/* exec -t: the CLI's terminal (raw) to the pty of a command run in the container, until the command has exited and
 * its output is drained; the window size follows the terminal's (SIGWINCH). */
#ifndef TCTOP_RELAY_H
#define TCTOP_RELAY_H

#include <sys/types.h>

/* Returns the command's wait status. SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to us go to the command. */
int relay_pty(int master, pid_t child, int stdin_open);

#endif
