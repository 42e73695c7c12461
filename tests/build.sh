#!/usr/bin/env bash
# Build the collection tarball, install it offline into a scratch collections path, and
# check what a user would get: the tarball holds no runtime or cache directories, the
# installed tree verifies against its FILES.json, every module, filter and role has docs
# that ansible-doc renders, and a filter runs from the installed copy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
export PATH="$VENV/bin:$PATH"
# The repo's ansible.cfg points at .collections (a link to this work tree): the checks
# below must see only the installed copy.
unset ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DIST="$WORK/dist"
COLS="$WORK/collections"
FQ=failover.keepalived
INSTALLED="$COLS/ansible_collections/failover/keepalived"
errors=0
fail() { echo "ERROR: $*" >&2; errors=$((errors + 1)); }

version="$(python - "$ROOT/galaxy.yml" <<'EOF'
import sys, yaml
print(yaml.safe_load(open(sys.argv[1]))['version'])
EOF
)"
readme="$(python - "$ROOT/galaxy.yml" <<'EOF'
import sys, yaml
print(yaml.safe_load(open(sys.argv[1])).get('readme') or '')
EOF
)"

# --- build -------------------------------------------------------------------------------
echo "==> ansible-galaxy collection build ($FQ $version)"
(cd "$ROOT" && ansible-galaxy collection build --output-path "$DIST" .)
tarball="$DIST/failover-keepalived-$version.tar.gz"
[ -f "$tarball" ] || { echo "ERROR: $tarball was not built" >&2; exit 1; }

tar -tzf "$tarball" >"$WORK/entries"
files=$(grep -vc '/$' "$WORK/entries" || true)
size=$(stat -c %s "$tarball")
echo "==> tarball $(basename "$tarball"): $size bytes ($(( (size + 1023) / 1024 )) KiB), $files files"

# Nothing that belongs to a work tree, a tool's cache or a test run may be shipped.
forbidden='^(\./)?(\.venv|\.collections|\.ansible|\.cache|\.ci|build|tests/output|lab/\.state)(/|$)'
forbidden+='|(^|/)(\.git|\.molecule|\.pytest_cache|__pycache__|\.tox|\.mypy_cache)(/|$)'
forbidden+='|\.py[co]$|\.tar\.gz$|(^|/)changelogs/\.plugin-cache\.yaml$'
if grep -E "$forbidden" "$WORK/entries" >"$WORK/bad"; then
  fail "the tarball ships $(wc -l <"$WORK/bad") entries it must not (add them to build_ignore in galaxy.yml):"
  sed 's/^/    /' "$WORK/bad" | head -20 >&2
fi

required=(MANIFEST.json FILES.json LICENSE meta/runtime.yml CHANGELOG.rst
  playbooks/site.yml playbooks/switchover.yml playbooks/check_group.yml playbooks/plan.yml playbooks/roll.yml
  plugins/modules/vrrp_plan.py plugins/action/vrrp_plan.py plugins/plugin_utils/vrrp_plan.py
  plugins/filter/vrrp.py plugins/filter/vrrp_cidr.yml
  roles/keepalived/tasks/main.yml roles/keepalived/meta/argument_specs.yml
  roles/apache/tasks/main.yml roles/apache/meta/argument_specs.yml)
[ -z "$readme" ] || required+=("$readme")
for f in "${required[@]}"; do
  grep -qxF "$f" "$WORK/entries" || fail "the tarball lacks $f"
done

# --- Galaxy's importer ------------------------------------------------------------------
# galaxy-importer, as Ansible Galaxy runs it on an upload, offline on the tarball
# (tests/galaxy-importer.cfg: ansible-doc, flake8 and the changelog check on, its ansible-test
# step off, and its ansible-lint step, which make lint covers): any warning or error fails the
# build (a timeout of the importer's ansible-lint too, when turned on), but one quirk of the
# importer: it hands the YAML docs of filter and test plugins (plugins/*/NAME.yml) to flake8
# as Python, which reports E999 SyntaxError on every one.
echo "==> galaxy-importer $(basename "$tarball") (offline, no ansible-test)"
importer_start=$(date +%s)
mkdir -p "$WORK/importer"
if ! (cd "$WORK/importer" && GALAXY_IMPORTER_CONFIG="$ROOT/tests/galaxy-importer.cfg" \
        python -m galaxy_importer.main "$tarball") >"$WORK/importer.log" 2>&1; then
  fail "galaxy-importer failed:"; tail -30 "$WORK/importer.log" | sed 's/^/    /' >&2
