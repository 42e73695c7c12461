#!/usr/bin/env bash
# ansible-test sanity on the collection, with zero findings.
#
# ansible-test wants the collection at .../ansible_collections/failover/keepalived, so the
# files git knows (tracked, plus untracked ones that are not ignored) are copied to a
# temporary tree of that shape. The copy is no git repository: ansible-test then lists
# its content by walking the tree, which holds exactly the files copied. A tree that is
# already there (the second controller's copy, molecule/installed) is tested in place.
#
# Each sanity test runs in its own virtual environment under ~/.ansible/test/venv, that
# ansible-test fills with its pinned requirements from PyPI (cached after the first run).
# It starts every such environment with a get-pip.py that it downloads from
# ci-files.testing.ansible.com, which this machine cannot reach; the download is skipped
# when the script is already in ~/.ansible/test/cache, so a stand-in is put there that
# does the same from the standard library's ensurepip and PyPI (see below).
#
# Usage: tests/sanity.sh [extra ansible-test sanity arguments, e.g. --test pylint]
#   VENV            the venv with ansible-test (default: .venv of this tree)
#   SANITY_PYTHON   the Python version to test with (default: 3.11, this machine's)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
ANSIBLE_TEST="$VENV/bin/ansible-test"
PYTHON_VERSION=${SANITY_PYTHON:-3.11}
export PATH="$VENV/bin:$PATH"

[ -x "$ANSIBLE_TEST" ] || { echo "ERROR: $ANSIBLE_TEST is missing: run make venv" >&2; exit 1; }

# --- the pip bootstrap stand-in ----------------------------------------------------------
# ansible-test runs the cached script as `python get_pip_X_Y.py [pip options] pip==X.Y
# --no-setuptools --no-wheel` inside a new, pip-less virtual environment: install exactly
# that, as the real get-pip.py would.
pip_version="$("$VENV/bin/python" - <<'EOF'
import re, ansible_test, os
src = open(os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')).read()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
EOF
)"
get_pip="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$get_pip" ]; then
  mkdir -p "$(dirname "$get_pip")"
  cat >"$get_pip.tmp" <<'EOF'
"""Stand-in for get-pip.py, written by failover.keepalived's tests/sanity.sh: the real one
is downloaded from a host that this machine cannot reach. Installs pip with the standard
library's ensurepip, then `pip install`s the arguments (from PyPI), honouring get-pip's
--no-setuptools and --no-wheel."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
# In a child process: ensurepip clears the PIP_* variables and pip's configuration files
# of its own process, and the configuration (certificates, indexes) is needed below.
rc = subprocess.call([sys.executable, '-m', 'ensurepip', '--upgrade'])
pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check']
if rc == 0:
    rc = subprocess.call(pip + ['install'] + args)
if rc == 0 and '--no-setuptools' in sys.argv:
    rc = subprocess.call(pip + ['uninstall', '--yes', '--quiet', 'setuptools'])
sys.exit(rc)
EOF
  mv "$get_pip.tmp" "$get_pip"
fi

# --- the collection tree -----------------------------------------------------------------
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [[ "$ROOT" == */ansible_collections/failover/keepalived ]]; then
  DEST=$ROOT
  echo "==> ansible-test sanity on the $(find "$DEST" -type f | wc -l) files in $DEST"
else
  DEST="$WORK/ansible_collections/failover/keepalived"
  "$ROOT/tests/collection_copy.sh" "$DEST"
  echo "==> ansible-test sanity on a copy of $(find "$DEST" -type f | wc -l) files in $DEST"
fi

# --- the run -----------------------------------------------------------------------------
# No test is skipped: every one runs here. pslint needs PowerShell, which is not installed,
# but only for .ps1/.psm1 files: with none in the collection it reports "No tests
# applicable" and passes without it.
log="$WORK/sanity.log"
set +e
(cd "$DEST" && "$ANSIBLE_TEST" sanity --python "$PYTHON_VERSION" --color no "$@") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

ran=$(grep -c '^Running sanity test ' "$log" || true)
if [ "$rc" -ne 0 ]; then
  failed=$(sed -n 's/^[A-Z]*: The \([0-9]*\) sanity test(s) listed below (out of [0-9]*) failed.*/\1/p' "$log")
  echo "==> ansible-test sanity: FAILED (exit $rc; ${failed:-?} of $ran tests failed)" >&2
  exit "$rc"
fi
echo "==> ansible-test sanity: $ran tests passed"
