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
#include "seccomp.h"
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
           "error: %s (usage: tctop-shim exec --pid <init pid> [--cgroup dir]... [--env-fd n] [--cwd dir] "
           "[--uid n --gid n [--groups a,b]] [--caps-default | --caps hex] [--seccomp file] -- cmd [args...])\n",
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
  long env_fd;
  char **env;
  const char *cwd;
  long uid, gid;
  gid_t groups[256];
  size_t n_groups;
  int caps_default;
  unsigned long long caps; /* --caps: the container's own mask (implies caps_default's dropping) */
  const char *seccomp;     /* --seccomp: the container's compiled filter */
  char **cmd;
};

static void parse(int argc, char **argv, struct exec_opts *o) {
  memset(o, 0, sizeof *o);
  o->pid = -1;
  o->env_fd = -1;
  o->caps = DOCKER_DEFAULT_CAPS;
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
    } else if (!strcmp(a, "--env-fd")) {
      if ((o->env_fd = parse_uint(v)) < 3) usage("bad --env-fd");
    } else if (!strcmp(a, "--cwd")) o->cwd = v;
    else if (!strcmp(a, "--uid")) o->uid = parse_uint(v);
    else if (!strcmp(a, "--gid")) o->gid = parse_uint(v);
    else if (!strcmp(a, "--groups")) {
      for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
        long g = parse_uint(tok);
        if (g < 0 || o->n_groups == 256) usage("bad --groups");
        o->groups[o->n_groups++] = (gid_t)g;
      }
    } else if (!strcmp(a, "--caps")) {
      char *end;
      errno = 0;
      o->caps = strtoull(v, &end, 16);
      if (errno || *end || strlen(v) != 16) usage("bad --caps");
      o->caps_default = 1;
    } else if (!strcmp(a, "--seccomp")) {
      if (v[0] != '/') usage("bad --seccomp");
      o->seccomp = v;
    } else
      usage("unknown option");
  }
  if (o->pid <= 0) usage("--pid is required");
  if (o->uid < 0 || o->gid < 0) usage("bad --uid/--gid");
  if (i >= argc) usage("no command");
  o->cmd = argv + i;
}

/* The environment arrives NUL-separated on a pipe, never in argv: /proc/<pid>/cmdline is readable by every host
 * user, and an environment holds secrets. */
static char **read_env(long fd) {
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) die("out of memory", NULL, ENOMEM);
  for (;;) {
    if (len == cap) {
      if (cap >= ((size_t)16 << 20)) die("environment", "(--env-fd)", E2BIG);
      char *bigger = realloc(buf, cap *= 2);
      if (!bigger) die("out of memory", NULL, ENOMEM);
      buf = bigger;
    }
    ssize_t n = read((int)fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("read", "(--env-fd)", errno);
    if (n == 0) break;
    len += (size_t)n;
  }
  close((int)fd);
  size_t count = 0;
  for (size_t i = 0; i < len; i++) count += buf[i] == 0;
  if (len && buf[len - 1] != 0) count++;
  char **env = calloc(count + 1, sizeof *env);
  char *nul = realloc(buf, len + 1);
  if (!env || !nul) die("out of memory", NULL, ENOMEM);
  nul[len] = 0;
  size_t n = 0;
  for (size_t start = 0; start < len; start += strlen(nul + start) + 1) {
    if (!strchr(nul + start, '=')) die("environment entry without '='", NULL, 0);
    env[n++] = nul + start;
  }
  return env;
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
  static char *empty_env[] = {NULL};
  o.env = o.env_fd >= 0 ? read_env(o.env_fd) : empty_env;
  struct seccomp_prog filter = {NULL, 0}; /* a host path: read before entering the container */
  char serr[ERRMSG_MAX];
  if (o.seccomp && seccomp_load(o.seccomp, &filter, serr, sizeof serr) < 0) {
    size_t l = strlen(serr);
    serr[l] = '\n';
    write_all(2, serr, l + 1);
    _exit(1);
  }

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

  /* only the command joins the container's cgroup: this process stays outside it (and outside its PID namespace),
   * so the container's member list holds the command alone. The files are opened while the host's are visible. */
  int procs[64];
  for (size_t i = 0; i < o.n_cgroups; i++) {
    snprintf(path, sizeof path, "%s/cgroup.procs", o.cgroups[i]);
    if ((procs[i] = open(path, O_WRONLY | O_CLOEXEC)) < 0) die("open", path, errno);
  }
  int joined[2]; /* the child waits on it until it is in the cgroup */
  if (pipe2(joined, O_CLOEXEC) < 0) die("pipe", NULL, errno);
  for (int i = 0; i < 6; i++) {
    if (setns(nsfd[i], 0) < 0) die("setns", ns[i], errno);
    close(nsfd[i]);
  }
  if (fchdir(rootfd) < 0 || chroot(".") < 0) die("chroot", "(container root)", errno);
  close(rootfd);

  child = fork(); /* the child is in the container's PID namespace */
  if (child < 0) die("fork", NULL, errno);
  if (child == 0) {
    close(joined[1]);
    char go;
    ssize_t r;
    while ((r = read(joined[0], &go, 1)) < 0 && errno == EINTR) {
    }
    if (r != 1) _exit(126); /* the parent could not place us in the cgroup: never run outside it */
    close(joined[0]);
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
    if (drop_privileges(o.caps, !o.caps_default, o.uid, o.gid, o.groups, o.n_groups, err, sizeof err) < 0) {
      size_t l = strlen(err);
      err[l] = '\n';
      write_all(2, err, l + 1);
      _exit(126);
    }
    const char *hold = getenv("TCTOP_SHIM_TEST_HOLD_MS"); /* tests: a window to probe this process */
    if (hold) usleep((useconds_t)parse_uint(hold) * 1000);
    reset_signals();
    cloexec_from(3);
    if (filter.len && seccomp_apply(&filter, serr, sizeof serr) < 0) {
      size_t l = strlen(serr);
      serr[l] = '\n';
      write_all(2, serr, l + 1);
      _exit(126);
    }
    exec_in_path(o.cmd, o.env);
    int e = errno;
    char msg[ERRMSG_MAX];
    snprintf(msg, sizeof msg, "tctop: exec %s: %s\n", o.cmd[0], strerror(e));
    write_all(2, msg, strlen(msg));
    _exit(exec_failure_status(e));
  }
  close(joined[0]);
  char num[24];
  size_t len = fmt_long(num, child);
  for (size_t i = 0; i < o.n_cgroups; i++) {
    if (write_all(procs[i], num, len) < 0) {
      int e = errno;
      kill(child, SIGKILL);
      die("join cgroup", o.cgroups[i], e);
    }
    close(procs[i]);
  }
  if (write_all(joined[1], "1", 1) < 0) die("write", "(sync pipe)", errno);
  close(joined[1]);
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
