/* The check framework (see check.h). */
#include <stdio.h>
#include "check.h"
#include "harness.h"

static const char *current_test = "?";
static unsigned passed, failed;

void check_begin(const char *test)
{
	current_test = test;
}

static bool report(bool ok, const char *name, const char *detail)
{
	if (ok) {
		passed++;
		printf("PASS %s.%s\n", current_test, name);
	} else {
		failed++;
		printf("FAIL %s.%s: %s\n", current_test, name, detail);
	}
	return ok;
}

void check_fail(const char *name, const char *detail)
{
	report(false, name, detail);
}

bool check_true(bool ok, const char *name, const char *expr)
{
	char detail[256];
	snprintf(detail, sizeof(detail), "expected %s", expr);
	return report(ok, name, detail);
}

bool check_u64(const char *name, uint64_t got, uint64_t want, const char *expr)
{
	char detail[256];
	snprintf(detail, sizeof(detail), "%s is %#llx, expected %#llx", expr,
		 (unsigned long long)got, (unsigned long long)want);
	return report(got == want, name, detail);
}

static const char *error_name(uint64_t e)
{
	switch (e) {
	case HOST_PANICKED: return "kernel panic";
	case HOST_NOT_RUNNABLE: return "thread not runnable";
	case HOST_NO_BUFFER: return "no IPC buffer";
	default: return kozo_error_name((unsigned)(e < KOZO_ERR_COUNT ? e : KOZO_ERR_COUNT));
	}
}

bool check_err(const char *name, uint64_t got, uint64_t want)
{
	char detail[256];
	snprintf(detail, sizeof(detail), "error %llu (%s), expected %llu (%s)",
		 (unsigned long long)got, error_name(got), (unsigned long long)want,
		 error_name(want));
	return report(got == want, name, detail);
}

unsigned check_failures(void)
{
	return failed;
}

int check_summary(void)
{
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
