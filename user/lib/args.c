/* Number arguments of a command (args.h). */
#include "args.h"
#include "printf.h"
#include "string.h"

bool parse_arg(const char *cmd, const char *arg, uint64_t *out)
{
	if (kozo_parse_u64_all(arg, out))
		return true;
	printf("%s: '%s' is not a number; ", cmd, arg);
	print_usage(cmd);
	return false;
}
