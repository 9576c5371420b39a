/* The container's init, in the child the daemon cloned into new namespaces: waits until the daemon has put it in
 * its cgroups, builds the container's filesystem view, drops privileges and execs the command. Never returns. */
#ifndef TCTOP_INIT_H
#define TCTOP_INIT_H

#include "conf.h"

struct init_fds {
  int go;     /* read end: one byte once the daemon has joined us to the cgroups */
  int status; /* write end, CLOEXEC: setup failure message, or closed by a successful exec */
  int out, err, null;
  int in;      /* the init's stdin: null, or the read end of the stdin pipe (`stdin 1`) */
  int console; /* `tty 1`: a socket the init sends its pty master on (SCM_RIGHTS); -1 otherwise */
};

__attribute__((noreturn)) void container_init(const struct conf *c, const struct init_fds *fds);

#endif
