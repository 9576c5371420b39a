/* Pseudo-terminals and fd passing: the init opens its pty in the container's own devpts (so `tty` names a /dev/pts
 * path inside) and hands the master to the daemon over a socketpair, as runc's console socket does; the daemon stays
 * the master's owner. Raw mode for the client's terminal. */
#ifndef TCTOP_PTY_H
#define TCTOP_PTY_H

#include <stddef.h>
#include <termios.h>

/* /dev/ptmx of the current mount namespace, unlocked, and its peer (TIOCGPTPEER: no path lookup); 0 or -1. */
int pty_open(int *master, int *slave);

/* The slave as the calling process's controlling terminal and stdio (after setsid); 0 or -1. */
int pty_make_stdio(int slave);

int send_fd(int sock, int fd);
int recv_fd(int sock); /* -1 with errno */

/* The terminal on fd in raw mode (saved into *saved); 0, or -1 if fd is not a terminal. */
int tty_raw(int fd, struct termios *saved);
void tty_restore(int fd, const struct termios *saved);

/* Copies fd's window size to the master (the kernel then sends SIGWINCH to the foreground job). */
void winsize_copy(int from_fd, int master);

#endif
