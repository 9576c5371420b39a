#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "secure.h"
#include "util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

__attribute__((noreturn)) static void die(const char *what, const char *path, int errnum) {
  char msg[ERRMSG_MAX];
  fmt_error(msg, sizeof msg, what, path, errnum);
  size_t len = strlen(msg);
  msg[len] = '\n';
  write_all(2, msg, len + 1);
  _exit(1);
}

__attribute__((noreturn)) static void usage(const char *why) {
  char msg[ERRMSG_MAX];
  snprintf(msg, sizeof msg,
           "error: %s (usage: tctop-shim exec --pid <init pid> [--cgroup dir]... [--env K=V]... [--cwd dir] "
           "[--uid n --gid n [--groups a,b]] [--caps-default] -- cmd [args...])\n",
           why);
  write_all(2, msg, strlen(msg));
  _exit(1);
}

/* The runc /proc/self/exe lesson (CVE-2019-5736): before touching the container, run from a sealed in-memory
 * copy, so a container process that opens our /proc/<pid>/exe can neither reach nor rewrite the host binary. */
static void reexec_sealed(char **argv) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) die("open", "/proc/self/exe", errno);
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS) { /* already the sealed copy */
    close(self);
    return;
  }
  int mfd = memfd_create("tctop-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL) mfd = memfd_create("tctop-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0) die("memfd_create", NULL, errno);
  struct stat st;
  if (fstat(self, &st) < 0) die("fstat", "/proc/self/exe", errno);
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = sendfile(mfd, self, NULL, (size_t)(st.st_size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("sendfile", "/proc/self/exe", n < 0 ? errno : EIO);
    done += n;
  }
  close(self);
  if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0) die("fcntl(F_ADD_SEALS)", NULL, errno);
  fexecve(mfd, argv, environ);
  die("fexecve", "(sealed copy)", errno);
}

struct exec_opts {
  long pid;
  char *cgroups[64];
  size_t n_cgroups;
  char **env;
  size_t n_env;
  const char *cwd;
  long uid, gid;
  gid_t groups[256];
  size_t n_groups;
  int caps_default;
  char **cmd;
};

static void parse(int argc, char **argv, struct exec_opts *o) {
  memset(o, 0, sizeof *o);
  o->pid = -1;
  o->env = calloc((size_t)argc + 1, sizeof *o->env);
  if (!o->env) die("out of memory", NULL, ENOMEM);
  int i = 2;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (!strcmp(a, "--caps-default")) {
      o->caps_default = 1;
      continue;
    }
    if (i + 1 >= argc) usage("missing value");
    char *v = argv[++i];
    if (!strcmp(a, "--pid")) o->pid = parse_uint(v);
    else if (!strcmp(a, "--cgroup")) {
      if (o->n_cgroups == 64 || v[0] != '/') usage("bad --cgroup");
      o->cgroups[o->n_cgroups++] = v;
    } else if (!strcmp(a, "--env")) {
      if (!strchr(v, '=')) usage("--env wants K=V");
      o->env[o->n_env++] = v;
    } else if (!strcmp(a, "--cwd")) o->cwd = v;
    else if (!strcmp(a, "--uid")) o->uid = parse_uint(v);
    else if (!strcmp(a, "--gid")) o->gid = parse_uint(v);
    else if (!strcmp(a, "--groups")) {
      for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
        long g = parse_uint(tok);
        if (g < 0 || o->n_groups == 256) usage("bad --groups");
        o->groups[o->n_groups++] = (gid_t)g;
      }
    } else
      usage("unknown option");
  }
  if (o->pid <= 0) usage("--pid is required");
  if (o->uid < 0 || o->gid < 0) usage("bad --uid/--gid");
  if (i >= argc) usage("no command");
  o->cmd = argv + i;
}

static pid_t child = -1;

static void forward(int sig) {
  if (child > 0) kill(child, sig);
}

int exec_main(int argc, char **argv) {
  reexec_sealed(argv);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_NAME, "tctop-shim", 0, 0, 0);
  struct exec_opts o;
  parse(argc, argv, &o);

  /* every namespace handle first: after joining the mount namespace, /proc is the container's */
  static const char *const ns[] = {"cgroup", "ipc", "uts", "net", "pid", "mnt"};
  int nsfd[6];
  char path[4096];
  for (int i = 0; i < 6; i++) {
    snprintf(path, sizeof path, "/proc/%ld/ns/%s", o.pid, ns[i]);
    if ((nsfd[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) die("open", path, errno);
  }
  struct stat theirs, ours;
  if (fstat(nsfd[4], &theirs) < 0 || stat("/proc/self/ns/pid", &ours) < 0) die("stat", "pid namespace", errno);
  if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) { /* a typo'd PID must not mean "the host" */
    char what[96];
    snprintf(what, sizeof what, "PID %ld is not a container init: it shares our PID namespace", o.pid);
    die(what, NULL, 0);
  }
  snprintf(path, sizeof path, "/proc/%ld/root", o.pid);
  int rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) die("open", path, errno);

  char num[24];
  size_t len = fmt_long(num, getpid());
  for (size_t i = 0; i < o.n_cgroups; i++) {
    snprintf(path, sizeof path, "%s/cgroup.procs", o.cgroups[i]);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write_all(fd, num, len) < 0) die("join cgroup", path, errno);
    close(fd);
  }
  for (int i = 0; i < 6; i++) {
    if (setns(nsfd[i], 0) < 0) die("setns", ns[i], errno);
    close(nsfd[i]);
  }
  if (fchdir(rootfd) < 0 || chroot(".") < 0) die("chroot", "(container root)", errno);
  close(rootfd);

  child = fork(); /* the child is in the container's PID namespace */
  if (child < 0) die("fork", NULL, errno);
  if (child == 0) {
    const char *cwd = o.cwd ? o.cwd : "/";
    if (chdir(cwd) < 0) { /* as docker exec: the runtime could not start the command -> 126 */
      char msg[ERRMSG_MAX];
      fmt_error(msg, sizeof msg, "chdir", cwd, errno);
      size_t l = strlen(msg);
      msg[l] = '\n';
      write_all(2, msg, l + 1);
      _exit(126);
    }
    char err[ERRMSG_MAX];
    if (drop_privileges(DOCKER_DEFAULT_CAPS, !o.caps_default, o.uid, o.gid, o.groups, o.n_groups, err, sizeof err) < 0) {
      size_t l = strlen(err);
      err[l] = '\n';
      write_all(2, err, l + 1);
      _exit(126);
    }
    const char *hold = getenv("TCTOP_SHIM_TEST_HOLD_MS"); /* tests: a window to probe this process */
    if (hold) usleep((useconds_t)parse_uint(hold) * 1000);
    reset_signals();
    cloexec_from(3);
    exec_in_path(o.cmd, o.env);
    int e = errno;
    char msg[ERRMSG_MAX];
    snprintf(msg, sizeof msg, "tctop: exec %s: %s\n", o.cmd[0], strerror(e));
    write_all(2, msg, strlen(msg));
    _exit(exec_failure_status(e));
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  for (size_t i = 0; i < sizeof fwd / sizeof *fwd; i++) sigaction(fwd[i], &sa, NULL);
  int st;
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR) die("waitpid", NULL, errno);
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}
