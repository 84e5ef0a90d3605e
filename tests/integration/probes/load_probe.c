/* load_probe: a shared object that, whenever a process loads it (through
 * LD_PRELOAD, or as an NSS module libnss_probe.so.2), appends that process's
 * real and effective uid to $AIRLOCK_PROBE_OUT (or /tmp/airlock-load-probe
 * when unset, e.g. in a root process with a clean environment). A test then
 * shows that no root process ever loaded it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void airlock_probe_loaded(void) {
  const char* out = getenv("AIRLOCK_PROBE_OUT");
  FILE* f = fopen(out != NULL ? out : "/tmp/airlock-load-probe", "a");
  if (f == NULL) return;
  fprintf(f, "uid=%d euid=%d pid=%d\n", (int)getuid(), (int)geteuid(), (int)getpid());
  fclose(f);
}
