#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int percent_decode(char *s) {
  char *out = s;
  for (char *p = s; *p; p++) {
    if (*p != '%') {
      *out++ = *p;
      continue;
    }
    int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return -1;
    *out++ = (char)(hi * 16 + lo);
    p += 2;
  }
  *out = 0;
  return 0;
}

/* Appends to a NULL-terminated growable array of strings. */
static int push(char ***list, size_t *n, char *v) {
  if (*n + 2 > CONF_MAX_LIST) return -1;
  char **bigger = realloc(*list, (*n + 2) * sizeof **list);
  if (!bigger) return -1;
  bigger[(*n)++] = v;
  bigger[*n] = NULL;
  *list = bigger;
  return 0;
}

static int is_abs(const char *p) { return p && p[0] == '/'; }

static int parse_groups(struct conf *c, char *v) {
  for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
    long g = parse_uint(tok);
    if (g < 0 || c->n_groups >= 256) return -1;
    gid_t *bigger = realloc(c->groups, (c->n_groups + 1) * sizeof *bigger);
    if (!bigger) return -1;
    bigger[c->n_groups++] = (gid_t)g;
    c->groups = bigger;
  }
  return 0;
}

static int parse_bind(struct conf *c, char *v) {
  char *src = strtok(v, " "), *dst = strtok(NULL, " "), *mode = strtok(NULL, " ");
  if (!src || !dst || !mode || strtok(NULL, " ")) return -1;
  if (percent_decode(src) || percent_decode(dst) || !is_abs(src) || !is_abs(dst)) return -1;
  int ro = strcmp(mode, "ro") == 0;
  if (!ro && strcmp(mode, "rw") != 0) return -1;
  if (c->n_binds >= 1024) return -1;
  struct bind *bigger = realloc(c->binds, (c->n_binds + 1) * sizeof *bigger);
  if (!bigger) return -1;
  bigger[c->n_binds++] = (struct bind){src, dst, ro};
  c->binds = bigger;
  return 0;
}

static int parse_restart(const char *v) {
  return !strcmp(v, "no") ? RESTART_NO : !strcmp(v, "always") ? RESTART_ALWAYS : !strcmp(v, "on-failure") ? RESTART_ON_FAILURE
         : !strcmp(v, "unless-stopped") ? RESTART_UNLESS_STOPPED : -1;
}

/* caps: exactly 16 hex digits, the 64-bit mask of capabilities the container keeps. */
static int parse_caps(struct conf *c, const char *v) {
  if (strlen(v) != 16) return -1;
  unsigned long long m = 0;
  for (const char *p = v; *p; p++) {
    int d = hexval(*p);
    if (d < 0) return -1;
    m = m << 4 | (unsigned)d;
  }
  c->caps = m;
  c->has_caps = 1;
  return 0;
}

