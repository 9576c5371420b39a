/* launch.conf: what the TypeScript engine wrote for this container (format: docs/engine-contract.md). */
#ifndef TCTOP_CONF_H
#define TCTOP_CONF_H

#include <stddef.h>
#include <sys/types.h>

#define CONF_MAX_LIST 4096

struct bind {
  char *src, *dst;
  int readonly;
};

struct conf {
  char *id;
  char **lowerdirs; /* top-most first */
  size_t n_lowerdirs;
  char *upperdir, *workdir, *rootfs;
  int readonly;
  char *hostname;
  int network_host;
  char *netns; /* a prepared network namespace file to join (bridge, container:<ref>), or NULL: a new one */
  char **args; /* NULL-terminated */
  size_t n_args;
  char **env; /* NULL-terminated */
  size_t n_env;
  char *cwd;
  long uid, gid;
  gid_t *groups;
  size_t n_groups;
  struct bind *binds;
  size_t n_binds;
  char **cgroups;
  size_t n_cgroups;
  char *oom_file, *log, *exit_file;
  int tty;        /* `tty 1`: the init's stdio is a pty whose master the daemon keeps */
  int open_stdin; /* `stdin 1`: the init's stdin is a pipe fed by attach clients (else /dev/null) */
  int restart;    /* `restart no|always|on-failure|unless-stopped` */
  long restart_max; /* `restart_max N`: on-failure's limit (0: none) */
  /* security (docs/engine-contract.md, "Security"): capability mask kept (has_caps 0: docker's default), the compiled
   * seccomp filter's path (NULL: none), privileged (no masked paths, writable /sys) */
  unsigned long long caps;
  int has_caps;
  char *seccomp;
  int privileged;
};

enum { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_UNLESS_STOPPED };

/* Parses <state>/launch.conf into c; on failure writes "error: ..." into err and returns -1. */
int conf_load(const char *path, struct conf *c, char *err, size_t errsize);

/* Decodes %XX in place; returns -1 on a malformed escape or an embedded NUL. */
int percent_decode(char *s);

#endif
