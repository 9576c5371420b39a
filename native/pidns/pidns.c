/* tctop-pidns: the processes' PID namespaces, read in a process of our own.
 *
 * tctop-pidns <procdir> <host-pidns-inode|->: the processes outside the host's PID namespace, for a one-shot scan.
 * Finding them takes a readlink of /proc/<pid>/ns/pid for every process (~25 ms of kernel time at 5,000): Node
 * would do them on its only thread; this does them in a process of its own, split over the machine's cores, while
 * the scanner reads the container cgroups.
 * Output: "<count>\0", the number of processes listed, then "<pid>\0<link>\0" for each process whose link is not
 * exactly the host's ("pid:[<inode>]"), the link as the kernel gives it; the caller parses those as it parses its
 * own readlinks. Unreadable links (EACCES, or the process just ended) are left out, as the caller skips them too;
 * with the host's inode unknown ("-") no process is listed, as none can be told apart from the host.
 *
 * tctop-pidns --every <procdir> <host-pidns-inode|-> [<cgroup-dir> <max-depth>]: a long-running scanner's full pass,
 * made between its scans (src/snapshot/aside-survey.ts). Stdin: the PIDs the scanner knows, as native 32-bit
 * integers; their links are not read again (a process's PID namespace is fixed for its life, and a PID is reused only
 * after the PIDs wrapped, which the scanner checks). Output: "<count>\0", the number of processes listed (this one
 * not among them: it is no process of the host's); "<n>\0" and "<pid>\0<link>\0" for each listed PID not known,
 * the link empty when it is the host's, unreadable or the host's inode unknown; "<n>\0" and "<pid>\0" for each
 * known PID not listed (gone). With a cgroup directory, then "<n>\0" and "<path>\0" for each directory below it
 * down to max-depth levels, relative to it ("/a/b"), parents before children: the scanner decides which are
 * container cgroups (the runtimes' patterns are its own).
 *
 * One write at the end, through a pipe grown to hold it all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 4
#define NAME_MAX_LEN 24
#define LINK_MAX_LEN 64

struct entry {
  char name[NAME_MAX_LEN];
  char link[LINK_MAX_LEN];
  int known; /* --every: the caller knows this PID (its link is not read) */
};

struct slice {
  int dfd;
  struct entry *entries;
  size_t from, to;
};

static void *read_links(void *arg) {
  const struct slice *s = arg;
  for (size_t i = s->from; i < s->to; i++) {
    struct entry *e = &s->entries[i];
    if (e->known) continue;
    char path[NAME_MAX_LEN + 8];
    snprintf(path, sizeof path, "%s/ns/pid", e->name);
    ssize_t n = readlinkat(s->dfd, path, e->link, sizeof e->link);
    if (n < 0 || n == (ssize_t)sizeof e->link) n = 0; /* unreadable (or not a namespace link): empty */
    e->link[n] = 0;
  }
  return NULL;
}

static void *grow(void *p, size_t size) {
  void *q = realloc(p, size);
  if (!q) {
    fputs("tctop-pidns: out of memory\n", stderr);
    exit(1);
  }
  return q;
}

