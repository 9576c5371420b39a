/* Mode 3: `tctop-shim attach --state <dir> [--stdin] [--tty] [--detach-keys <hex>] [--status-fd n]`: the client
 * of a container's attach socket, with the user's terminal as stdio (raw with --tty, window size followed), until the
 * container ends ("exit N" on the status fd), the detach keys are typed or a signal arrives ("detached"), or the shim
 * goes away ("lost"). Mode 4: `tctop-shim no-restart --state <dir>`: tell the shim to restart the init no more. */
#ifndef TCTOP_CLIENT_H
#define TCTOP_CLIENT_H

int attach_main(int argc, char **argv);
int no_restart_main(int argc, char **argv);

#endif
