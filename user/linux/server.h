/* The Linux server's entry from its IPC loop (main.c). */
#ifndef KOZO_LINUX_SERVER_H
#define KOZO_LINUX_SERVER_H

/* Run argv[0] from the archive with argv; returns the first process's
 * wait status (Linux encoding) once it ends, having printed it. */
int linux_run(int argc, char **argv);
/* The real time Init read at the server's start: seconds since the epoch
 * (0: none) and the cycle counter then. */
void linux_set_clock(uint64_t epoch_s, uint64_t cycles, uint64_t cycles_hz);
/* The per-process Untyped regions: how many are whole (nothing retyped
 * from them: every process's memory came back), of how many, and their
 * size.  Only while no program runs. */
void linux_memory(unsigned *whole, unsigned *total, uint64_t *bytes);

#include <stdbool.h>
#include <proc.h>
/* The isolation test (isotest.c): false when not built in. */
bool linux_isotest(const struct kozo_startup *st);

#endif
