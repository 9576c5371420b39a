#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "init.h"
#include "jsonlog.h"
#include "util.h"

#define PARTIAL_FLUSH_MS 100 /* a partial line is logged once its pipe has been quiet this long */

static struct stream out_stream = {.name = "stdout"}, err_stream = {.name = "stderr"};

/* The report pipe carries exactly one line to the process the CLI spawned. */
static void report(int fd, const char *line) {
  size_t len = strlen(line);
  write_all(fd, line, len);
  if (len == 0 || line[len - 1] != '\n') write_all(fd, "\n", 1);
}

__attribute__((noreturn)) static void daemon_fail(int report_fd, const char *what, const char *path, int errnum) {
  char msg[ERRMSG_MAX];
  fmt_error(msg, sizeof msg, what, path, errnum);
  report(report_fd, msg);
  _exit(1);
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

/* "oom_kill N" in memory.oom_control (v1) or memory.events (v2). */
static int oom_killed(const char *file) {
  if (!file) return 0;
  char *text = read_file(file, 1 << 16, NULL);
  if (!text) return 0;
  int killed = 0;
  for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
    if (strncmp(line, "oom_kill ", 9) == 0) killed = atol(line + 9) > 0;
  free(text);
  return killed;
}

static void put(char **o, const char *s) {
  size_t n = strlen(s);
  memcpy(*o, s, n);
  *o += n;
}

static void put_long(char **o, long v) { *o += fmt_long(*o, v); }

/* {"exitCode":N,"signal":S|null,"oomKilled":bool,"finishedAt":"...","pid":P}, renamed into place. */
static void write_exit(const struct conf *c, pid_t pid, int status) {
  char json[256], *o = json;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  put(&o, "{\"exitCode\":");
  put_long(&o, sig ? 128 + sig : WEXITSTATUS(status));
  put(&o, ",\"signal\":");
  if (sig) put_long(&o, sig);
  else put(&o, "null");
  put(&o, ",\"oomKilled\":");
  put(&o, oom_killed(c->oom_file) ? "true" : "false");
  put(&o, ",\"finishedAt\":\"");
  char ts[32];
  iso_now(ts);
  put(&o, ts);
  put(&o, "\",\"pid\":");
  put_long(&o, pid);
  put(&o, "}\n");
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", c->exit_file);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return; /* the state dir is gone (rm -f raced us): nobody to tell */
  int ok = write_all(fd, json, (size_t)(o - json)) == 0 && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp, c->exit_file) < 0) unlink(tmp);
}

/* Until the init has exited and both pipes are at EOF: log output, reap every child (we are the subreaper). */
static void supervise(const struct conf *c, pid_t init, int sigfd, int logfd) {
  int init_status = 0, init_done = 0;
  while (!init_done || out_stream.fd >= 0 || err_stream.fd >= 0) {
    struct pollfd p[3] = {{sigfd, POLLIN, 0}, {out_stream.fd, POLLIN, 0}, {err_stream.fd, POLLIN, 0}};
    int pending = out_stream.len > 0 || err_stream.len > 0;
    int n = poll(p, 3, pending ? PARTIAL_FLUSH_MS : -1);
    if (n < 0 && errno != EINTR) break;
    if (n == 0) {
      stream_flush(&out_stream, logfd);
      stream_flush(&err_stream, logfd);
      continue;
    }
    if (p[0].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) > 0) {
      }
      for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0) break;
        if (pid == init) init_status = st, init_done = 1;
      }
    }
    struct stream *streams[2] = {&out_stream, &err_stream};
    for (int i = 0; i < 2; i++) {
      if (!p[i + 1].revents || streams[i]->fd < 0) continue;
      long r = stream_pump(streams[i], logfd);
      if (r == 0 || r == -1) {
        stream_flush(streams[i], logfd);
        close(streams[i]->fd);
        streams[i]->fd = -1;
      }
    }
  }
  stream_flush(&out_stream, logfd);
  stream_flush(&err_stream, logfd);
  while (!init_done) { /* only after a poll failure: never record an exit we did not see */
    if (waitpid(init, &init_status, 0) == init) init_done = 1;
    else if (errno != EINTR) return;
  }
  write_exit(c, init, init_status);
}

