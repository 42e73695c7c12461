# -*- coding: utf-8 -*-
"""Offline rendering of keepalived.conf with the collection's own plan, role defaults and
template (tests/render/render.yml); nothing connects to the inventories' addresses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def render(inventory, out_dir, group='web', extra_vars=None):
    """Render every host of `group` in `inventory`; returns {host: text}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', str(inventory),
           str(HERE / 'render.yml'), '-e', 'render_dir=%s' % out_dir, '-e', 'failover_group=%s' % group]
    for key, value in (extra_vars or {}).items():
        cmd += ['-e', '%s=%s' % (key, value)]
    env = dict(os.environ, ANSIBLE_CONFIG=str(TOP / 'ansible.cfg'), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run(cmd, cwd=str(TOP), env=env, capture_output=True, check=False, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError('rendering %s failed:\n%s\n%s' % (inventory, proc.stdout[-4000:], proc.stderr[-2000:]))
    return dict((p.stem, p.read_text()) for p in sorted(out_dir.glob('*.conf')))


@pytest.fixture(scope='session')
def seed_rendered(tmp_path_factory):
    return render(TOP / 'inventories' / 'seed', tmp_path_factory.mktemp('seed'))
