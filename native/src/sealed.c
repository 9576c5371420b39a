#include "sealed.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

void reexec_sealed(char **argv) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) fatal("open", "/proc/self/exe", errno);
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS) { /* already the sealed copy */
    close(self);
    return;
  }
  int mfd = memfd_create("tctop-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL) mfd = memfd_create("tctop-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0) fatal("memfd_create", NULL, errno);
  struct stat st;
  if (fstat(self, &st) < 0) fatal("fstat", "/proc/self/exe", errno);
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = sendfile(mfd, self, NULL, (size_t)(st.st_size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fatal("sendfile", "/proc/self/exe", n < 0 ? errno : EIO);
    done += n;
  }
  close(self);
  if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0) fatal("fcntl(F_ADD_SEALS)", NULL, errno);
  fexecve(mfd, argv, environ);
  fatal("fexecve", "(sealed copy)", errno);
}
