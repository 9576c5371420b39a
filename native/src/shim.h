/* Mode 1: `tctop-shim --id <id> --state <dir>`: start the container, daemonize as its parent, log its output,
 * record how it ended. */
#ifndef TCTOP_SHIM_H
#define TCTOP_SHIM_H

int shim_main(const char *id, const char *state_dir);

#endif