else
  quirk='^WARNING: plugins/(filter|test)/[a-z_]+\.yml:[0-9]+:[0-9]+: E999 SyntaxError: '
  grep -E '^(WARNING|ERROR)|Traceback|Timeout' "$WORK/importer.log" | grep -Ev "$quirk" >"$WORK/importer.bad" || true
  if [ -s "$WORK/importer.bad" ]; then
    fail "galaxy-importer reports $(wc -l <"$WORK/importer.bad") warnings or errors:"
    sed 's/^/    /' "$WORK/importer.bad" | head -30 >&2
  elif ! grep -q '^Importer processing completed successfully' "$WORK/importer.log"; then
    fail "galaxy-importer did not complete:"; tail -30 "$WORK/importer.log" | sed 's/^/    /' >&2
  else
    echo "    imported in $(( $(date +%s) - importer_start )) s: no warning, no error" \
         "($(grep -cE "$quirk" "$WORK/importer.log" || true) E999 of flake8 on YAML plugin docs left out)"
  fi
fi

# --- install -----------------------------------------------------------------------------
# From here on only the scratch collections path counts: away from the work tree (whose
# ansible.cfg names .collections, where this collection is already "installed").
export ANSIBLE_COLLECTIONS_PATH="$COLS"
cd "$WORK"
# Galaxy cannot be reached and the collection has no dependencies: --offline.
echo "==> ansible-galaxy collection install --offline -p $COLS"
ansible-galaxy collection install --offline -p "$COLS" "$tarball" | tee "$WORK/install.log"
grep -q "$FQ:$version was installed successfully" "$WORK/install.log" || fail "install did not report success"
[ -f "$INSTALLED/MANIFEST.json" ] || { echo "ERROR: nothing installed at $INSTALLED" >&2; exit 1; }

echo "==> ansible-galaxy collection verify --offline"
ansible-galaxy collection verify --offline -p "$COLS" "$FQ" || fail "installed files do not match FILES.json"

# --- docs of every plugin and role, from the installed copy --------------------------------
# ansible-doc must render each one, and from the installed tree, not some other copy.
doc() {  # doc TYPE NAME
  local out="$WORK/doc.out"
  if ! ansible-doc -t "$1" "$2" >"$out" 2>&1; then
    fail "ansible-doc -t $1 $2 failed:"; sed 's/^/    /' "$out" | head -20 >&2; return
  fi
  if grep -qE '^(ERROR|\[ERROR\])|\[WARNING\]' "$out"; then
    fail "ansible-doc -t $1 $2 warns:"; grep -E 'ERROR|WARNING' "$out" | head -10 | sed 's/^/    /' >&2; return
  fi
  if [ "$1" != role ] && ! head -3 "$out" | grep -qF "$INSTALLED/"; then
    fail "ansible-doc -t $1 $2 did not read the installed copy:"; head -3 "$out" | sed 's/^/    /' >&2; return
  fi
  echo "    ansible-doc -t $1 $2: $(wc -l <"$out") lines"
}

echo "==> ansible-doc from $INSTALLED"
for type in module filter role; do
  # the collection's plugins of that type, one a line
  ansible-doc -t "$type" -l "$FQ" --json |
    python -c 'import json, sys; print("\n".join(sorted(json.load(sys.stdin))))' >"$WORK/list.$type"
  mapfile -t names <"$WORK/list.$type"
  echo "    $type: ${names[*]:-none}"
  for name in "${names[@]}"; do doc "$type" "$name"; done
