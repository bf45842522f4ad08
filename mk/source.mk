# Source identity (docs/REPRODUCIBILITY.md, "Source identity"): which commit
# a build compiles, and whether the tree differed from it.
#   SOURCE_COMMIT  full hash of HEAD, or "none" without git
#   SOURCE_DIRTY   0 clean, 1 modified or untracked (not ignored) files
#   SOURCE_TREE    git tree hash of the content built (scripts/source-id.sh)
#   BUILD_ID       "<VERSION>-<12 hex of the commit>", "-dirty" appended
#                  when modified: the short form, for humans and the panic
#                  record (it fits BootInfo's 32 bytes and the record's 64)
#
# Every artifact carries the ELF note of include/kozo/source_note.h.  To give
# a new program one, link the object this template makes:
#   $(eval $(call SOURCE_NOTE_OBJ,<object>,<artifact path>,<compiler and flags>))
# e.g. $(eval $(call SOURCE_NOTE_OBJ,$(BUILD)/srv/note.o,$(BUILD)/srv.elf,$(CC) $(USER_CFLAGS)))
# and keep the section in its linker script, if it has one:
#   .note.kozo.source : { KEEP(*(.note.kozo.source)) }
SOURCE_ID := $(shell scripts/source-id.sh 2>/dev/null)
SOURCE_COMMIT := $(or $(word 1,$(SOURCE_ID)),none)
SOURCE_DIRTY := $(or $(word 2,$(SOURCE_ID)),1)
SOURCE_TREE := $(or $(word 3,$(SOURCE_ID)),none)
SOURCE_FLAGS := $(if $(filter 1,$(SOURCE_DIRTY)),1,0)$(if $(filter none,$(SOURCE_COMMIT)),|2)
VERSION := $(shell cat VERSION)
# Twelve hex digits, fixed: git's --short grows with the clone's object count.
BUILD_ID := $(VERSION)-$(if $(filter none,$(SOURCE_COMMIT)),nogit,$(shell echo $(SOURCE_COMMIT) | cut -c1-12))$(if $(filter 1,$(SOURCE_DIRTY)),-dirty)

SOURCE_NOTE_SRC := mk/source-note.c
SOURCE_NOTE_DEFS := -DKOZO_SOURCE_COMMIT='"$(SOURCE_COMMIT)"' -DKOZO_SOURCE_TREE='"$(SOURCE_TREE)"' \
                    -DKOZO_SOURCE_FLAGS='($(SOURCE_FLAGS))' -DKOZO_SOURCE_BUILD_ID='"$(BUILD_ID)"'
# One stamp for all notes: they are rebuilt when the identity changes.
SOURCE_STAMP := build/source-id
$(SOURCE_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(SOURCE_ID) $(BUILD_ID)' | cmp -s - $@ || echo '$(SOURCE_ID) $(BUILD_ID)' > $@
.PHONY: FORCE

# $(1) object, $(2) the artifact it goes into, $(3) compiler and flags.
define SOURCE_NOTE_OBJ
$(1): $(SOURCE_NOTE_SRC) $(SOURCE_STAMP) include/kozo/source_note.h
	@mkdir -p $$(@D)
	$(3) $(SOURCE_NOTE_DEFS) -DKOZO_SOURCE_ARTIFACT='"$(2)"' -c $(SOURCE_NOTE_SRC) -o $$@
endef
