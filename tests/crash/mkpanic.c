/* Writes panic records made by the real kernel encoder, for the shell
 * tests and the benchmark.  Options, applied in order:
 *   --build-id S --arch N --cpu N --fmt S
 *   --addr HEX --int N --user S --text S --hwid S     (typed arguments)
 *   --frame NAME[@HEXOFF] (NAME may be empty)  --regs N  --log S
 *   --count N --vary   N records; with --vary each one's log differs
 *   --spread           with --count: each record's first frame is named
 *                      bucket_<n>, so each is its own Crash-ID
 * Version 2 (the default), as the kernel makes them: --hwid values become
 * the kernel's pseudonyms (panic_identity_compute) under the device secret
 *   --secret HEX64 | none   (default: 32 bytes 0x5a; none: IDs withheld)
 *   --nonce HEX32           (default: random per run)
 *   --uptime N              (default 1000; +1 per record of --count)
 *   --release               user and address arguments without values
 *   --v1                    the old layout, raw hardware IDs inside
 * The records go to stdout, back to back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "panic.h"

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
	int vary = 0, spread = 0;
	static char bucket[32];
	static uint8_t secret[PANIC_SECRET_SIZE], nonce[KOZO_PANIC_NONCE_SIZE];
	static const char *hwids[PANIC_HWIDS];
	static struct panic_identity id;
	static char pseud[PANIC_HWIDS][KOZO_PANIC_HWID_PSEUDONYM_LEN + 1];
	size_t nhwids = 0;
	bool has_secret = true, fixed_nonce = false;

	memset(secret, 0x5a, sizeof(secret));
	r.uptime = 1000;

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
		if (strcmp(opt, "--spread") == 0) {
			spread = 1;
			continue;
		}
		if (strcmp(opt, "--v1") == 0) {
			r.version = KOZO_PANIC_VERSION_1;
			continue;
		}
		if (strcmp(opt, "--release") == 0) {
			r.redact = true;
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
		} else if (strcmp(opt, "--secret") == 0 || strcmp(opt, "--nonce") == 0) {
			bool is_secret = opt[2] == 's';
			uint8_t *dst = is_secret ? secret : nonce;
			size_t n = is_secret ? sizeof(secret) : sizeof(nonce);

			if (is_secret && strcmp(val, "none") == 0) {
				has_secret = false;
				continue;
			}
			if (strlen(val) != 2 * n) {
				fprintf(stderr, "mkpanic: %s needs %zu hex digits\n", opt, 2 * n);
				return 2;
			}
			for (size_t k = 0; k < n; k++) {
				unsigned b;

				if (sscanf(val + 2 * k, "%2x", &b) != 1)
					return 2;
				dst[k] = (uint8_t)b;
			}
			fixed_nonce |= !is_secret;
		} else if (strcmp(opt, "--uptime") == 0) {
			r.uptime = strtoull(val, NULL, 0);
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
			if (k == KOZO_PANIC_ARG_HWID && r.version != KOZO_PANIC_VERSION_1) {
				/* collected; the kernel appends them last, as pseudonyms */
				if (nhwids < PANIC_HWIDS)
					hwids[nhwids++] = val;
				continue;
			}
			if (k == KOZO_PANIC_ARG_ADDRESS || k == KOZO_PANIC_ARG_INTEGER)
				args[r.nargs].value = strtoull(val, NULL, 0);
			else
				args[r.nargs].str = val;
			r.nargs++;
		}
	}
	if (r.version != KOZO_PANIC_VERSION_1) {
		if (!fixed_nonce) {
			FILE *u = fopen("/dev/urandom", "rb");

			if (!u || fread(nonce, 1, sizeof(nonce), u) != sizeof(nonce))
				return 1;
			fclose(u);
		}
		for (size_t k = nhwids; k < PANIC_HWIDS; k++)
			hwids[k] = "";
		/* The nonce is given, not derived: pass it as is afterwards. */
		panic_identity_compute(&id, hwids, has_secret ? secret : NULL, nonce,
				       sizeof(nonce), KOZO_PANIC_ENTROPY_SEED);
		memcpy(id.nonce, nonce, sizeof(nonce));
		for (size_t k = 0; k < PANIC_HWIDS && r.nargs < MAX_ARGS; k++) {
			if (!id.hwid[k][0])
				continue;
			memcpy(pseud[k], id.hwid[k], sizeof(pseud[k]));
			args[r.nargs++] = (struct panic_arg){ KOZO_PANIC_ARG_HWID, 0, pseud[k] };
		}
		r.nonce = id.nonce;
		r.device = id.device;
		r.entropy = id.entropy;
		r.hz = 1000000000;
		r.debug = !r.redact;
	}
	for (unsigned long n = 0; n < count; n++) {
		int m = vary ? snprintf(log, sizeof(log), "%s [seq %lu]\n", log_text, n)
			     : snprintf(log, sizeof(log), "%s", log_text);

		r.log[1] = log;
		r.log_len[1] = (size_t)m < sizeof(log) ? (size_t)m : sizeof(log) - 1;
		if (n)
			r.uptime++;
		if (spread && r.nframes) {
			snprintf(bucket, sizeof(bucket), "bucket_%lu", n);
			frames[0].name = bucket;
		}
		if (panic_record_build(rec, &r) != KOZO_PANIC_RECORD_SIZE ||
		    fwrite(rec, 1, sizeof(rec), stdout) != sizeof(rec))
			return 1;
	}
	return 0;
}
