/* The last steps before a container process runs its command, shared by the init and exec mode:
 * credentials, Docker's default capabilities, no_new_privs, fds >= 3 closed, PATH search in the container's env. */
#ifndef TCTOP_SECURE_H
#define TCTOP_SECURE_H

#include <stddef.h>
#include <sys/types.h>

/* Docker's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW
 * SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP. */
#define DOCKER_DEFAULT_CAPS 0x00000000a80425fbULL

/* Drops the bounding set to `keep`, switches to uid/gid/groups, sets effective = permitted = keep for uid 0
 * (empty otherwise), clears inheritable and ambient, sets no_new_privs. Returns 0 or -1, with the failing call
 * named in err. keep_all: no capability change at all (a privileged exec). */
int drop_privileges(unsigned long long keep, int keep_all, long uid, long gid, const gid_t *groups, size_t n_groups,
                    char *err, size_t errsize);

/* Every fd >= 3 closes at exec (the sync pipe's close is how the parent learns the exec happened). */
void cloexec_from(int fd);

/* Resets signal dispositions and the mask, as a fresh process expects. */
void reset_signals(void);

/* execve(arg0 searched in env's PATH); returns only on failure with errno set to the most telling error. */
void exec_in_path(char *const argv[], char *const envp[]);

/* Exit status for a failed exec: 127 not found, 126 found but not runnable. */
int exec_failure_status(int errnum);

#endif
