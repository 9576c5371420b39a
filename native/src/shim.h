/* Mode 1: `tctop-shim --id <id> --state <dir>`: start the container, daemonize as its parent, log its output,
 * record how it ended. */
#ifndef TCTOP_SHIM_H
#define TCTOP_SHIM_H

/* keep_early (`--attach`): the output before the first attach client is kept for it (a foreground run -i/-t). */
int shim_main(const char *id, const char *state_dir, int keep_early);

#endif
