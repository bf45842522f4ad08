/* The kernel unit tests: each test boots its own kernel on the host port
 * and ends with the checks of kt_end (no panic, consistent tree). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "tests.h"

struct test {
	const char *name;
	void (*run)(void);
};

#define TEST_ENTRY(name) { #name, test_##name },
static const struct test tests[] = { KERNEL_TESTS(TEST_ENTRY) };

int main(int argc, char **argv);

/* With arguments, only the tests whose names contain one of them run (with
 * KOZO_TEST_EXACT in the environment: whose names are one of them).
 * KOZO_TEST_FAIL_FAST in the environment stops after the first test with
 * a failure (scripts/mutate.py: a mutant is killed once one test fails). */
int main(int argc, char **argv)
{
	bool fail_fast = getenv("KOZO_TEST_FAIL_FAST") != NULL;
	bool exact = getenv("KOZO_TEST_EXACT") != NULL;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			wanted |= exact ? strcmp(tests[i].name, argv[a]) == 0
					: strstr(tests[i].name, argv[a]) != NULL;
		if (!wanted)
			continue;
		check_begin(tests[i].name);
		tests[i].run();
		if (fail_fast && check_failures())
			break;
	}
	return check_summary();
}
