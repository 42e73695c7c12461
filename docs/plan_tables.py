#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fill docs/topologies.md with each example inventory and the plan made of it.

    .venv/bin/python docs/plan_tables.py            # rewrite docs/topologies.md
    .venv/bin/python docs/plan_tables.py --check    # exit 1 when it is out of date

Every block between ``<!-- plan: INVENTORY -->`` and ``<!-- end plan -->`` is replaced by
the inventory file (as YAML) and a table instance x host -> state, priority and takeover
time, with each host's unicast source and peers, computed by the collection's own plan (plugin_utils/vrrp_plan.py) from the
inventory as Ansible reads it. Nothing connects to the inventories' addresses.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
DOC = TOP / 'docs' / 'topologies.md'
BLOCK = re.compile(r'(<!-- plan: (?P<inv>\S+)(?: (?P<group>\S+))? -->\n)(?P<body>.*?)(<!-- end plan -->)', re.S)


def _import_plan():
    collections = TOP / '.collections'
    if str(collections) not in sys.path:
        sys.path.insert(0, str(collections))
    from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (  # noqa: E402
        plan_from_inventory,
    )
    return plan_from_inventory


def read_inventory(path):
    """(hostvars, groups) of an inventory file, as Ansible resolves them: every host, every
    group (a balancer pair's backends are another group)."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(path)])
    variables = VariableManager(loader=loader, inventory=inventory)
    groups = dict((name, [h.name for h in inventory.get_hosts(name)]) for name in inventory.groups)
    hostvars = dict((h.name, variables.get_vars(host=h, include_hostvars=False)) for h in inventory.get_hosts('all'))
    return hostvars, groups


def table(plan, name='web'):
    """One row per instance, one column per member: state, priority, and for a BACKUP the
    seconds it waits without adverts before it takes over (Master_Down_Interval); the
    backends of a balancer pair under it."""
    group = plan['groups'][name]
    hosts = group['members']
    views = dict(((h, v['name']), v) for h in hosts for v in plan['hosts'][h])
    rows = ['| instance | VRRP | VRID | VIPs | %s |' % ' | '.join(hosts),
            '|---|---|---|---|' + '---|' * len(hosts)]
    for inst in group['instances']:
        first = views[(hosts[0], inst['name'])]
        name = inst['name'] + (' (%s)' % first['sync_group'] if first.get('sync_group') else '')
        cells = []
        for host in hosts:
            view = views[(host, inst['name'])]
            if view['state'] == 'MASTER':
                cells.append('**MASTER** %d' % view['priority'])
            else:
                cells.append('BACKUP %d (%.4g s)' % (view['priority'], view['master_down_interval']))
        rows.append('| %s | %s v%d | %d | %s | %s |' % (
            name, 'IPv6' if inst['family'] == 'ipv6' else 'IPv4', inst['version'], inst['vrid'],
            ', '.join(inst['vips']), ' | '.join(cells)))
    peers = ['- %s: unicast_src_ip %s, unicast_peer %s' % (
        h, ' / '.join(sorted(set(v['unicast_src_ip'] for v in plan['hosts'][h]))),
        ' / '.join(', '.join(p) for p in sorted(set(tuple(v['unicast_peers']) for v in plan['hosts'][h]))))
        for h in hosts]
    lbs = [v['load_balancer'] for h in hosts for v in plan['hosts'][h] if 'load_balancer' in v][:1]
    for lb in lbs:
        servers = ', '.join('%s %s:%d' % (b['name'], b['address'], lb['port']) for b in lb['backends'])
        peers.append('- balancing (%s) to group %s: %s' % (lb['mode'], lb['backends_group'], servers))
    return '\n'.join(rows) + '\n\n' + '\n'.join(peers)


def block(inventory_path, group=None):
    plan_from_inventory = _import_plan()
    path = TOP / inventory_path
    hostvars, groups = read_inventory(path)
    group = group or 'web'
    plan = plan_from_inventory([group], hostvars, groups)
    return '```yaml\n# %s\n%s```\n\nWhat `vrrp_plan` makes of it:\n\n%s\n' % (
        inventory_path, path.read_text().split('---\n', 1)[-1], table(plan, group))


def render(text):
    return BLOCK.sub(lambda m: m.group(1) + block(m.group('inv'), m.group('group')) + m.group(5), text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='only report whether the file is up to date')
    args = parser.parse_args(argv)
    old = DOC.read_text()
    new = render(old)
    if args.check:
        if new != old:
            print('%s is out of date: run %s' % (DOC.relative_to(TOP), Path(__file__).relative_to(TOP)))
            return 1
        return 0
    if new != old:
        DOC.write_text(new)
    return 0


if __name__ == '__main__':
    sys.exit(main())
