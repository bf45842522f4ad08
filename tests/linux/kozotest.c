/* aarch64's Linux test programs as one static glibc program (mk/linux.mk):
 * each source's main is kozotest_<name>; the program runs the one its
 * argv[0] names (the archive's /bin/<name> are links to /bin/kozotest),
 * or with argv[0] kozotest, the one argv[1] names. */
#include <stdio.h>
#include <string.h>

#define X(name) int kozotest_##name(int argc, char **argv);
KOZOTEST_PROGRAMS
#undef X

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} programs[] = {
#define X(name) { #name, kozotest_##name },
	KOZOTEST_PROGRAMS
#undef X
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;
	name = name ? name + 1 : argc > 0 ? argv[0] : "";
	if (strcmp(name, "kozotest") == 0 && argc > 1) {
		argc--, argv++;
		name = argv[0];
	}
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcmp(programs[i].name, name) == 0)
			return programs[i].main(argc, argv);
	fprintf(stderr, "kozotest: no program '%s'; one of:", name);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		fprintf(stderr, " %s", programs[i].name);
	fprintf(stderr, "\n");
	return 127;
}
