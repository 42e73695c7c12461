# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cost of the plan on synthetic inventories: plan_from_inventory in process, and the
vrrp_plan module through ansible-playbook on connection local with run_once (it never
connects anywhere). Convergence is bench/converge.py.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import tempfile
import time
from datetime import datetime

from bench import core, lab
from plugins.plugin_utils import vrrp_plan

SIZES = (10, 100, 1000, 10000)
SYNTHETIC_NET = (198 << 24) | (18 << 16)  # 198.18.0.0/15, the benchmarking range


def group_sizes(hosts, seed=77):
    """Sizes of 2..5 (seeded) that add up to `hosts` (>= 2)."""
    if hosts < 2:
        raise ValueError('at least two hosts')
    rnd = random.Random(seed)
    sizes, left = [], hosts
    while left:
        if left <= 5:
            size = left
        else:
            size = rnd.randint(2, 5)
            if left - size == 1:
                size -= 1
        sizes.append(size)
        left -= size
    return sizes


def _ip(value):
    return '%d.%d.%d.%d' % (value >> 24 & 255, value >> 16 & 255, value >> 8 & 255, value & 255)


def synthetic_inventory(hosts, seed=77):
    """(hostvars, groups) of `hosts` hosts in groups of 2..5, each group alone in a /28 of
    198.18.0.0/15 with its VIP there, VRIDs derived from the group names (the default).
    Up to 8,192 groups fit."""
    hostvars, groups = {}, {}
    first = 0
    for g, size in enumerate(group_sizes(hosts, seed)):
        base = SYNTHETIC_NET + g * 16
        name = 'g%05d' % g
        members = []
        for k in range(size):
            host = 'h%05d' % (first + k)
            hostvars[host] = {'vrrp_address': _ip(base + 1 + k), 'vrrp_vips': ['%s/28' % _ip(base + 14)],
                              'vrrp_interface': 'eth0'}
            members.append(host)
        groups[name] = members
        first += size
    return hostvars, groups


def inventory_yaml(hostvars, groups):
    """The same inventory as Ansible YAML, every host on connection local."""
    lines = ['all:', '  vars:', '    ansible_connection: local', '  children:']
    for name, members in groups.items():
        hv = hostvars[members[0]]
        lines += ['    %s:' % name, '      vars:', '        vrrp_interface: %s' % hv['vrrp_interface'],
                  '        vrrp_vips: %s' % json.dumps(hv['vrrp_vips']), '      hosts:']
        lines += ['        %s: {vrrp_address: %s}' % (h, hostvars[h]['vrrp_address']) for h in members]
    return '\n'.join(lines) + '\n'


PLAYBOOK = """---
- name: Plan every synthetic group (connection local, run_once, no host is contacted)
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Compute the VRRP plan of every group
      failover.keepalived.vrrp_plan:
        groups: "{{ groups | dict2items | map(attribute='key') | reject('in', ['all', 'ungrouped']) | list }}"
      run_once: true
      no_log: true
"""


def _iso_seconds(text):
    return datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp()


def playbook_cost(hostvars, groups, timeout=900):
    """Wall time of ansible-playbook with the vrrp_plan task over the whole inventory, and
    the task's own duration (ansible.posix.json callback)."""
    with tempfile.TemporaryDirectory(prefix='bench-plan-') as tmp:
        inv = os.path.join(tmp, 'inventory.yml')
        pb = os.path.join(tmp, 'plan.yml')
        with open(inv, 'w', encoding='utf-8') as f:
            f.write(inventory_yaml(hostvars, groups))
        with open(pb, 'w', encoding='utf-8') as f:
            f.write(PLAYBOOK)
        env = dict(os.environ, ANSIBLE_CONFIG=str(core.ROOT / 'ansible.cfg'),
                   ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
        start = time.monotonic()
        res = subprocess.run([str(lab.BIN / 'ansible-playbook'), '-i', inv, pb], capture_output=True,
                             text=True, env=env, cwd=str(core.ROOT), timeout=timeout, check=False)
        wall = time.monotonic() - start
    try:
        doc = json.loads(res.stdout)
        task = doc['plays'][0]['tasks'][0]
        result = task['hosts']['localhost']
        duration = task['task']['duration']
        task_s = _iso_seconds(duration['end']) - _iso_seconds(duration['start'])
    except (ValueError, KeyError, IndexError) as exc:
        raise RuntimeError('ansible-playbook with %d hosts: no result (exit %d): %s %s'
                           % (len(hostvars), res.returncode, exc, (res.stderr or res.stdout)[-600:])) from exc
    if res.returncode != 0 or result.get('failed'):
        raise RuntimeError('ansible-playbook with %d hosts failed (exit %d)' % (len(hostvars), res.returncode))
    return round(wall, 2), round(task_s, 3)


class _Timed:
    """Wraps a function of the plan module and adds up the seconds spent in it."""

    def __init__(self, module, name):
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.seconds = 0.0

    def __enter__(self):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc):
        setattr(self.module, self.name, self.original)
        return False


def plan_scaling(sizes=SIZES, repeats=3, playbook=True, log=print):
    rows = []
    for n in sizes:
        hostvars, groups = synthetic_inventory(n)
        times, checks = [], []
        for _repeat in range(repeats):
            # the VRID conflict check compares every pair of instances with one VRID
            # (plan_groups calls it by this name of the plan module)
            with _Timed(vrrp_plan, 'check_vrid_conflicts') as check:
                start = time.perf_counter()
                plan = vrrp_plan.plan_from_inventory(list(groups), hostvars, groups)
                times.append(time.perf_counter() - start)
            checks.append(check.seconds)
        if len(plan['hosts']) != n:
            raise RuntimeError('the plan of %d hosts has %d' % (n, len(plan['hosts'])))
        best = times.index(min(times))
        row = {'hosts': n, 'groups': len(groups), 'inproc_s': [round(t, 4) for t in times],
               'inproc_min_s': min(times), 'inproc_median_s': statistics.median(times),
               'vrid_check_s': round(checks[best], 4),
               'loadavg_1m': round(os.getloadavg()[0], 2)}
        if playbook:
            row['playbook_wall_s'], row['playbook_task_s'] = playbook_cost(hostvars, groups)
        log('plan %6d hosts / %4d groups: in process %.3f s (min of %d; VRID check %.3f s)%s' % (
            n, len(groups), row['inproc_min_s'], repeats, row['vrid_check_s'],
            '' if not playbook else ', ansible-playbook %.1f s (task %.2f s)' % (
                row['playbook_wall_s'], row['playbook_task_s'])))
        rows.append(row)
    return rows
