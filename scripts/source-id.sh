#!/usr/bin/env bash
# Prints the identity of the source tree a build compiles, on one line:
#
#   <commit> <dirty> <tree>
#
#   commit  the full hash of HEAD (40 hex digits), or "none" without git
#   dirty   0 when the files a build can read are exactly HEAD's, 1 otherwise
#   tree    the git tree hash of the working tree's content: every tracked
#           file and every untracked file that .gitignore does not exclude,
#           as they are on disk (modes and symlinks included).  It equals
#           HEAD's tree exactly when dirty is 0, and it names a modified
#           tree's content whatever the clock, path or clone.
#
# The tree is hashed through a throw-away index (GIT_INDEX_FILE), so the
# real index and HEAD are never touched; a modified tree's blobs and trees
# are written to the object store as loose objects (`git gc` prunes them).
# docs/REPRODUCIBILITY.md ("Source identity") explains the choice.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C
if ! commit=$(git rev-parse --verify -q HEAD 2>/dev/null); then
	echo "none 1 none"
	exit 0
fi
head_tree=$(git rev-parse "HEAD^{tree}")
# The fast answer first: nothing modified, nothing untracked.
if [ -z "$(git status --porcelain --untracked-files=normal 2>/dev/null)" ]; then
	echo "$commit 0 $head_tree"
	exit 0
fi
idx=$(mktemp "${TMPDIR:-/tmp}/kozo-source-id.XXXXXX")
trap 'rm -f "$idx"' EXIT
real_idx=$(git rev-parse --git-path index)
if [ -f "$real_idx" ]; then cp "$real_idx" "$idx"; else rm -f "$idx"; fi
GIT_INDEX_FILE=$idx git add -A . >/dev/null 2>&1
tree=$(GIT_INDEX_FILE=$idx git write-tree)
if [ "$tree" = "$head_tree" ]; then dirty=0; else dirty=1; fi
echo "$commit $dirty $tree"
