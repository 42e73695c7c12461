# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""lab/spec.py: the one description of a lab host (lab/host.yml) as `docker run` flags,
and the lab's topology read from inventories/lab, for lab.sh, the Vagrantfile and bench."""

from __future__ import absolute_import, division, print_function

import copy
from pathlib import Path

import pytest
import yaml

from lab import spec

TOP = Path(__file__).resolve().parents[3]

LAB = yaml.safe_load((TOP / 'inventories' / 'lab' / 'hosts.yml').read_text())


def test_host_file_gives_the_systemd_container_flags():
    args = spec.run_args(spec.load_host())
    for flag in ('--cap-add=SYS_ADMIN', '--cap-add=NET_ADMIN', '--cap-add=NET_RAW',
                 '--security-opt=seccomp=unconfined', '--cgroupns=host',
                 '--volume=/sys/fs/cgroup:/sys/fs/cgroup:rw', '--tmpfs=/run',
                 '--stop-signal=SIGRTMIN+3'):
        assert flag in args
    # the image and its command are not flags: docker run IMAGE uses the image's CMD
    assert not [a for a in args if 'systemd' in a or 'failover-keepalived-lab' in a]


def test_every_host_key_becomes_flags_in_order():
    host = {'image': 'i:t', 'capabilities': ['A', 'B'], 'tmpfs': ['/x'], 'cgroupns_mode': 'host'}
    assert spec.run_args(host) == ['--cap-add=A', '--cap-add=B', '--tmpfs=/x', '--cgroupns=host']


def test_a_molecule_key_without_a_flag_is_an_error_not_dropped():
    with pytest.raises(spec.SpecError, match="'sysctls'"):
        spec.run_args({'image': 'i:t', 'sysctls': {'net.ipv4.ip_forward': 1}})


def test_image_takes_the_suite_as_tag():
    host = {'image': 'failover-keepalived-lab:bookworm'}
    assert spec.image(host) == 'failover-keepalived-lab:bookworm'
    assert spec.image(host, 'trixie') == 'failover-keepalived-lab:trixie'


def test_lab_topology_comes_from_the_lab_inventory():
    network, subnet, gateway, vip, hosts = spec.topology(LAB)
    web = LAB['all']['children']['web']
    assert network == web['vars']['lab_docker_network']
    assert vip == web['vars']['vrrp_vips'][0].split('/')[0]
    assert subnet == '198.18.77.0/24' and gateway == '198.18.77.1'
    assert hosts == [(h, v['lab_container'], v['vrrp_address']) for h, v in web['hosts'].items()]


def test_a_host_outside_the_vip_network_is_refused():
    lab = copy.deepcopy(LAB)
    lab['all']['children']['web']['hosts']['web2']['vrrp_address'] = '198.19.1.12'
    with pytest.raises(spec.SpecError, match='host web2: vrrp_address 198.19.1.12'):
        spec.topology(lab)


def test_a_lab_inventory_without_the_network_name_is_refused():
    lab = copy.deepcopy(LAB)
    del lab['all']['children']['web']['vars']['lab_docker_network']
    with pytest.raises(spec.SpecError, match='lab_docker_network'):
        spec.topology(lab)


def test_a_lab_host_without_its_container_is_refused():
    lab = copy.deepcopy(LAB)
    del lab['all']['children']['web']['hosts']['web1']['lab_container']
    with pytest.raises(spec.SpecError, match='lab_container'):
        spec.topology(lab)


def test_the_lab_is_reached_over_ssh_as_a_user_with_sudo_not_as_root():
    web = LAB['all']['children']['web']
    assert 'ansible_connection' not in web['vars']
    assert web['vars']['ansible_user'] == 'ansible'
    assert web['vars']['ansible_ssh_private_key_file'].endswith('/build/lab-ssh/id_ed25519')
    # each host at its address on the lab network
    assert all(v['ansible_host'] == v['vrrp_address'] for v in web['hosts'].values())


def test_cli_prints_the_topology_for_lab_sh(capsys):
    assert spec.main(['topology']) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'network failover-lab 198.18.77.0/24 198.18.77.1'
    assert lines[1] == 'vip 198.18.77.69'
    assert lines[2:] == ['host web1 failover-lab-web1 198.18.77.11', 'host web2 failover-lab-web2 198.18.77.12']
    assert spec.main(['nonsense']) == 2


def test_group_hostvars_are_group_vars_then_host_vars_then_extra_vars():
    hostvars, groups = spec.group_hostvars(LAB, {'vrrp_profile': 'fast'})
    assert groups == {'web': ['web1', 'web2']}
    assert hostvars['web2']['vrrp_address'] == '198.18.77.12'
    assert hostvars['web1']['vrrp_vips'] == LAB['all']['children']['web']['vars']['vrrp_vips']
    assert hostvars['web1']['vrrp_profile'] == 'fast'


def test_backup_down_ms_is_the_plans_master_down_interval_of_the_backup(capsys):
    # seed timers: VRRPv2, advert_int 1 s, the BACKUP at priority 100: 3 s + 156/256 s
    assert spec.backup_down_ms(LAB) == 3609
    assert spec.main(['backup-down-ms']) == 0
    assert capsys.readouterr().out == '3609\n'
