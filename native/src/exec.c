#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "pty.h"
#include "records.h"
#include "relay.h"
#include "sealed.h"
#include "seccomp.h"
#include "secure.h"
#include "util.h"


__attribute__((noreturn)) static void usage(const char *why) {
  char msg[ERRMSG_MAX];
  snprintf(msg, sizeof msg,
           "error: %s (usage: tctop-shim exec --pid <init pid> [--cgroup dir]... [--env-fd n] [--cwd dir] "
           "[--uid n --gid n [--groups a,b]] [--caps-default | --caps hex] [--seccomp file] [--tty] [--stdin] -- cmd [args...])\n",
           why);
  write_all(2, msg, strlen(msg));
  _exit(1);
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
  int tty, stdin_open; /* --tty: a pty of the container's devpts; --stdin: the terminal's input goes to it */
  int master, slave;
  unsigned long long caps; /* --caps: the container's own mask (implies caps_default's dropping) */
  const char *seccomp;     /* --seccomp: the container's compiled filter */
  struct seccomp_prog filter; /* read from the host before entering the container */
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
    if (!strcmp(a, "--caps-default") || !strcmp(a, "--tty") || !strcmp(a, "--stdin")) {
      *(a[2] == 'c' ? &o->caps_default : a[2] == 't' ? &o->tty : &o->stdin_open) = 1;
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
  if (!buf) fatal("out of memory", NULL, ENOMEM);
  for (;;) {
    if (len == cap) {
      if (cap >= ((size_t)16 << 20)) fatal("environment", "(--env-fd)", E2BIG);
      char *bigger = realloc(buf, cap *= 2);
      if (!bigger) fatal("out of memory", NULL, ENOMEM);
      buf = bigger;
    }
    ssize_t n = read((int)fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fatal("read", "(--env-fd)", errno);
    if (n == 0) break;
    len += (size_t)n;
  }
  close((int)fd);
  size_t count = 0;
  for (size_t i = 0; i < len; i++) count += buf[i] == 0;
  if (len && buf[len - 1] != 0) count++;
  char **env = calloc(count + 1, sizeof *env);
  char *nul = realloc(buf, len + 1);
  if (!env || !nul) fatal("out of memory", NULL, ENOMEM);
  nul[len] = 0;
  size_t n = 0;
  for (size_t start = 0; start < len; start += strlen(nul + start) + 1) {
    if (!strchr(nul + start, '=')) fatal("environment entry without '='", NULL, 0);
    env[n++] = nul + start;
  }
  return env;
}

static const char *const NAMESPACES[] = {"cgroup", "ipc", "uts", "net", "pid", "mnt"};

static pid_t child = -1;

static void forward(int sig) {
  if (child > 0) kill(child, sig);
}

/* Every namespace handle first (after joining the mount namespace, /proc is the container's), and the init's root. */
static void open_container(const struct exec_opts *o, int nsfd[6], int *rootfd) {
  char path[4096];
  for (int i = 0; i < 6; i++) {
    snprintf(path, sizeof path, "/proc/%ld/ns/%s", o->pid, NAMESPACES[i]);
    if ((nsfd[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) fatal("open", path, errno);
  }
  struct stat theirs, ours;
  if (fstat(nsfd[4], &theirs) < 0 || stat("/proc/self/ns/pid", &ours) < 0) fatal("stat", "pid namespace", errno);
  if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) { /* a typo'd PID must not mean "the host" */
    char what[96];
    snprintf(what, sizeof what, "PID %ld is not a container init: it shares our PID namespace", o->pid);
    fatal(what, NULL, 0);
  }
  snprintf(path, sizeof path, "/proc/%ld/root", o->pid);
  if ((*rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) fatal("open", path, errno);
}

/* Only the command joins the container's cgroup: this process stays outside it (and outside its PID namespace), so
 * the container's member list holds the command alone. The files are opened while the host's are visible. */
static void open_cgroup_procs(const struct exec_opts *o, int procs[64]) {
  char path[4096];
  for (size_t i = 0; i < o->n_cgroups; i++) {
    snprintf(path, sizeof path, "%s/cgroup.procs", o->cgroups[i]);
    if ((procs[i] = open(path, O_WRONLY | O_CLOEXEC)) < 0) fatal("open", path, errno);
  }
}

static void enter_container(const int nsfd[6], int rootfd) {
  for (int i = 0; i < 6; i++) {
    if (setns(nsfd[i], 0) < 0) fatal("setns", NAMESPACES[i], errno);
    close(nsfd[i]);
  }
  if (fchdir(rootfd) < 0 || chroot(".") < 0) fatal("chroot", "(container root)", errno);
  close(rootfd);
}

/* The child, in the container's PID namespace: waits until the parent has put it in the cgroup, then becomes the
 * command. Failures before the exec are the runtime's: 126, as docker exec. */
__attribute__((noreturn)) static void run_command(const struct exec_opts *o, int joined) {
  char go;
  ssize_t r;
  while ((r = read(joined, &go, 1)) < 0 && errno == EINTR) {
  }
  if (r != 1) _exit(126); /* the parent could not place us in the cgroup: never run outside it */
  close(joined);
  const char *cwd = o->cwd ? o->cwd : "/";
  if (chdir(cwd) < 0) fatal_status(126, "chdir", cwd, errno);
  if (o->tty) {
    close(o->master);
    if (fchown(o->slave, (uid_t)o->uid, (gid_t)-1) < 0 || pty_make_stdio(o->slave) < 0)
      fatal_status(126, "make the pty the controlling terminal", NULL, errno);
  }
  char err[ERRMSG_MAX];
  if (drop_privileges(o->caps, !o->caps_default, o->uid, o->gid, o->groups, o->n_groups, err, sizeof err) < 0)
    fatal_line(126, err);
#ifdef TCTOP_TEST_HOOKS
  const char *hold = getenv("TCTOP_SHIM_TEST_HOLD_MS"); /* the test build only: a window to probe this process */
  if (hold) usleep((useconds_t)parse_uint(hold) * 1000);
#endif
  reset_signals();
  cloexec_from(3);
  if (o->filter.len && seccomp_apply(&o->filter, err, sizeof err) < 0) fatal_line(126, err); /* last: only the command is confined */
  exec_in_path(o->cmd, o->env);
  int e = errno;
  char msg[ERRMSG_MAX];
  snprintf(msg, sizeof msg, "tctop: exec %s: %s\n", o->cmd[0], strerror(e));
  write_all(2, msg, strlen(msg));
  _exit(exec_failure_status(e));
}

static void join_cgroups(const struct exec_opts *o, const int procs[64], pid_t pid) {
  char num[24];
  size_t len = fmt_long(num, pid);
  for (size_t i = 0; i < o->n_cgroups; i++) {
    if (write_all(procs[i], num, len) < 0) {
      int e = errno;
      kill(pid, SIGKILL);
      fatal("join cgroup", o->cgroups[i], e);
    }
    close(procs[i]);
  }
}

static int forward_signals_until_exit(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  for (size_t i = 0; i < sizeof fwd / sizeof *fwd; i++) sigaction(fwd[i], &sa, NULL);
  int st;
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR) fatal("waitpid", NULL, errno);
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int exec_main(int argc, char **argv) {
  reexec_sealed(argv);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_NAME, "tctop-shim", 0, 0, 0);
  struct exec_opts o;
  parse(argc, argv, &o);
  static char *empty_env[] = {NULL};
  o.env = o.env_fd >= 0 ? read_env(o.env_fd) : empty_env;
  char serr[ERRMSG_MAX]; /* the filter file is a host path: read before entering the container */
  if (o.seccomp && seccomp_load(o.seccomp, &o.filter, serr, sizeof serr) < 0) fatal_line(1, serr);
  int nsfd[6], rootfd, procs[64], joined[2]; /* the child waits on `joined` until it is in the cgroup */
  open_container(&o, nsfd, &rootfd);
  open_cgroup_procs(&o, procs);
  if (pipe2(joined, O_CLOEXEC) < 0) fatal("pipe", NULL, errno);
  enter_container(nsfd, rootfd);
  if (o.tty && pty_open(&o.master, &o.slave) < 0) fatal("open pty", "/dev/ptmx (container)", errno);
  child = fork();
  if (child < 0) fatal("fork", NULL, errno);
  if (child == 0) {
    close(joined[1]);
    run_command(&o, joined[0]);
  }
  close(joined[0]);
  join_cgroups(&o, procs, child);
  if (write_all(joined[1], "1", 1) < 0) fatal("write", "(sync pipe)", errno);
  close(joined[1]);
  if (o.tty) {
    close(o.slave);
    return exit_code_of(relay_pty(o.master, child, o.stdin_open));
  }
  return forward_signals_until_exit();
}
