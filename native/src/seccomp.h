/* The container's seccomp filter: a classic-BPF program the TypeScript engine compiled from a docker-format profile
 * (src/engine/security/seccomp-bpf.ts), read from the host before pivot_root and installed just before execve. */
#ifndef TCTOP_SECCOMP_H
#define TCTOP_SECCOMP_H

#include <stddef.h>

struct seccomp_prog {
  void *insns; /* struct sock_filter[len] */
  unsigned short len;
};

/* Reads <path> (8-byte instructions, 1..4096 of them); 0, or -1 with the reason in err. */
int seccomp_load(const char *path, struct seccomp_prog *p, char *err, size_t errsize);

/* Installs the filter (no_new_privs must already be set); 0, or -1 with the reason in err. */
int seccomp_apply(const struct seccomp_prog *p, char *err, size_t errsize);

#endif
