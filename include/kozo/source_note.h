/* The source note: every KOZO artifact (the kernel, Init and any other user
 * program, the host tool kozo-crash) carries the identity of the source it
 * was built from in an ELF note, section ".note.kozo.source" (SHT_NOTE).
 * docs/REPRODUCIBILITY.md ("Source identity") explains where the values
 * come from; scripts/source-note.py reads the note of any ELF file.
 *
 * The note is a standard ELF note (all integers little-endian on both
 * architectures, 4-byte aligned, no padding):
 *
 *   offset size  field
 *        0    4  namesz = 5
 *        4    4  descsz = 264 (KOZO_SOURCE_DESC_SIZE)
 *        8    4  type   = 1   (KOZO_NOTE_SOURCE)
 *       12    8  name   = "KOZO\0" and 3 zero bytes
 *       20    4  desc: version = 1 (KOZO_SOURCE_NOTE_VERSION)
 *       24    4        flags: bit 0 KOZO_SOURCE_DIRTY (the tree differed
 *                      from the commit), bit 1 KOZO_SOURCE_NO_GIT
 *       28   64        commit: full hash of the commit, lowercase hex,
 *                      zero-padded ("none" without git)
 *       92   64        tree: git tree hash of the content that was built
 *                      (equals the commit's tree when clean)
 *      156   64        build_id: the human Build-ID, "<VERSION>-<12 hex>"
 *                      with "-dirty" appended for a modified tree
 *      220   64        artifact: the artifact's path in the build tree,
 *                      e.g. "build/x86_64/kozo.elf"
 *
 * Strings are ASCII, zero-padded, and never fill their field (at least one
 * zero byte ends each).  A reader ignores notes of other names or types
 * and refuses other versions. */
#ifndef KOZO_SOURCE_NOTE_H
#define KOZO_SOURCE_NOTE_H

#include <stdint.h>

#define KOZO_NOTE_NAME "KOZO"
#define KOZO_NOTE_SOURCE 1u
#define KOZO_SOURCE_NOTE_VERSION 1u
#define KOZO_SOURCE_DIRTY 1u
#define KOZO_SOURCE_NO_GIT 2u
#define KOZO_SOURCE_FIELD 64
#define KOZO_SOURCE_DESC_SIZE (8u + 4u * KOZO_SOURCE_FIELD)

struct kozo_source_note {
	uint32_t namesz, descsz, type;
	char name[8];
	uint32_t version, flags;
	char commit[KOZO_SOURCE_FIELD];
	char tree[KOZO_SOURCE_FIELD];
	char build_id[KOZO_SOURCE_FIELD];
	char artifact[KOZO_SOURCE_FIELD];
};

_Static_assert(sizeof(struct kozo_source_note) == 20 + KOZO_SOURCE_DESC_SIZE,
	       "the source note has no padding");

/* The note of the program this is linked into (mk/source.mk compiles
 * mk/source-note.c into every artifact). */
extern const struct kozo_source_note kozo_source_note;

#endif
