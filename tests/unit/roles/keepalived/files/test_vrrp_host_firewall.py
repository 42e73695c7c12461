# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""roles/keepalived/files/vrrp-host-firewall against stand-ins of firewall-cmd and ufw that
keep their rules in a file: it adds each peer's rule once, takes them out again with
--remove, and does nothing where no host firewall is active."""

from __future__ import absolute_import, division, print_function

import os
import subprocess
from pathlib import Path

import pytest

HELPER = Path(__file__).resolve().parents[5] / 'roles' / 'keepalived' / 'files' / 'vrrp-host-firewall'

FIREWALL_CMD = r'''#!/bin/sh
rules="$STATE/rules"; touch "$rules"
scope=runtime
for arg in "$@"; do case $arg in --permanent) scope=permanent ;; esac; done
for arg in "$@"; do
  case $arg in
    --state) exit 0 ;;
    --get-zone-of-interface=*) exit 1 ;;
    --get-default-zone) echo public; exit 0 ;;
    --query-rich-rule=*) grep -qxF "$scope ${arg#*=}" "$rules"; exit $? ;;
    --add-rich-rule=*) echo "$scope ${arg#*=}" >>"$rules"; exit 0 ;;
    --remove-rich-rule=*) grep -vxF "$scope ${arg#*=}" "$rules" >"$rules.new"; mv "$rules.new" "$rules"; exit 0 ;;
  esac
done
'''

UFW = r'''#!/bin/sh
rules="$STATE/rules"; touch "$rules"
case $1 in
  status) echo "Status: active" ;;
  allow) shift; rule="$*"; rule=${rule% comment *}
         if grep -qxF "$rule" "$rules"; then echo "Skipping adding existing rule"; else echo "$rule" >>"$rules"; echo "Rule added"; fi ;;
  delete) shift; shift; rule="$*"
          if grep -qxF "$rule" "$rules"; then grep -vxF "$rule" "$rules" >"$rules.new"; mv "$rules.new" "$rules"; echo "Rule deleted"
          else echo "Could not delete non-existent rule"; fi ;;
esac
'''


@pytest.fixture(params=['firewalld', 'ufw', 'none'])
def firewall(request, tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    scripts = {'firewalld': {'firewall-cmd': FIREWALL_CMD}, 'ufw': {'ufw': UFW}, 'none': {}}[request.param]
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = dict(os.environ, STATE=str(tmp_path), PATH='%s:/usr/bin:/bin' % bin_dir)

    def run(*args):
        proc = subprocess.run(['/bin/sh', str(HELPER)] + list(args), env=env, capture_output=True, text=True,
                              timeout=30, check=False)
        rules = (tmp_path / 'rules').read_text().splitlines() if (tmp_path / 'rules').exists() else []
        return proc.returncode, proc.stdout.splitlines(), rules
    run.kind = request.param
    return run


def test_rules_are_added_once_and_removed_again(firewall):
    rc, out, rules = firewall('eth0', '198.18.1.12', 'eth0', '198.18.1.13')
    assert rc == 0
    if firewall.kind == 'none':
        assert (out, rules) == ([], [])
        return
    per_peer = 2 if firewall.kind == 'firewalld' else 1  # firewalld: runtime and permanent
    assert len(out) == len(rules) == 2 * per_peer and all(line.startswith('added: ') for line in out)
    # a second run adds nothing
    assert firewall('eth0', '198.18.1.12', 'eth0', '198.18.1.13')[1:] == ([], rules)
    rc, out, rules = firewall('--remove', 'eth0', '198.18.1.12', 'eth0', '198.18.1.13')
    assert rc == 0 and rules == [] and len(out) == 2 * per_peer and all(line.startswith('removed: ') for line in out)
    # nothing left to remove
    assert firewall('--remove', 'eth0', '198.18.1.12')[:2] == (0, [])


def test_a_multicast_instance_is_refused_but_not_on_removal(firewall):
    rc, _out, _rules = firewall('eth0', '-')
    assert rc == (0 if firewall.kind == 'none' else 3)
    assert firewall('--remove', 'eth0', '-')[0] == 0
