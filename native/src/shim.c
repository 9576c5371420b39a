#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "conf.h"
#include "daemon.h"
#include "init.h"
#include "pty.h"
#include "util.h"

static struct daemon daemon_state = {.out = {.name = "stdout"}, .err = {.name = "stderr"}, .owner_fd = -1};

/* The report pipe carries exactly one line to the process the CLI spawned. */
static void report(int fd, const char *line) {
  size_t len = strlen(line);
  write_all(fd, line, len);
  if (len == 0 || line[len - 1] != '\n') write_all(fd, "\n", 1);
}

static int join_cgroups(const struct conf *c, pid_t pid, char *err, size_t errsize) {
  char num[24];
  size_t len = fmt_long(num, pid);
  for (size_t i = 0; i < c->n_cgroups; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/cgroup.procs", c->cgroups[i]);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write_all(fd, num, len) < 0) {
      fmt_error(err, errsize, "join cgroup", path, errno);
      if (fd >= 0) close(fd);
      return -1;
    }
    close(fd);
  }
  return 0;
}

static void copy_message(char *err, size_t errsize, const char *text) { snprintf(err, errsize, "%s", text); }

pid_t start_init(struct daemon *d, char *err, size_t errsize) {
  const struct conf *c = d->c;
  int gop[2], statusp[2], console[2] = {-1, -1};
  /* opened per run, so between runs the daemon holds nothing but the log, the pipes and its sockets */
  if ((d->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
    fmt_error(err, errsize, "open", "/dev/null", errno);
    return -1;
  }
  if (pipe2(gop, O_CLOEXEC) || pipe2(statusp, O_CLOEXEC) ||
      (c->tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console))) {
    fmt_error(err, errsize, "pipe2", NULL, errno);
    return -1;
  }
  /* a prepared network namespace (launch.conf netns) is joined by the init, on every (re)start alike */
  unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | (c->network_host || c->netns ? 0 : CLONE_NEWNET);
  /* raw clone without a new stack: a fork into new namespaces (the child runs on its copy of our stack) */
  pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) {
    fmt_error(err, errsize, "clone", NULL, errno);
    close(d->null_fd), close(gop[0]), close(gop[1]), close(statusp[0]), close(statusp[1]);
    return -1;
  }
  if (pid == 0) {
    close(gop[1]), close(statusp[0]), close(d->logfd), close(d->sigfd);
    if (console[0] >= 0) close(console[0]);
    int out = c->tty ? d->null_fd : d->out_w, errfd = c->tty ? d->null_fd : d->err_w;
    struct init_fds fds = {gop[0], statusp[1], out, errfd, d->null_fd, c->open_stdin ? d->in_r : d->null_fd, console[1]};
    container_init(c, &fds);
  }
  close(gop[0]), close(statusp[1]), close(d->null_fd);
  if (console[1] >= 0) close(console[1]);
  int joined = join_cgroups(c, pid, err, errsize);
  if (joined < 0) kill(pid, SIGKILL);
  /* EPIPE: the init failed its setup already; its message follows */
  else if (write_all(gop[1], "g", 1) < 0 && errno != EPIPE)
    fmt_error(err, errsize, "release the init", NULL, errno), joined = -1, kill(pid, SIGKILL);
  close(gop[1]);
  /* setup failure: the init writes why; success: its exec closes the pipe with nothing written. The init sets up its
   * mounts while we join it to its cgroup, so a failed join may be the echo of an init that failed first: its own
   * message is the one to report. */
  char why[ERRMSG_MAX];
  size_t got = 0;
  for (;;) {
    ssize_t n = read(statusp[0], why + got, sizeof why - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
    if (got == sizeof why - 1) break;
  }
  close(statusp[0]);
  if (got > 0) {
    why[got] = 0;
    copy_message(err, errsize, why);
    kill(pid, SIGKILL);
  }
  int master = -1;
  if (got == 0 && joined == 0 && c->tty && (master = recv_fd(console[0])) < 0) {
    fmt_error(err, errsize, "receive the pty master", NULL, errno);
    kill(pid, SIGKILL);
    got = 1;
  }
  if (console[0] >= 0) close(console[0]);
  if (got > 0 || joined < 0) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    return -1;
  }
  if (master >= 0) {
    fcntl(master, F_SETFL, O_NONBLOCK);
    d->master = d->out.fd = master;
  }
  return pid;
}

