#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "pty.h"
#include "util.h"

int relay_pty(int master, pid_t child, int stdin_open) {
  sigset_t set;
  sigemptyset(&set);
  int sigs[] = {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaddset(&set, sigs[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) fatal("signalfd", NULL, errno);
  struct termios saved;
  int raw = stdin_open && tty_raw(0, &saved) == 0;
  winsize_copy(isatty(0) ? 0 : 1, master);
  int status = 0, exited = 0, in_open = stdin_open;
  char buf[16384];
  while (master >= 0) {
    struct pollfd p[3] = {{master, POLLIN, 0}, {sigfd, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
    if (poll(p, 3, exited ? 100 : -1) == 0) break; /* exited, and its pty quiet: something else holds the slave */
    if (p[1].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGWINCH) winsize_copy(isatty(0) ? 0 : 1, master);
        else if (si.ssi_signo != SIGCHLD) kill(child, (int)si.ssi_signo);
      }
      if (!exited && waitpid(child, &status, WNOHANG) == child) exited = 1;
    }
    if (p[0].revents) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n > 0) write_all(1, buf, (size_t)n);
      else if (n == 0 || (errno != EAGAIN && errno != EINTR)) close(master), master = -1; /* EIO: no slave left */
    }
    if (in_open && p[2].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n > 0) write_all(master, buf, (size_t)n);
      else if (n == 0 || errno != EINTR) in_open = 0;
    }
  }
  if (raw) tty_restore(0, &saved);
  while (!exited && waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}