/* The daemon: parent and subreaper of the init, outside every container namespace and cgroup. */
__attribute__((noreturn)) static void run_daemon(const struct conf *c, int report_fd) {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) daemon_fail(report_fd, "open", "/dev/null", errno);
  int logfd = open(c->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (logfd < 0) daemon_fail(report_fd, "open log", c->log, errno);
  int outp[2], errp[2], gop[2], statusp[2];
  if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(gop, O_CLOEXEC) || pipe2(statusp, O_CLOEXEC))
    daemon_fail(report_fd, "pipe2", NULL, errno);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) daemon_fail(report_fd, "signalfd", NULL, errno);

  unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | (c->network_host || c->netns ? 0 : CLONE_NEWNET);
  /* raw clone without a new stack: a fork into new namespaces (the child runs on its copy of our stack) */
  pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) daemon_fail(report_fd, "clone", NULL, errno);
  if (pid == 0) {
    close(gop[1]), close(statusp[0]), close(outp[0]), close(errp[0]), close(report_fd), close(logfd), close(sigfd);
    struct init_fds fds = {gop[0], statusp[1], outp[1], errp[1], null_fd};
    container_init(c, &fds);
  }
  close(gop[0]), close(statusp[1]), close(outp[1]), close(errp[1]), close(null_fd);

  char err[ERRMSG_MAX];
  int joined = join_cgroups(c, pid, err, sizeof err);
  if (joined < 0) {
    kill(pid, SIGKILL);
    close(gop[1]);
  } else {
    /* EPIPE: the init failed its setup already; its message follows */
    if (write_all(gop[1], "g", 1) < 0 && errno != EPIPE) daemon_fail(report_fd, "release the init", NULL, errno);
    close(gop[1]);
  }
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
  if (joined < 0 && got == 0) {
    waitpid(pid, NULL, 0);
    report(report_fd, err);
    _exit(1);
  }
  if (got > 0) {
    memcpy(err, why, got);
    err[got] = 0;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    report(report_fd, err);
    _exit(1);
  }
  char line[64], *o = line;
  put(&o, "started ");
  put_long(&o, pid);
  put(&o, " ");
  put_long(&o, getpid());
  *o = 0;
  report(report_fd, line);
  close(report_fd);

  fcntl(outp[0], F_SETFL, O_NONBLOCK);
  fcntl(errp[0], F_SETFL, O_NONBLOCK);
  out_stream.fd = outp[0];
  err_stream.fd = errp[0];
  supervise(c, pid, sigfd, logfd);
  _exit(0);
}

int shim_main(const char *id, const char *state_dir) {
  /* whatever the caller leaked stays out of the container */
  syscall(SYS_close_range, 3, ~0U, 0);
  static char err[ERRMSG_MAX];
  char path[4096];
  snprintf(path, sizeof path, "%s/launch.conf", state_dir);
  static struct conf c;
  if (conf_load(path, &c, err, sizeof err) < 0) {
    report(2, err);
    return 1;
  }
  if (strcmp(c.id, id) != 0) {
    fmt_error(err, sizeof err, "launch.conf is for another container:", c.id, 0);
    report(2, err);
    return 1;
  }
  int rp[2];
  if (pipe2(rp, O_CLOEXEC) < 0) {
    fmt_error(err, sizeof err, "pipe2", NULL, errno);
    report(2, err);
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    fmt_error(err, sizeof err, "fork", NULL, errno);
    report(2, err);
    return 1;
  }
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
    run_daemon(&c, rp[1]);
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
  if (got == 0) {
    fmt_error(err, sizeof err, "the shim daemon died before the container started", NULL, 0);
    report(2, err);
  } else
    write_all(2, line, got);
  return 1;
}