static void open_streams(struct daemon *d) {
  const struct conf *c = d->c;
  int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1};
  if ((!c->tty && (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))) || (c->open_stdin && pipe2(inp, O_CLOEXEC)))
    fatal("pipe2", NULL, errno);
  d->out.fd = outp[0], d->out_w = outp[1];
  d->err.fd = errp[0], d->err_w = errp[1];
  d->in_r = inp[0], d->in_w = inp[1];
  d->master = -1;
  if (d->out.fd >= 0) fcntl(d->out.fd, F_SETFL, O_NONBLOCK);
  if (d->err.fd >= 0) fcntl(d->err.fd, F_SETFL, O_NONBLOCK);
  if (d->in_w >= 0) fcntl(d->in_w, F_SETFL, O_NONBLOCK);
}

__attribute__((noreturn)) static void run_daemon(struct daemon *d, int report_fd, int keep_early) {
  fatal_to(report_fd);
  const struct conf *c = d->c;
  if ((d->logfd = open(c->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) < 0) fatal("open log", c->log, errno);
  open_streams(d);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  if ((d->sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) fatal("signalfd", NULL, errno);
  if (attach_listen(d->state_dir) < 0) fatal("listen on", "attach.sock", errno);
  if (keep_early) attach_keep_early_output();

  char err[ERRMSG_MAX];
  pid_t pid = start_init(d, err, sizeof err);
  if (pid < 0) fatal_line(1, err);
  d->init = pid;
  d->run.pid = pid, d->run.last_exit = -1;
  iso_now(d->run.started_at);
  clock_gettime(CLOCK_MONOTONIC, &d->run_started);
  if (c->restart != RESTART_NO) write_run(d->state_dir, &d->run);
  char line[64], *o = line;
  memcpy(o, "started ", 8), o += 8;
  o += fmt_long(o, pid);
  *o++ = ' ';
  o += fmt_long(o, getpid());
  *o = 0;
  report(report_fd, line);
  close(report_fd);
  fatal_to(2); /* /dev/null in the daemon */
  supervise(d);
  _exit(0);
}

/* A pidfd of the owner, which must be our parent: opened first and the parent checked after, so it is the process
 * that spawned us and not another one that took its PID after it died (then it is gone already: we refuse). */
static int open_owner(pid_t owner) {
  int fd = (int)syscall(SYS_pidfd_open, owner, 0); /* close-on-exec, always */
  if (fd < 0 && errno != ESRCH) fatal("pidfd_open of the owner", NULL, errno);
  if (fd < 0 || getppid() != owner) fatal("the process that started this container is gone", NULL, 0);
  return fd;
}

int shim_main(const char *id, const char *state_dir, int keep_early, pid_t owner) {
  /* whatever the caller leaked stays out of the container */
  syscall(SYS_close_range, 3, ~0U, 0);
  if (owner > 0) daemon_state.owner_fd = open_owner(owner);
  static char err[ERRMSG_MAX];
  char path[4096];
  snprintf(path, sizeof path, "%s/launch.conf", state_dir);
  static struct conf c;
  if (conf_load(path, &c, err, sizeof err) < 0) fatal_line(1, err);
  if (strcmp(c.id, id) != 0) fatal("launch.conf is for another container:", c.id, 0);
  int rp[2];
  if (pipe2(rp, O_CLOEXEC) < 0) fatal("pipe2", NULL, errno);
  pid_t pid = fork();
  if (pid < 0) fatal("fork", NULL, errno);
  if (pid == 0) {
    close(rp[0]);
    setsid();
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, 0), dup2(null_fd, 1), dup2(null_fd, 2);
      if (null_fd > 2) close(null_fd);
    }
    if (chdir("/") < 0) _exit(1);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    daemon_state.c = &c;
    daemon_state.state_dir = state_dir;
    run_daemon(&daemon_state, rp[1], keep_early);
  }
  close(rp[1]);
  char line[ERRMSG_MAX + 2];
  size_t got = 0;
  for (;;) {
    ssize_t n = read(rp[0], line + got, sizeof line - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || (got += (size_t)n) == sizeof line - 1) break;
  }
  line[got] = 0;
  if (strncmp(line, "started ", 8) == 0) {
    write_all(1, line, got);
    return 0;
  }
  if (got == 0) fatal("the shim daemon died before the container started", NULL, 0);
  write_all(2, line, got);
  return 1;
}
