# -*- coding: utf-8 -*-
"""keepalived itself (`keepalived -t`, through the role's keepalived-config-check) accepts
every configuration the collection renders, and rejects a broken one.

The check runs in a network namespace of its own that has the interfaces the
configurations name (a veth pair each), so the machine's own interfaces do not matter.
keepalived is only asked to check files here: no VRRP process may be left running.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import STAND_IN, TOP, check, render

INVENTORIES = {
    'seed': (TOP / 'inventories' / 'seed', {}),
    'seed_with_health_check': (TOP / 'inventories' / 'seed', {'keepalived_health_check_kind': 'http'}),
    'lab': (TOP / 'inventories' / 'lab', {}),
    'three_nodes': (Path(__file__).parent / 'inventories' / 'three_nodes.yml', {}),
    'active_active': (Path(__file__).parent / 'inventories' / 'active_active.yml', {}),
    'dual_stack': (Path(__file__).parent / 'inventories' / 'dual_stack.yml', {}),
    'spread_sync': (Path(__file__).parent / 'inventories' / 'spread_sync.yml', {}),
    # the seed's pair with the fast timer profile (offline: keepalived's version is not
    # known, so the health check is rendered in whole seconds, as keepalived 2.2.7 needs)
    'fast_profile': (TOP / 'inventories' / 'seed', {'vrrp_profile': 'fast', 'keepalived_health_check_kind': 'http'}),
    # the balancer pair: HAProxy balances (no virtual_server), or keepalived's LVS in
    # NAT or DR mode, configuration only (this machine's kernel has no IPVS)
    'load_balancer': (TOP / 'inventories' / 'load_balancer', {}),
    'lvs_nat_config_only': (TOP / 'inventories' / 'load_balancer', {'vrrp_lb_mode': 'lvs_nat'}),
    'lvs_dr_config_only': (TOP / 'inventories' / 'load_balancer', {'vrrp_lb_mode': 'lvs_dr'}),
    # every option of issue 29: VRRP options, events, notifications, extra lines
    'every_option': (Path(__file__).parent / 'inventories' / 'every_option.yml', {}),
    # a planned move (roll.yml): the track files of keepalived_handover, on a plain pair and
    # on the instances of a sync group (which then needs sync_group_tracking_weight)
    'handover': (TOP / 'inventories' / 'seed', {'keepalived_health_check_kind': 'http',
                                                'keepalived_handover': {'vi_1': 253}}),
    'handover_sync': (Path(__file__).parent / 'inventories' / 'spread_sync.yml',
                      {'keepalived_handover': {'front': 253, 'front_v6': 253, 'vi_web_3': 12}}),
}
GROUPS = {'load_balancer': 'balancers', 'lvs_nat_config_only': 'balancers', 'lvs_dr_config_only': 'balancers'}


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    out = {}
    for name, (inventory, extra) in INVENTORIES.items():
        extra = dict(STAND_IN, **extra)
        out_dir = tmp_path_factory.mktemp(name)
        files = render(inventory, out_dir, group=GROUPS.get(name, 'web'), extra_vars=extra)
        assert files, 'nothing rendered for %s' % name
        for host, text in files.items():
            path = tmp_path_factory.mktemp('%s-%s' % (name, host)) / 'keepalived.conf'
            path.write_text(text)
            out['%s/%s' % (name, host)] = path
            # the handover entry point's track files, where keepalived_handover is set
            out['%s/%s.handover' % (name, host)] = out_dir / ('%s.handover.json' % host)
    return out


@pytest.mark.parametrize('case', sorted(
    '%s/%s' % (name, host) for name, hosts in {
        'seed': ['web1', 'web2'], 'seed_with_health_check': ['web1', 'web2'],
        'lab': ['web1', 'web2'], 'three_nodes': ['n1', 'n2', 'n3'],
        'active_active': ['a1', 'a2'], 'dual_stack': ['d1', 'd2'],
        'spread_sync': ['s1', 's2', 's3'], 'fast_profile': ['web1', 'web2'],
        'load_balancer': ['lb1', 'lb2'], 'lvs_nat_config_only': ['lb1', 'lb2'], 'lvs_dr_config_only': ['lb1', 'lb2'],
        'every_option': ['o1', 'o2'], 'handover': ['web1'], 'handover_sync': ['s1'],
    }.items() for host in hosts))
def test_keepalived_accepts_rendered_configuration(netns, rendered, case):
    result = check(netns, rendered[case])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize('needle, replacement, message', [
    ('virtual_router_id 77', 'virtual_router_id 300', 'VRID'),
    ('interface eth1', 'interface eth9', 'eth9'),
    ('advert_int 1', 'advert_int 1\n    no_such_keyword 1', 'no_such_keyword'),
])
def test_keepalived_rejects_a_broken_configuration(netns, rendered, tmp_path, needle, replacement, message):
    text = rendered['seed_with_health_check/web1'].read_text()
    assert needle in text
    broken = tmp_path / 'broken.conf'
    broken.write_text(text.replace(needle, replacement))
    result = check(netns, broken)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_check_refuses_a_missing_script_user(netns, rendered, tmp_path):
    text = rendered['seed_with_health_check/web1'].read_text().replace(
        'script_user nobody', 'script_user no_such_user_here')
    path = tmp_path / 'nouser.conf'
    path.write_text(text)
    result = check(netns, path)
    assert result.returncode != 0
    assert 'no_such_user_here' in result.stderr


def test_fast_profile_renders_vrrpv3_and_whole_second_checks_offline(rendered):
    text = rendered['fast_profile/web2'].read_text()
    assert 'version 3' in text and 'advert_int 0.02' in text and 'auth_type' not in text
    # offline the role does not know keepalived's version: whole seconds, as 2.2.7 needs
    assert '    interval 1\n' in text and '    timeout 1\n' in text


@pytest.mark.parametrize('mode, kind', [('lvs_nat_config_only', 'NAT'), ('lvs_dr_config_only', 'DR')])
def test_lvs_mode_config_only_renders_the_plans_virtual_server(rendered, mode, kind):
    """Configuration only: the lab's kernel has no IPVS, so LVS is rendered and checked
    with keepalived -t (above), never run."""
    text = rendered['%s/lb1' % mode].read_text()
    assert 'virtual_server 198.18.19.69 80 {' in text and 'lb_kind %s' % kind in text
    assert 'real_server 198.18.19.21 80 {' in text and 'real_server 198.18.19.22 80 {' in text
    assert text.count('HTTP_GET') == 2 and 'path /healthz' in text


def test_haproxy_mode_has_no_virtual_server(rendered):
    assert 'virtual_server' not in rendered['load_balancer/lb1'].read_text()


def test_a_bad_lvs_check_path_is_refused_naming_host_and_variable(tmp_path):
    with pytest.raises(AssertionError) as exc:
        render(TOP / 'inventories' / 'load_balancer', tmp_path, group='balancers',
               extra_vars=dict(STAND_IN, vrrp_lb_mode='lvs_nat', keepalived_lvs_check_path='healthz'))
    assert 'host lb1: keepalived_lvs_check_path: "healthz" is not a URL path' in str(exc.value)


def test_a_handover_writes_one_track_file_per_instance_with_its_value(rendered):
    """The handover entry point's files (roles/keepalived/vars/main.yml), as the role builds
    them: the file the template tracks, the value as text."""
    listed = json.loads(rendered['handover_sync/s1.handover'].read_text())
    assert sorted(listed, key=lambda f: f['path']) == [
        {'path': '/run/failover-keepalived-handover/front', 'content': '253'},
        {'path': '/run/failover-keepalived-handover/front_v6', 'content': '253'},
        {'path': '/run/failover-keepalived-handover/vi_web_3', 'content': '12'},
    ]
    assert not rendered['seed/web1.handover'].exists()  # nothing to write without one


def test_a_handover_tracks_a_file_per_instance_and_lets_a_sync_group_weigh_it(rendered):
    text = rendered['handover/web1'].read_text()
    assert 'track_file failover_handover_vi_1 {\n    file "/run/failover-keepalived-handover/vi_1"\n    weight 1\n}' in text
    assert '    track_file {\n        failover_handover_vi_1\n    }' in text
    sync = rendered['handover_sync/s1'].read_text()
    group = sync[sync.index('vrrp_sync_group vg_web_1'):]
    group = group[:group.index('\n}\n')]
    assert 'front' in group and 'sync_group_tracking_weight' in group
    # a sync group without a handover is as before; an instance without one tracks no file
    other = sync[sync.index('vrrp_sync_group vg_web_2'):]
    assert 'sync_group_tracking_weight' not in other[:other.index('\n}\n')]
    back = sync[sync.index('vrrp_instance back {'):]
    assert 'failover_handover' not in back[:back.index('\n}\n')]
    # at rest (no keepalived_handover) nothing of it is written
    assert 'failover_handover' not in rendered['seed/web1'].read_text()
