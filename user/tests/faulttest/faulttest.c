/* faulttest: a test program that faults.  It carves objects from its
 * budget (so the shell has something to take back), then writes to an
 * address it has not mapped.  The fault goes to the shell, which reports
 * it ("shell: faulttest stopped: VM fault ..."), destroys the program and
 * goes on; `untyped` shows the same free bytes as before.  `faulttest
 * spin` never ends instead (a loop without system calls): the shell stops
 * it when Ctrl-C is typed. */
#include "tests.h"
#include <printf.h>
#include <string.h>

#define UNMAPPED_ADDR 0x10ul

static void cmd_faulttest(int argc, char **argv)
{
	bool spin = argc == 2 && strcmp(argv[1], "spin") == 0;
	if (argc != 1 && !spin) {
		print_usage("faulttest");
		return;
	}
	unsigned made = 0;
	for (unsigned i = 0; i < 8; i++) {
		uint64_t s;
		if (init_alloc_object(KOZO_OBJ_FRAME, 0, &s) == KOZO_OK)
			made++;
	}
	if (spin) {
		printf("faulttest: %u frames retyped; spinning\n", made);
		for (volatile unsigned long n = 0;; n++)
			;
	}
	printf("faulttest: %u frames retyped; writing to 0x%lx\n", made, UNMAPPED_ADDR);
	*(volatile uint64_t *)UNMAPPED_ADDR = 0x6b6f7a6f;
	printf("faulttest: the write did not fault: FAILED\n");
}

const struct test_program test_program = { "faulttest", "[spin]", cmd_faulttest };
