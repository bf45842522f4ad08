/* Rung 1 of the Linux ladder: a static musl program built from this source
 * (musl-gcc -static) runs unmodified on KOZO.  write() first, then printf
 * (musl's stdio: ioctl TIOCGWINSZ, writev), then exit_group. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char msg[] = "hello from write()\n";
	write(1, msg, sizeof(msg) - 1);
	printf("hello from printf(): %d argument(s), argv[0] = %s\n", argc, argv[0]);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return argc > 1 && argv[1][0] == 'x' ? 7 : 0;
}
