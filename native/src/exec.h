/* Mode 2: `tctop-shim exec --pid <init> ... -- cmd args`: run a command inside a running container. */
#ifndef TCTOP_EXEC_H
#define TCTOP_EXEC_H

int exec_main(int argc, char **argv);

#endif
