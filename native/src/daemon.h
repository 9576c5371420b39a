/* The shim's daemon: parent and subreaper of the init, outside every container namespace and cgroup. It starts the
 * init (again, under a restart policy), logs its output, serves the attach socket and records how it ended. */
#ifndef TCTOP_DAEMON_H
#define TCTOP_DAEMON_H

#include <sys/types.h>
#include <time.h>

#include "conf.h"
#include "jsonlog.h"
#include "records.h"

struct daemon {
  const struct conf *c;
  const char *state_dir;
  int logfd, sigfd, null_fd;
  int out_w, err_w; /* the pipes' write ends, kept for every run of the init (EOF once closed after the last) */
  int in_r, in_w;   /* `stdin 1`: the stdin pipe; in_w closed at the client's end of input */
  int master;       /* `tty 1`: the current run's pty master (out.fd is the same fd) */
  struct stream out, err;
  pid_t init;
  int owner_fd; /* a pidfd of the process the container must not outlive (--owner), else -1 */
  int no_restart;
  struct run_record run;
  struct timespec run_started;
};

/* Clones, joins and releases one run of the init; returns its PID, or -1 with the reason in err. */
pid_t start_init(struct daemon *d, char *err, size_t errsize);

/* Until the container has ended for good; writes exit.json. */
void supervise(struct daemon *d);

#endif
