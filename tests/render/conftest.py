# -*- coding: utf-8 -*-
"""Offline rendering of keepalived.conf with the collection's own plan, role defaults and
template (tests/render/render.yml); nothing connects to the inventories' addresses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def render(inventory, out_dir, group='web', extra_vars=None, inject_facts=False):
    """Render every host of `group` in `inventory`; returns {host: text}.

    With INJECT_FACTS_AS_VARS off (ansible-core's default to come, 2.24) unless
    inject_facts: the roles must read the plan as ansible_facts.keepalived_vrrp_plan."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', str(inventory),
           str(HERE / 'render.yml'), '-e', 'render_dir=%s' % out_dir, '-e', 'failover_group=%s' % group]
    for key, value in (extra_vars or {}).items():
        # key=value for a plain word or number; JSON for anything else (lists, dicts, blanks)
        plain = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (isinstance(value, str) and value and value.split() == [value])
        cmd += ['-e', '%s=%s' % (key, value) if plain else json.dumps({key: value})]
    env = dict(os.environ, ANSIBLE_CONFIG=str(TOP / 'ansible.cfg'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_INJECT_FACT_VARS=str(bool(inject_facts)))
    proc = subprocess.run(cmd, cwd=str(TOP), env=env, capture_output=True, check=False, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError('rendering %s failed:\n%s\n%s' % (inventory, proc.stdout[-4000:], proc.stderr[-2000:]))
    return dict((p.stem, p.read_text()) for p in sorted(out_dir.glob('*.conf')))


@pytest.fixture(scope='session')
def seed_rendered(tmp_path_factory):
    return render(TOP / 'inventories' / 'seed', tmp_path_factory.mktemp('seed'))


# --- keepalived -t on rendered files, in a network namespace of its own ----------------
CHECK = TOP / 'roles' / 'keepalived' / 'files' / 'keepalived-config-check'
# The rendered files name script_user keepalived_script, which the role creates on a
# lab host; here an existing unprivileged user stands in for it.
STAND_IN = {'keepalived_script_user': 'nobody'}


def keepalived_pids():
    """keepalived processes of this machine itself; those of lab containers (another PID
    namespace) are allowed."""
    own = os.readlink('/proc/self/ns/pid')
    proc = subprocess.run(['pgrep', '-x', 'keepalived'], capture_output=True, check=False, text=True)
    pids = []
    for pid in proc.stdout.split():
        try:
            if os.readlink('/proc/%s/ns/pid' % pid) == own:
                pids.append(pid)
        except OSError:
            pass
    return pids


@pytest.fixture(scope='module')
def netns():
    if shutil.which('keepalived') is None:
        pytest.fail('keepalived is not installed: run `make host-deps` (tests/host-deps.sh)')
    name = 'fk-check-%d' % os.getpid()
    subprocess.run(['ip', 'netns', 'add', name], check=True)
    try:
        for ifname in ('eth0', 'eth1'):
            subprocess.run(['ip', 'netns', 'exec', name, 'ip', 'link', 'add', ifname, 'type', 'veth',
                            'peer', 'name', ifname + 'p'], check=True)
            subprocess.run(['ip', 'netns', 'exec', name, 'ip', 'link', 'set', ifname, 'up'], check=True)
        yield name
    finally:
        subprocess.run(['ip', 'netns', 'del', name], check=False)
    assert keepalived_pids() == [], 'a keepalived process is running on the test machine'


def check(netns, path):
    return subprocess.run(['ip', 'netns', 'exec', netns, 'sh', str(CHECK), str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
