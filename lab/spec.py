# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab is, read from the files that say it, for lab/lab.sh, vagrant/ and bench
(from the repository's root: python -m lab.spec ...):

    run-args          the lab host's `docker run` flags (lab/host.yml), one a line
    image [SUITE]     the lab host's image, with SUITE as its tag when given
    topology [INV]    the lab of INV (default inventories/lab/hosts.yml):
                        network NAME SUBNET GATEWAY
                        vip ADDRESS
                        host NAME CONTAINER ADDRESS     (one a host, in order)
    backup-down-ms [INV]  the Master_Down_Interval (ms) of the BACKUP that the
                        collection's plan gives the web group of INV (the highest, if
                        several): a failover faster than that was a graceful one

lab/host.yml is in the keys of Molecule's docker driver (Molecule reads it too:
.config/molecule/config.yml); a key that this script cannot turn into a flag is an error,
so that the lab and Molecule never run different containers. The topology is the
inventory that `make lab` deploys: the hosts of its `web` group, their containers
(lab_container; Ansible reaches the hosts over SSH at ansible_host) and addresses
(vrrp_address), the VIP (the first of vrrp_vips), whose prefix is the network's, and the
Docker network's name (lab_docker_network).
"""

from __future__ import absolute_import, division, print_function

import collections
import ipaddress
import sys
from pathlib import Path

import yaml

from plugins.plugin_utils import vrrp_plan

ROOT = Path(__file__).resolve().parents[1]
HOST_FILE = ROOT / 'lab' / 'host.yml'
INVENTORY = ROOT / 'inventories' / 'lab' / 'hosts.yml'
GROUP = 'web'

# Keys of lab/host.yml that are not run flags: the image is the last argument of
# `docker run`, and its CMD is already the command (lab/image.sh).
NOT_FLAGS = ('image', 'pre_build_image', 'command')


# What lab.sh and bench need of the lab: its Docker network (name, subnet, gateway), the
# VIP, and (host, container, address) for each host in inventory order.
Topology = collections.namedtuple('Topology', 'network subnet gateway vip hosts')


class SpecError(ValueError):
    """A lab file says something this script cannot use."""


def _load_yaml(path):
    with open(str(path)) as stream:
        return yaml.safe_load(stream)


def load_host(path=HOST_FILE):
    host = _load_yaml(path)
    if not isinstance(host, dict) or not host.get('image'):
        raise SpecError('%s: expected a mapping with an image' % path)
    return host


def run_args(host):
    """The `docker run` flags of a lab host given in Molecule's docker driver keys."""
    flags = {
        'capabilities': lambda v: ['--cap-add=%s' % c for c in v],
        'security_opts': lambda v: ['--security-opt=%s' % o for o in v],
        'cgroupns_mode': lambda v: ['--cgroupns=%s' % v],
        'volumes': lambda v: ['--volume=%s' % m for m in v],
        'tmpfs': lambda v: ['--tmpfs=%s' % m for m in v],
        'stop_signal': lambda v: ['--stop-signal=%s' % v],
    }
    args = []
    for key, value in host.items():
        if key in NOT_FLAGS:
            continue
        if key not in flags:
            raise SpecError('lab/host.yml: no docker run flag for the key %r (known: %s)'
                            % (key, ', '.join(sorted(flags) + list(NOT_FLAGS))))
        args.extend(flags[key](value))
    return args


def image(host, suite=None):
    """The host's image; with suite, the same repository tagged suite."""
    return host['image'] if not suite else '%s:%s' % (host['image'].rsplit(':', 1)[0], suite)


def load_topology(path=INVENTORY):
    """The Topology of the lab inventory at path."""
    return topology(_load_yaml(path))


def topology(inventory):
    """The Topology of a lab inventory (parsed YAML)."""
    try:
        web = inventory['all']['children'][GROUP]
        group_vars = web.get('vars') or {}
        hosts = []
        for name, host_vars in web['hosts'].items():
            merged = dict(group_vars, **(host_vars or {}))
            hosts.append((name, merged['lab_container'], str(merged['vrrp_address'])))
        # the VIP's prefix is the network's; a lab of several groups (bench/fleet.py) names
        # its network with lab_subnet instead, and has no one VIP
        vip = ipaddress.ip_interface(str(group_vars['vrrp_vips'][0] if 'vrrp_vips' in group_vars
                                         else group_vars['lab_subnet']))
        network_name = group_vars['lab_docker_network']
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        raise SpecError('lab inventory: group %s needs vars lab_docker_network and vrrp_vips (or '
                        'lab_subnet), and hosts with lab_container and vrrp_address (%s: %s)'
                        % (GROUP, type(exc).__name__, exc))
    subnet = vip.network
    for name, _container, address in hosts:
        if ipaddress.ip_address(address) not in subnet:
            raise SpecError('lab inventory: host %s: vrrp_address %s is not in the VIP\'s '
                            'network %s' % (name, address, subnet))
    return Topology(network_name, str(subnet), str(next(subnet.hosts())),
                    str(vip.ip) if 'vrrp_vips' in group_vars else None, hosts)


def group_hostvars(inventory, extra_vars=None, group=GROUP):
    """(hostvars, groups) of a lab inventory's group (parsed YAML) as Ansible gives them to
    the plan: group vars, then host vars, then extra_vars on top (as -e)."""
    hosts_of = inventory['all']['children'][group]
    hostvars = {}
    for host, host_vars in (hosts_of.get('hosts') or {}).items():
        merged = dict(hosts_of.get('vars') or {})
        merged.update(host_vars or {})
        merged.update(extra_vars or {})
        hostvars[host] = merged
    return hostvars, {group: list(hosts_of.get('hosts') or {})}


def backup_down_ms(inventory, group=GROUP):
    """The longest Master_Down_Interval (ms) of a BACKUP in the plan of a lab inventory."""
    hostvars, groups = group_hostvars(inventory, group=group)
    plan = vrrp_plan.plan_from_inventory([group], hostvars, groups)
    return round(max(view['master_down_interval'] for views in plan['hosts'].values()
                     for view in views if view['state'] == 'BACKUP') * 1000)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ['run-args'] and len(argv) == 1:
            print('\n'.join(run_args(load_host())))
        elif argv[:1] == ['image'] and len(argv) <= 2:
            print(image(load_host(), argv[1] if len(argv) == 2 else None))
        elif argv[:1] == ['topology'] and len(argv) <= 2:
            lab = load_topology(argv[1] if len(argv) == 2 else INVENTORY)
            print('network %s %s %s' % (lab.network, lab.subnet, lab.gateway))
            print('vip %s' % (lab.vip or '-'))
            for host in lab.hosts:
                print('host %s %s %s' % host)
        elif argv[:1] == ['backup-down-ms'] and len(argv) <= 2:
            print(backup_down_ms(_load_yaml(argv[1] if len(argv) == 2 else INVENTORY)))
        else:
            print('usage: python -m lab.spec run-args | image [SUITE] | topology [INVENTORY] '
                  '| backup-down-ms [INVENTORY]', file=sys.stderr)
            return 2
    except (OSError, SpecError, yaml.YAMLError, KeyError, ValueError) as exc:
        print('ERROR: %s' % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