/* One record; returns 0, or -1 (bad value) / -2 (unknown key). */
static int record(struct conf *c, const char *key, char *v) {
  if (strcmp(key, "bind") == 0) return parse_bind(c, v);
  if (percent_decode(v)) return -1;
  if (!strcmp(key, "id")) c->id = v;
  else if (!strcmp(key, "lowerdir")) return is_abs(v) ? push(&c->lowerdirs, &c->n_lowerdirs, v) : -1;
  else if (!strcmp(key, "upperdir")) c->upperdir = v;
  else if (!strcmp(key, "workdir")) c->workdir = v;
  else if (!strcmp(key, "rootfs")) c->rootfs = v;
  else if (!strcmp(key, "readonly")) c->readonly = !strcmp(v, "1") ? 1 : !strcmp(v, "0") ? 0 : -1;
  else if (!strcmp(key, "hostname")) c->hostname = v;
  else if (!strcmp(key, "network")) c->network_host = !strcmp(v, "host") ? 1 : !strcmp(v, "none") ? 0 : -1;
  else if (!strcmp(key, "netns")) return is_abs(v) ? (c->netns = v, 0) : -1;
  else if (!strcmp(key, "arg")) return push(&c->args, &c->n_args, v);
  else if (!strcmp(key, "env")) return strchr(v, '=') ? push(&c->env, &c->n_env, v) : -1;
  else if (!strcmp(key, "cwd")) c->cwd = v;
  else if (!strcmp(key, "uid")) c->uid = parse_uint(v);
  else if (!strcmp(key, "gid")) c->gid = parse_uint(v);
  else if (!strcmp(key, "groups")) return parse_groups(c, v);
  else if (!strcmp(key, "cgroup")) return is_abs(v) ? push(&c->cgroups, &c->n_cgroups, v) : -1;
  else if (!strcmp(key, "oom_file")) c->oom_file = v;
  else if (!strcmp(key, "log")) c->log = v;
  else if (!strcmp(key, "exit_file")) c->exit_file = v;
  else if (!strcmp(key, "tty")) c->tty = !strcmp(v, "1") ? 1 : !strcmp(v, "0") ? 0 : -1;
  else if (!strcmp(key, "stdin")) c->open_stdin = !strcmp(v, "1") ? 1 : !strcmp(v, "0") ? 0 : -1;
  else if (!strcmp(key, "restart")) c->restart = parse_restart(v);
  else if (!strcmp(key, "restart_max")) c->restart_max = parse_uint(v);
  else if (!strcmp(key, "caps")) return parse_caps(c, v);
  else if (!strcmp(key, "seccomp")) return is_abs(v) ? (c->seccomp = v, 0) : -1;
  else if (!strcmp(key, "privileged")) c->privileged = !strcmp(v, "1") ? 1 : !strcmp(v, "0") ? 0 : -1;
  else return -2;
  return 0;
}

static int valid_id(const char *id) {
  if (!id || strlen(id) != 64) return 0;
  for (const char *p = id; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  return 1;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errsize) {
  memset(c, 0, sizeof *c);
  c->uid = c->gid = 0;
  c->readonly = 0;
  size_t len;
  char *text = read_file(path, 1 << 20, &len);
  if (!text) {
    fmt_error(err, errsize, "read launch.conf", path, errno);
    return -1;
  }
  if (strlen(text) != len) {
    fmt_error(err, errsize, "launch.conf holds a NUL byte:", path, 0);
    return -1;
  }
  int lineno = 0;
  for (char *line = text, *next; line && *line; line = next) {
    lineno++;
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    if (!*line) continue;
    char *sp = strchr(line, ' ');
    char *value = sp ? sp + 1 : line + strlen(line);
    if (sp) *sp = 0;
    int r = record(c, line, value);
    if (r < 0) {
      char what[160];
      snprintf(what, sizeof what, "launch.conf line %d: %s key %.40s in", lineno, r == -2 ? "unknown" : "bad value for", line);
      fmt_error(err, errsize, what, path, 0);
      return -1;
    }
  }
  const char *missing = !valid_id(c->id) ? "id"
                        : c->n_lowerdirs == 0 ? "lowerdir"
                        : !is_abs(c->upperdir) ? "upperdir"
                        : !is_abs(c->workdir) ? "workdir"
                        : !is_abs(c->rootfs) ? "rootfs"
                        : c->readonly < 0 ? "readonly"
                        : c->network_host < 0 ? "network"
                        : c->n_args == 0 ? "arg"
                        : !is_abs(c->cwd) ? "cwd"
                        : c->uid < 0 ? "uid"
                        : c->gid < 0 ? "gid"
                        : !is_abs(c->log) ? "log"
                        : !is_abs(c->exit_file) ? "exit_file"
                        : (c->oom_file && !is_abs(c->oom_file)) ? "oom_file"
                        : c->tty < 0 ? "tty"
                        : c->open_stdin < 0 ? "stdin"
                        : c->restart < 0 ? "restart"
                        : c->restart_max < 0 ? "restart_max"
                        : c->privileged < 0 ? "privileged"
                                                                 : NULL;
  if (missing) {
    char what[96];
    snprintf(what, sizeof what, "launch.conf: missing or invalid `%s` in", missing);
    fmt_error(err, errsize, what, path, 0);
    return -1;
  }
  if (!c->env && !(c->env = calloc(1, sizeof *c->env))) {
    fmt_error(err, errsize, "out of memory", NULL, ENOMEM);
    return -1;
  }
  if (!c->hostname) c->hostname = c->id;
  return 0;
}
