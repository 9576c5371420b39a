/* Mode 1: `tctop-shim --id <id> --state <dir>`: start the container, daemonize as its parent, log its output,
 * record how it ended. */
#ifndef TCTOP_SHIM_H
#define TCTOP_SHIM_H

#include <sys/types.h>

/* keep_early (`--attach`): the output before the first attach client is kept for it (a foreground run -i/-t).
 * owner (`--owner <pid>`, 0 for none): the process that started the shim, its parent; the container is killed when
 * that process ends, however it ends (a build's RUN step must not outlive a SIGKILLed build). */
int shim_main(const char *id, const char *state_dir, int keep_early, pid_t owner);

#endif
