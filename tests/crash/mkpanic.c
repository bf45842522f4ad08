/* Writes panic records made by the real kernel encoder, for the shell
 * tests and the benchmark.  Options, applied in order:
 *   --build-id S --arch N --cpu N --fmt S
 *   --addr HEX --int N --user S --text S --hwid S     (typed arguments)
 *   --frame NAME[@HEXOFF] (NAME may be empty)  --regs N  --log S
 *   --count N --vary   N records; with --vary each one's log differs
 * The records go to stdout, back to back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/core/panic_record.h"

#define MAX_FRAMES 80
#define MAX_ARGS 24

int main(int argc, char **argv)
{
	static struct panic_arg args[MAX_ARGS];
	static struct panic_frame frames[MAX_FRAMES];
	static char names[MAX_FRAMES][256];
	static uint64_t regs[64];
	static uint8_t rec[KOZO_PANIC_RECORD_SIZE];
	static char log[4096];
	struct panic_report r = { 0 };
	const char *log_text = "";
	unsigned long count = 1;
	int vary = 0;

	r.build_id = "0.0.1-dev-test";
	r.arch = KOZO_PANIC_ARCH_HOST;
	r.fmt = "";
	r.args = args;
	r.frames = frames;
	r.regs = regs;
	r.reg_arch = KOZO_PANIC_ARCH_HOST;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--vary") == 0) {
			vary = 1;
			continue;
		}
		if (!val) {
			fprintf(stderr, "mkpanic: %s needs a value\n", opt);
			return 2;
		}
		i++;
		if (strcmp(opt, "--build-id") == 0) {
			r.build_id = val;
		} else if (strcmp(opt, "--arch") == 0) {
			r.arch = (uint32_t)strtoul(val, NULL, 0);
		} else if (strcmp(opt, "--cpu") == 0) {
			r.cpu = (uint32_t)strtoul(val, NULL, 0);
		} else if (strcmp(opt, "--fmt") == 0) {
			r.fmt = val;
		} else if (strcmp(opt, "--log") == 0) {
			log_text = val;
		} else if (strcmp(opt, "--count") == 0) {
			count = strtoul(val, NULL, 0);
		} else if (strcmp(opt, "--regs") == 0) {
			r.nregs = strtoul(val, NULL, 0);
			if (r.nregs > 64)
				return 2;
			for (size_t k = 0; k < r.nregs; k++)
				regs[k] = 0x1000 + k;
		} else if (strcmp(opt, "--frame") == 0) {
			if (r.nframes >= MAX_FRAMES)
				return 2;
			snprintf(names[r.nframes], sizeof(names[0]), "%s", val);
			char *at = strrchr(names[r.nframes], '@');

			frames[r.nframes].offset = 0x1000 + 0x10 * r.nframes;
			if (at) {
				*at = '\0';
				frames[r.nframes].offset = strtoull(at + 1, NULL, 16);
			}
			frames[r.nframes].name = names[r.nframes][0] ? names[r.nframes] : NULL;
			r.nframes++;
		} else {
			static const char *const kinds[] = { "", "--addr", "--int", "--user",
							     "--text", "--hwid" };
			unsigned k;

			for (k = 1; k < 6 && strcmp(opt, kinds[k]) != 0; k++)
				;
			if (k == 6 || r.nargs >= MAX_ARGS) {
				fprintf(stderr, "mkpanic: bad option %s\n", opt);
				return 2;
			}
			args[r.nargs].kind = k;
			if (k == KOZO_PANIC_ARG_ADDRESS || k == KOZO_PANIC_ARG_INTEGER)
				args[r.nargs].value = strtoull(val, NULL, 0);
			else
				args[r.nargs].str = val;
			r.nargs++;
		}
	}
	for (unsigned long n = 0; n < count; n++) {
		int m = vary ? snprintf(log, sizeof(log), "%s [seq %lu]\n", log_text, n)
			     : snprintf(log, sizeof(log), "%s", log_text);

		r.log[1] = log;
		r.log_len[1] = (size_t)m < sizeof(log) ? (size_t)m : sizeof(log) - 1;
		if (panic_record_build(rec, &r) != KOZO_PANIC_RECORD_SIZE ||
		    fwrite(rec, 1, sizeof(rec), stdout) != sizeof(rec))
			return 1;
	}
	return 0;
}
