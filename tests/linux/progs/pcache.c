/* The page cache (issue 16): a file's pages read through a read-only
 * mapping are shared by every process that reads the same bytes, not
 * copied again for each.  The parent maps a file read-only and reads all
 * of it; then it runs itself again (fork and execve, so nothing is shared
 * by fork) and the new program does the same.  Each prints how much the
 * system's free memory (/proc/meminfo) fell while it read.
 * Usage: pcache [file] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static long mem_free_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Read path through a read-only mapping; the fall of MemFree in KiB,
 * or -1. */
static long read_mapped(const char *path, unsigned long *sum)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0)
		return -1;
	const unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	long before = mem_free_kb();
	*sum = 0;
	for (off_t i = 0; i < st.st_size; i++)
		*sum = *sum * 31 + m[i];
	long after = mem_free_kb();
	return before < 0 || after < 0 ? -1 : before - after;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/bin/busybox";
	unsigned long sum, other;
	if (argc > 2 && strcmp(argv[2], "again") == 0) {
		long fell = read_mapped(path, &sum);
		printf("pcache: the second program: %ld KiB, sum %lx\n", fell, sum);
		return fell < 0;
	}
	long fell = read_mapped(path, &sum);
	printf("pcache: the first program: %ld KiB, sum %lx\n", fell, sum);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], (char *)path, "again", NULL };
		execv(argv[0], args);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("pcache: the second program failed\n");
		return 1;
	}
	(void)other;
	return fell < 0;
}
