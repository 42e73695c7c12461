#!/usr/bin/env bash
# The collection's reference, built and linted the way the ecosystem does it (antsibull-docs):
# plugin pages from their DOCUMENTATION, role pages from meta/argument_specs.yml.
#
#   tests/docs.sh build   make docs: simplified RST (readable as it is, on a forge too) and an
#                         HTML page of each (docutils, offline) in build/docs/collections/...
#   tests/docs.sh lint    make lint: antsibull-docs lint-collection-docs --plugin-docs, with
#                         zero findings (every reference between plugins resolves, the markup
#                         of every DOCUMENTATION, RETURN and argument spec is valid)
#
# Both work offline: `antsibull-docs collection --use-current` reads the collection through
# ansible-doc (the copy .collections links to); the linter wants the collection at
# .../ansible_collections/failover/keepalived, so it runs on a copy of that shape of the files
# git knows (as tests/sanity.sh does).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
export PATH="$VENV/bin:$PATH"
unset ANSIBLE_COLLECTIONS_PATHS
export ANSIBLE_NOCOLOR=1
FQ=failover.keepalived

case "${1:-}" in
  build)
    DEST="$ROOT/build/docs"
    rm -rf "$DEST"
    mkdir -p "$DEST"
    ANSIBLE_COLLECTIONS_PATH="$ROOT/.collections" \
      antsibull-docs collection --use-current --output-format simplified-rst --dest-dir "$DEST" "$FQ"
    # An HTML page beside each RST page, its links to the other pages made .html links.
    python - "$DEST" <<'PY'
import pathlib, re, sys
from docutils.core import publish_file
for rst in sorted(pathlib.Path(sys.argv[1]).rglob('*.rst')):
    html = rst.with_suffix('.html')
    publish_file(source_path=str(rst), destination_path=str(html), writer_name='html5',
                 settings_overrides={'report_level': 3, 'halt_level': 3, 'raw_enabled': True})
    html.write_text(re.sub(r'href="([^":"]+)\.rst(#[^"]*)?"', r'href="\1.html\2"', html.read_text()))
PY
    pages=$(find "$DEST" -name '*.html' | wc -l)
    echo "==> $pages pages in $DEST: open $DEST/collections/failover/keepalived/index.html" \
         "(or read the .rst beside it)"
    ;;
  lint)
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
    COPY="$WORK/ansible_collections/failover/keepalived"
    "$ROOT/tests/collection_copy.sh" "$COPY"
    out="$WORK/lint.out"
    set +e
    (cd "$COPY" && ANSIBLE_COLLECTIONS_PATH="$WORK" \
      antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent .) >"$out" 2>&1
    rc=$?
    set -e
    cat "$out"
    if [ "$rc" -ne 0 ] || [ -s "$out" ]; then
      echo "==> antsibull-docs lint-collection-docs: FAILED (exit $rc, $(wc -l <"$out") lines above)" >&2
      exit 1
    fi
    echo "==> antsibull-docs lint-collection-docs --plugin-docs: no findings"
    ;;
  *)
    echo "usage: $0 build|lint" >&2
    exit 2
    ;;
esac
