/* The static-program suite (aarch64, scripts/suites/linux-static.sh):
 * files in /tmp through glibc's stdio and the *at calls aarch64 has
 * (openat, newfstatat, getdents64, renameat, mkdirat, unlinkat).  Each
 * line says what was done and what came back; the suite compares them
 * with the expected text. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	int fd = open("/tmp/f.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) {
		printf("open for writing: %s\n", strerror(errno));
		return 1;
	}
	static const char text[] = "hello file\nline two\n";
	printf("write: %zd\n", write(fd, text, sizeof(text) - 1));
	close(fd);

	struct stat st;
	if (stat("/tmp/f.txt", &st) == 0)
		printf("stat: size %lld, regular %d, mode %o, links %lu\n", (long long)st.st_size,
		       S_ISREG(st.st_mode), (unsigned)(st.st_mode & 0777), (unsigned long)st.st_nlink);
	else
		printf("stat: %s\n", strerror(errno));

	char buf[64];
	fd = open("/tmp/f.txt", O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("read %zd: %s", n, buf);
	printf("lseek: %lld\n", (long long)lseek(fd, 6, SEEK_SET));
	n = read(fd, buf, 4);
	buf[n > 0 ? n : 0] = 0;
	printf("read after lseek: %s\n", buf);
	if (fstat(fd, &st) == 0)
		printf("fstat: size %lld\n", (long long)st.st_size);
	close(fd);

	FILE *f = fopen("/tmp/f.txt", "a");
	fprintf(f, "appended %d\n", 42);
	fclose(f);
	f = fopen("/tmp/f.txt", "r");
	int lines = 0;
	while (fgets(buf, sizeof(buf), f))
		lines++;
	fclose(f);
	printf("lines after append: %d (last: %s", lines, buf);

	printf("rename: %d\n", rename("/tmp/f.txt", "/tmp/g.txt"));
	printf("mkdir: %d\n", mkdir("/tmp/d", 0755));
	if (stat("/tmp/d", &st) == 0)
		printf("stat dir: directory %d\n", S_ISDIR(st.st_mode));
	fd = open("/tmp/g.txt", O_RDONLY | O_DIRECTORY);
	printf("open a file with O_DIRECTORY: %s\n", fd < 0 ? strerror(errno) : "opened");
	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	printf("open /tmp with O_DIRECTORY|O_NOFOLLOW: %s\n", fd < 0 ? strerror(errno) : "opened");
	close(fd);

	DIR *d = opendir("/tmp");
	char *names[16];
	int count = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && count < 16)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[count++] = strdup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, (size_t)count, sizeof(names[0]), cmp);
	printf("ls /tmp:");
	for (int i = 0; i < count; i++)
		printf(" %s", names[i]);
	printf("\n");

	printf("unlink: %d\n", unlink("/tmp/g.txt"));
	int r = stat("/tmp/g.txt", &st);
	printf("stat after unlink: %d (%s)\n", r, strerror(errno));
	printf("rmdir: %d\n", rmdir("/tmp/d"));
	r = open("/no/such", O_RDONLY);
	printf("open /no/such: %d (%s)\n", r, strerror(errno));
	return 0;
}
