/* What every KOZO libFuzzer target shares: the entry point libFuzzer calls
 * and REQUIRE, which turns a broken invariant into a crash libFuzzer
 * records (an input in the regression set, a stack trace on stderr). */
#ifndef KOZO_FUZZ_H
#define KOZO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                  \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

#endif