/* A growing output buffer. */
struct out {
  char *buf;
  size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n) {
  if (o->len + n > o->cap) o->buf = grow(o->buf, o->cap = (o->len + n) * 2 + 4096);
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

static void put_str(struct out *o, const char *s) { put(o, s, strlen(s) + 1); }

static void put_count(struct out *o, size_t n) {
  char num[24];
  snprintf(num, sizeof num, "%zu", n);
  put_str(o, num);
}

/* The cgroup tree's directories, listed by a thread of their own while the links are read. */
struct cgroup_list {
  const char *root;
  int max_depth;
  struct out paths; /* "<path>\0" each */
  size_t count;
  int failed;
};

static void list_dirs(struct cgroup_list *l, int dfd, char *rel, size_t rel_len, int depth) {
  DIR *dir = fdopendir(dfd);
  if (!dir) {
    close(dfd);
    return;
  }
  struct dirent *d;
  while ((d = readdir(dir))) {
    if (d->d_name[0] == '.' && (d->d_name[1] == 0 || (d->d_name[1] == '.' && d->d_name[2] == 0))) continue;
    int is_dir = d->d_type == DT_DIR;
    if (d->d_type == DT_UNKNOWN) {
      struct stat st;
      is_dir = fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    size_t name_len = strlen(d->d_name);
    if (!is_dir || rel_len + 1 + name_len >= PATH_MAX) continue;
    rel[rel_len] = '/';
    memcpy(rel + rel_len + 1, d->d_name, name_len + 1);
    put_str(&l->paths, rel);
    l->count++;
    if (depth + 1 < l->max_depth) {
      int child = openat(dirfd(dir), d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (child >= 0) list_dirs(l, child, rel, rel_len + 1 + name_len, depth + 1); /* gone meanwhile: skipped */
    }
    rel[rel_len] = 0;
  }
  closedir(dir);
}

static void *list_cgroups(void *arg) {
  struct cgroup_list *l = arg;
  int dfd = open(l->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    l->failed = errno;
    return NULL;
  }
  char rel[PATH_MAX] = "";
  list_dirs(l, dfd, rel, 0, 0);
  return NULL;
}

/* The PIDs the caller knows (--every's stdin), sorted; `seen` marks those listed again. */
struct known {
  unsigned *pids;
  unsigned char *seen;
  size_t n;
};

static int by_value(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}

static void read_known(struct known *k) {
  size_t len = 0, cap = 0;
  char *buf = NULL;
  for (;;) {
    if (len == cap) buf = grow(buf, cap = cap ? cap * 2 : 1 << 16);
    ssize_t r = read(0, buf + len, cap - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
  }
  k->n = len / sizeof *k->pids;
  k->pids = (unsigned *)buf;
  qsort(k->pids, k->n, sizeof *k->pids, by_value);
  k->seen = grow(NULL, k->n + 1);
  memset(k->seen, 0, k->n + 1);
}

/* Marks a listed PID seen; whether the caller knew it. */
static int mark_known(struct known *k, const char *name) {
  unsigned pid = (unsigned)strtoul(name, NULL, 10);
  const unsigned *at = bsearch(&pid, k->pids, k->n, sizeof *k->pids, by_value);
  if (!at) return 0;
  k->seen[at - k->pids] = 1;
  return 1;
}

static int usage(void) {
  fputs("usage: tctop-pidns [--every] <procdir> <host-pidns-inode|-> [<cgroup-dir> <max-depth>]\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  const int every = argc > 1 && strcmp(argv[1], "--every") == 0;
  char **args = argv + 1 + every;
  const int nargs = argc - 1 - every;
  if (nargs != 2 && !(every && nargs == 4)) return usage();
  struct cgroup_list cgroups = {0};
  if (nargs == 4) {
    char *end;
    long depth = strtol(args[3], &end, 10);
    if (*end || depth < 1 || depth > 64) return usage();
    cgroups.root = args[2];
    cgroups.max_depth = (int)depth;
  }
  const int host_known = strcmp(args[1], "-") != 0;
  char host_link[LINK_MAX_LEN];
  if (snprintf(host_link, sizeof host_link, "pid:[%s]", args[1]) >= (int)sizeof host_link) {
    fputs("tctop-pidns: host inode too long\n", stderr);
    return 2;
  }
  struct known known = {0};
  if (every) read_known(&known);
  pthread_t cgroup_thread;
  int cgroup_threaded = cgroups.root && pthread_create(&cgroup_thread, NULL, list_cgroups, &cgroups) == 0;
  int dfd = open(args[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
  if (!dir) {
    fprintf(stderr, "tctop-pidns: %s: %s\n", args[0], strerror(errno));
    return 1;
  }
  /* this process as that procfs names it (its "self" links there; a fixture tree has no "self") */
  char self[NAME_MAX_LEN] = "";
  ssize_t self_len = every ? readlinkat(dfd, "self", self, sizeof self - 1) : -1;
  self[self_len > 0 ? self_len : 0] = 0;
  struct entry *entries = NULL;
  size_t n = 0, cap = 0;
  struct dirent *d;
  while ((d = readdir(dir))) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9' || strlen(d->d_name) >= NAME_MAX_LEN) continue;
    if (every && strcmp(d->d_name, self) == 0) continue; /* this survey is no process of the host's */
    if (n == cap) entries = grow(entries, (cap = cap ? cap * 2 : 8192) * sizeof *entries);
    strcpy(entries[n].name, d->d_name);
    entries[n].known = every && mark_known(&known, d->d_name);
    n++;
  }

  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
  if (n < 512) threads = 1; /* a small host: not worth a thread */
  struct slice slices[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  for (size_t t = 0; t < threads; t++) {
    slices[t] = (struct slice){dfd, entries, n * t / threads, n * (t + 1) / threads};
    if (t > 0 && pthread_create(&tids[t], NULL, read_links, &slices[t]) != 0) {
      slices[0].to = slices[t].to; /* no thread: the first slice grows to cover it */
      slices[t].from = slices[t].to;
    }
  }
  read_links(&slices[0]);
  for (size_t t = 1; t < threads; t++)
    if (slices[t].from < slices[t].to) pthread_join(tids[t], NULL);
  closedir(dir);
  if (cgroups.root && !cgroup_threaded) list_cgroups(&cgroups);
  if (cgroup_threaded) pthread_join(cgroup_thread, NULL);
  if (cgroups.failed) {
    fprintf(stderr, "tctop-pidns: %s: %s\n", cgroups.root, strerror(cgroups.failed));
    return 1;
  }

  struct out out = {0};
  put_count(&out, n);
  size_t fresh = 0;
  for (size_t i = 0; i < n; i++) fresh += !entries[i].known;
  if (every) put_count(&out, fresh);
  for (size_t i = 0; i < n; i++) {
    const int host = !host_known || entries[i].link[0] == 0 || strcmp(entries[i].link, host_link) == 0;
    if (entries[i].known || (!every && host)) continue;
    put_str(&out, entries[i].name);
    put_str(&out, host ? "" : entries[i].link);
  }
  if (every) {
    size_t gone = 0;
    for (size_t i = 0; i < known.n; i++) gone += !known.seen[i];
    put_count(&out, gone);
    for (size_t i = 0; i < known.n; i++)
      if (!known.seen[i]) put_count(&out, known.pids[i]);
  }
  if (cgroups.root) {
    put_count(&out, cgroups.count);
    if (cgroups.paths.len) put(&out, cgroups.paths.buf, cgroups.paths.len);
  }
  fcntl(1, F_SETPIPE_SZ, 1 << 20); /* not a pipe, or capped: the write just takes longer */
  for (size_t off = 0; off < out.len;) {
    ssize_t w = write(1, out.buf + off, out.len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 1;
    off += (size_t)w;
  }
  return 0;
}
