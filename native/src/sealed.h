/* The runc /proc/self/exe lesson (CVE-2019-5736), as crun's cloned_binary.c: before a shim process touches a
 * container, it re-executes itself from a sealed in-memory copy, so a container process that opens our
 * /proc/<pid>/exe can neither reach nor rewrite the host binary. */
#ifndef TCTOP_SEALED_H
#define TCTOP_SEALED_H

/* Returns at once in the sealed copy; otherwise re-executes argv from one (and never returns). */
void reexec_sealed(char **argv);

#endif