done
for want in module:vrrp_plan filter:vrrp_cidr role:keepalived role:apache; do
  grep -qxF "$FQ.${want#*:}" "$WORK/list.${want%%:*}" ||
    fail "ansible-doc -t ${want%%:*} -l $FQ does not list $FQ.${want#*:}"
done
for role in keepalived apache; do
  for f in tasks/main.yml meta/main.yml meta/argument_specs.yml; do
    [ -f "$INSTALLED/roles/$role/$f" ] || fail "installed role $role lacks $f"
  done
done

# --- the installed filter runs (module_utils imports from the installed tree) -------------
echo "==> the installed vrrp_cidr filter runs"
if out=$(ansible localhost -m ansible.builtin.debug -a "msg={{ '198.18.77.69' | $FQ.vrrp_cidr }}" 2>&1) &&
   grep -q '"198.18.77.69/32"' <<<"$out"; then
  echo "    198.18.77.69 -> 198.18.77.69/32"
else
  fail "the installed vrrp_cidr filter did not run:"; printf '    %s\n' "$out" | head -20 >&2
fi

# --- the playbooks are in the installed copy ---------------------------------------------
for pb in site switchover check_group plan roll; do
  [ -f "$INSTALLED/playbooks/$pb.yml" ] || fail "installed collection lacks playbooks/$pb.yml"
done
if ! out=$(ansible-playbook --syntax-check -i localhost, "$FQ.site" 2>&1); then
  fail "ansible-playbook --syntax-check $FQ.site failed:"; printf '    %s\n' "$out" | head -20 >&2
fi

# --- a dynamic inventory: a script and the constructed plugin make the group --------------
# The plan reads hostvars and groups, whatever inventory plugin made them: inventory.py
# tags hosts with a role, constructed.yml makes group web of them, group_vars/web.yml next
# to them holds the VRRP settings. The plan runs on the controller: no host is contacted.
echo "==> the installed vrrp_plan plans a group made by a dynamic inventory"
cp -r "$ROOT/tests/inventories/dynamic" "$WORK/dynamic"
cat >"$WORK/plan.yml" <<'PLAN'
- name: Plan the group that the dynamic inventory made
  hosts: web
  gather_facts: false
  tasks:
    - name: Plan
      failover.keepalived.vrrp_plan:
        groups: [web]
      run_once: true
    - name: MASTER, BACKUP, peers and VRID as the inventory says
      ansible.builtin.assert:
        that:
          - plan['dyn-web1'][0].state == 'MASTER' and plan['dyn-web1'][0].priority == 101
          - plan['dyn-web2'][0].state == 'BACKUP' and plan['dyn-web2'][0].priority == 100
          - plan['dyn-web1'][0].unicast_peers == ['198.18.30.12']
          - plan['dyn-web2'][0].unicast_src_ip == '198.18.30.12'
          - plan['dyn-web1'][0].virtual_router_id == plan['dyn-web2'][0].virtual_router_id
          - plan['dyn-web1'][0].vips == ['198.18.30.69/24']
          - plan.keys() | sort == ['dyn-web1', 'dyn-web2']
      vars:
        plan: "{{ ansible_facts.keepalived_vrrp_plan.hosts }}"
      run_once: true
PLAN
if out=$(ansible-playbook -i "$WORK/dynamic/inventory.py" -i "$WORK/dynamic/constructed.yml" "$WORK/plan.yml" 2>&1) &&
   grep -q 'failed=0' <<<"$out"; then
  echo "    inventory.py + constructed: dyn-web1 MASTER 101, dyn-web2 BACKUP 100"
else
  fail "the plan of the dynamic inventory's group failed:"; printf '    %s\n' "$out" | tail -30 >&2
fi

