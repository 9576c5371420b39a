/* tctop-pidns <procdir> <host-pidns-inode>: the processes outside the host's PID namespace, for a one-shot scan.
 * Finding them takes a readlink of /proc/<pid>/ns/pid for every process (~25 ms of kernel time at 5,000): Node
 * would do them on its only thread; this does them in a process of its own, split over the machine's cores, while
 * the scanner reads the container cgroups.
 * Output: "<count>\0", the number of processes listed, then "<pid>\0<link>\0" for each process whose link is not
 * exactly the host's ("pid:[<inode>]"), the link as the kernel gives it; the caller parses those as it parses its
 * own readlinks. Unreadable links (EACCES, or the process just ended) are left out, as the caller skips them too;
 * with the host's inode unknown ("-") no process is listed, as none can be told apart from the host.
 * One write at the end, through a pipe grown to hold it all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 4
#define NAME_MAX_LEN 24
#define LINK_MAX_LEN 64

struct entry {
  char name[NAME_MAX_LEN];
  char link[LINK_MAX_LEN];
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

int main(int argc, char **argv) {
  if (argc != 3) {
    fputs("usage: tctop-pidns <procdir> <host-pidns-inode|->\n", stderr);
    return 2;
  }
  const int host_known = strcmp(argv[2], "-") != 0;
  char host_link[LINK_MAX_LEN];
  if (snprintf(host_link, sizeof host_link, "pid:[%s]", argv[2]) >= (int)sizeof host_link) {
    fputs("tctop-pidns: host inode too long\n", stderr);
    return 2;
  }
  int dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
  if (!dir) {
    fprintf(stderr, "tctop-pidns: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  struct entry *entries = NULL;
  size_t n = 0, cap = 0;
  struct dirent *d;
  while ((d = readdir(dir))) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9' || strlen(d->d_name) >= NAME_MAX_LEN) continue;
    if (n == cap) entries = grow(entries, (cap = cap ? cap * 2 : 8192) * sizeof *entries);
    strcpy(entries[n++].name, d->d_name);
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

  char *out = grow(NULL, n * sizeof *entries + 32);
  size_t len = (size_t)sprintf(out, "%zu", n) + 1;
  for (size_t i = 0; i < n && host_known; i++) {
    if (entries[i].link[0] == 0 || strcmp(entries[i].link, host_link) == 0) continue;
    size_t a = strlen(entries[i].name) + 1, b = strlen(entries[i].link) + 1;
    memcpy(out + len, entries[i].name, a);
    memcpy(out + len + a, entries[i].link, b);
    len += a + b;
  }
  fcntl(1, F_SETPIPE_SZ, 1 << 20); /* not a pipe, or capped: the write just takes longer */
  for (size_t off = 0; off < len;) {
    ssize_t w = write(1, out + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 1;
    off += (size_t)w;
  }
  return 0;
}
