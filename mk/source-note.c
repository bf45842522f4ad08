/* The source note of one artifact (include/kozo/source_note.h): mk/source.mk
 * compiles this file into every artifact with the values below defined on
 * the command line, so only this object is rebuilt when the source changes. */
#include <kozo/source_note.h>

__attribute__((section(".note.kozo.source"), aligned(4), used))
const struct kozo_source_note kozo_source_note = {
	.namesz = sizeof(KOZO_NOTE_NAME),
	.descsz = KOZO_SOURCE_DESC_SIZE,
	.type = KOZO_NOTE_SOURCE,
	.name = KOZO_NOTE_NAME,
	.version = KOZO_SOURCE_NOTE_VERSION,
	.flags = KOZO_SOURCE_FLAGS,
	.commit = KOZO_SOURCE_COMMIT,
	.tree = KOZO_SOURCE_TREE,
	.build_id = KOZO_SOURCE_BUILD_ID,
	.artifact = KOZO_SOURCE_ARTIFACT,
};
