#!/usr/bin/env bash
# tests/collection_copy.sh DEST: copy this tree's files (tracked, and untracked ones that
# .gitignore does not ignore; a tracked file deleted from the work tree is left out) into
# DEST, for the tools that want the collection under ansible_collections/NAMESPACE/NAME
# (tests/sanity.sh, tests/docs.sh).
set -euo pipefail
DEST=$1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$DEST"
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do
    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
  done |
  tar -c --null -T - -f - | tar -x -f - -C "$DEST"
