#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define BPF_MAXINSNS_KERNEL 4096

int seccomp_load(const char *path, struct seccomp_prog *p, char *err, size_t errsize) {
  size_t len;
  p->insns = read_file(path, BPF_MAXINSNS_KERNEL * sizeof(struct sock_filter) + 1, &len);
  if (!p->insns) {
    fmt_error(err, errsize, "read seccomp filter", path, errno);
    return -1;
  }
  if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > BPF_MAXINSNS_KERNEL) {
    fmt_error(err, errsize, "seccomp filter is not a whole BPF program:", path, 0);
    free(p->insns);
    p->insns = NULL;
    return -1;
  }
  p->len = (unsigned short)(len / sizeof(struct sock_filter));
  return 0;
}

int seccomp_apply(const struct seccomp_prog *p, char *err, size_t errsize) {
  struct sock_fprog prog = {.len = p->len, .filter = (struct sock_filter *)p->insns};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0) return 0;
  if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0) return 0;
  fmt_error(err, errsize, "seccomp(SECCOMP_SET_MODE_FILTER)", NULL, errno);
  return -1;
}
