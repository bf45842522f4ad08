/* Bad input from a Linux program: each call must fail with Linux's errno
 * (the same as on the host), and the program goes on. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld (%s)\n", what, r, r < 0 ? strerror(errno) : "ok");
}

int main(void)
{
	show("write(1, bad pointer, 5)", syscall(SYS_write, 1, (void *)0x10, 5));
#ifdef SYS_open
	show("open(bad pointer)", syscall(SYS_open, (void *)0x10, O_RDONLY));
#else  /* aarch64 has openat only */
	show("open(bad pointer)", syscall(SYS_openat, AT_FDCWD, (void *)0x10, O_RDONLY));
#endif
	show("read(bad fd 77)", syscall(SYS_read, 77, (void *)0, 1));
	show("uname(bad pointer)", syscall(SYS_uname, (void *)0x10));
	show("syscall 999 (unknown)", syscall(999));
	show("openat(missing file)", syscall(SYS_openat, AT_FDCWD, "/no/such/file", O_RDONLY));
	show("mmap(length 0)", (long)syscall(SYS_mmap, 0, 0, 3, 0x22, -1, 0));
	printf("still running\n");
	return 0;
}