# --- the release notes of the version being made ----------------------------------------
# antsibull-changelog release on a copy (the work tree's changelog is cut at release time,
# not by a test): the notes of galaxy.yml's version must list as new every module whose
# version_added is that version (and no other), from the fragments and the plugins' docs.
echo "==> antsibull-changelog release $version (on a copy)"
REL="$WORK/release/ansible_collections/failover/keepalived"
mkdir -p "$(dirname "$REL")"
cp -r "$INSTALLED" "$REL"
rm -rf "$REL/changelogs" && cp -r "$ROOT/changelogs" "$REL/changelogs" && cp "$ROOT/galaxy.yml" "$REL/"
if ! out=$(cd "$REL" && ANSIBLE_COLLECTIONS_PATH="$WORK/release" antsibull-changelog release 2>&1); then
  fail "antsibull-changelog release failed:"; printf '    %s\n' "$out" | tail -20 >&2
elif python - "$REL" "$version" >"$WORK/release.check" 2>&1 <<'EOF'
import pathlib, re, sys, yaml
root, version = pathlib.Path(sys.argv[1]), sys.argv[2]
notes = root.joinpath('CHANGELOG.rst').read_text()
parts = notes.split('\nv%s\n' % version, 1)
if len(parts) < 2:
    sys.exit('CHANGELOG.rst has no section v%s' % version)
section = re.split(r'\nv[0-9][^\n]*\n=+\n', parts[1], maxsplit=1)[0]
listed = set(re.findall(r'^- failover\.keepalived\.(\w+) - ', section.split('New Modules', 1)[1], re.M)) \
    if 'New Modules' in section else set()
new = set()
quotes = "'" * 3
for path in root.joinpath('plugins', 'modules').glob('*.py'):
    text = path.read_text()
    start = text.index('DOCUMENTATION = r' + quotes) + len('DOCUMENTATION = r' + quotes)
    if str(yaml.safe_load(text[start:text.index(quotes, start)]).get('version_added')) == version:
        new.add(path.stem)
if listed != new:
    sys.exit('New Modules of v%s: %s; version_added says %s' % (version, sorted(listed), sorted(new)))
print('v%s: new modules %s' % (version, ', '.join(sorted(new)) or 'none'))
EOF
then
  sed 's/^/    /' "$WORK/release.check"
else
  fail "the release notes of $version are wrong:"; sed 's/^/    /' "$WORK/release.check" >&2
fi

# --- the execution environment's build context ------------------------------------------
# ansible-builder create (offline: it only writes the context) with the tarball just built
# where execution-environment.yml takes it from.
echo "==> ansible-builder create -f execution-environment.yml"
mkdir -p "$WORK/ee/build/dist"
cp "$ROOT/execution-environment.yml" "$WORK/ee/"
cp "$tarball" "$WORK/ee/build/dist/"
if ! out=$(cd "$WORK/ee" && ansible-builder create -f execution-environment.yml -c context \
             --output-filename Containerfile 2>&1); then
  fail "ansible-builder create failed:"; printf '    %s\n' "$out" | tail -20 >&2
else
  ctx="$WORK/ee/context"
  ee_errors=$errors
  cmp -s "$tarball" "$ctx/_build/collections/$(basename "$tarball")" ||
    fail "the EE context lacks the tarball as _build/collections/$(basename "$tarball")"
  grep -qx 'netaddr>=0.10' "$ctx/_build/requirements.txt" 2>/dev/null ||
    fail "the EE context's requirements.txt lacks netaddr"
  grep -qF 'ansible-galaxy collection install --offline -p /usr/share/ansible/collections /tmp/failover-keepalived/failover-keepalived-*.tar.gz' \
    "$ctx/Containerfile" || fail "the EE Containerfile does not install the collection from its tarball"
  grep -qF 'ansible-core>=2.19,<2.20' "$ctx/Containerfile" || fail "the EE Containerfile does not pin ansible-core 2.19"
  [ "$errors" -ne "$ee_errors" ] ||
    echo "    context: Containerfile, _build/collections/$(basename "$tarball"), requirements.txt (netaddr)"
fi

if [ "$errors" -ne 0 ]; then
  echo "==> build: FAILED ($errors errors)" >&2
  exit 1
fi
echo "==> build: $(basename "$tarball") ($size bytes, $files files) builds, installs offline and documents itself"
