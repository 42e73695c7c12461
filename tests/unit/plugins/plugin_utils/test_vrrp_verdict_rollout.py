# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rollout_changes: what a run of the plan does to groups that run already (issue 26): the
VIPs it moves, the hosts that join a running instance, the advert changes."""

from __future__ import absolute_import, division, print_function

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import plan_from_inventory
from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_verdict import (
    HANDOVER_PIN,
    HANDOVER_RELEASE,
    HANDOVER_SKEW,
    handover_boost,
    rollout_changes,
)


def trio(**host_vars):
    hostvars = dict(('web%d' % i, {'ansible_host': '198.18.47.%d' % (10 + i), 'vrrp_interface': 'eth0',
                                   'vrrp_vips': ['198.18.47.69/24'], 'vrrp_vrid': 47})
                    for i in (1, 2, 3))
    for host, extra in host_vars.items():
        hostvars[host].update(extra)
    return plan_from_inventory(['web'], hostvars, {'web': ['web1', 'web2', 'web3']})


def live(state, vrid=47, version=2, advert_int=1):
    return {'running': True, 'instances': [{'name': 'vi_web', 'state': state, 'vrid': vrid,
                                            'version': version, 'advert_int': advert_int}]}


NOT_RUNNING = {'running': False, 'instances': []}


def test_a_converged_group_changes_nothing():
    plan = trio()
    assert rollout_changes(plan, {'web1': live('MASTER'), 'web2': live('BACKUP'), 'web3': live('BACKUP')}) == {
        'moves': [], 'joiners': [], 'incompatible': [], 'paused': [], 'strangers': [], 'dropped': [], 'handover': {}, 'pinned': [], 'release': {}}


def test_a_plain_run_after_a_switchover_says_it_moves_the_vip_back():
    changes = rollout_changes(trio(), {'web1': live('BACKUP'), 'web2': live('MASTER'), 'web3': live('BACKUP')})
    assert changes['moves'] == [{'instance': 'vi_web', 'group': 'web', 'vips': ['198.18.47.69/24'],
                                 'from': ['web2'], 'to': 'web1'}]


def test_a_drained_master_moves_its_vip_to_the_next_host():
    changes = rollout_changes(trio(web1={'vrrp_drain': True}),
                              {'web1': live('MASTER'), 'web2': live('BACKUP'), 'web3': live('BACKUP')})
    assert [(m['from'], m['to']) for m in changes['moves']] == [(['web1'], 'web2')]


def test_a_new_host_of_a_running_group_is_a_joiner_and_a_new_group_has_none():
    assert rollout_changes(trio(), {'web1': live('MASTER'), 'web2': live('BACKUP'), 'web3': NOT_RUNNING})[
        'joiners'] == ['web3']
    assert rollout_changes(trio(), dict.fromkeys(('web1', 'web2', 'web3'), NOT_RUNNING)) == {
        'moves': [], 'joiners': [], 'incompatible': [], 'paused': [], 'strangers': [], 'dropped': [], 'handover': {}, 'pinned': [], 'release': {}}


def test_a_profile_change_is_an_advert_change_on_every_running_host():
    plan = trio(**dict(('web%d' % i, {'vrrp_profile': 'fast'}) for i in (1, 2, 3)))
    changes = rollout_changes(plan, {'web1': live('MASTER'), 'web2': live('BACKUP'), 'web3': NOT_RUNNING})
    fields = sorted(set((c['host'], c['field']) for c in changes['incompatible']))
    assert fields == [('web1', 'advert_int'), ('web1', 'version'), ('web2', 'advert_int'), ('web2', 'version')]
    # the running BACKUP stops while the MASTER reloads; web3 joins
    assert (changes['paused'], changes['joiners']) == (['web2'], ['web3'])


def test_a_master_outside_the_group_is_named_by_its_address():
    plan = trio()
    web2 = live('BACKUP')
    web2['instances'][0]['master_address'] = '198.18.47.99'  # no member has it
    web3 = live('BACKUP')
    web3['instances'][0]['master_address'] = '198.18.47.11'  # web1's address
    changes = rollout_changes(plan, {'web1': live('BACKUP'), 'web2': web2, 'web3': web3})
    assert changes['strangers'] == [{'instance': 'vi_web', 'group': 'web', 'host': 'web2', 'address': '198.18.47.99'}]


def with_peers(status, src, peers):
    status['instances'][0].update(unicast_src_ip=src, unicast_peers=peers)
    return status


def test_a_member_taken_out_without_leave_is_named_by_the_members_that_send_to_it():
    # web3 ran with web1 and web2; the inventory now has only web1 and web2, no vrrp_leave
    hostvars = dict(('web%d' % i, {'ansible_host': '198.18.47.%d' % (10 + i), 'vrrp_interface': 'eth0',
                                   'vrrp_vips': ['198.18.47.69/24'], 'vrrp_vrid': 47}) for i in (1, 2))
    plan = plan_from_inventory(['web'], hostvars, {'web': ['web1', 'web2']})
    statuses = {'web1': with_peers(live('MASTER'), '198.18.47.11', ['198.18.47.12', '198.18.47.13']),
                'web2': with_peers(live('BACKUP'), '198.18.47.12', ['198.18.47.11', '198.18.47.13'])}
    assert rollout_changes(plan, statuses)['dropped'] == [
        {'instance': 'vi_web', 'group': 'web', 'hosts': ['web1', 'web2'], 'address': '198.18.47.13'}]


def test_a_host_that_leaves_or_a_member_that_changes_its_address_is_not_dropped():
    leaving = trio(web3={'vrrp_leave': True})
    statuses = {'web1': with_peers(live('MASTER'), '198.18.47.11', ['198.18.47.12', '198.18.47.13']),
                'web2': with_peers(live('BACKUP'), '198.18.47.12', ['198.18.47.11', '198.18.47.13']),
                'web3': with_peers(live('BACKUP'), '198.18.47.13', ['198.18.47.11', '198.18.47.12'])}
    assert rollout_changes(leaving, statuses)['dropped'] == []
    # web3 moves from .13 to .23: the others list its address of now, which it still runs
    moved = trio(web3={'ansible_host': '198.18.47.23'})
    assert rollout_changes(moved, statuses)['dropped'] == []


# --- handover: a planned move pins the live MASTER, boosts the planned one, never preempts

def test_a_move_pins_the_live_master_and_boosts_the_planned_one_to_a_short_skew():
    # seed timers (1-s adverts): web1 planned MASTER at 101 would wait (256-101)/256 s = 0.6 s
    changes = rollout_changes(trio(), {'web1': live('BACKUP'), 'web2': live('MASTER'), 'web3': live('BACKUP')})
    assert changes['handover'] == {'web2': {'vi_web': HANDOVER_PIN}, 'web1': {'vi_web': 253 - 101}}
    assert (changes['pinned'], changes['release']) == (['web2'], {'web2': {'vi_web': HANDOVER_RELEASE}})
    skew = (256 - (101 + changes['handover']['web1']['vi_web'])) / 256.0
    assert 0.011 < skew <= HANDOVER_SKEW


def test_fast_adverts_need_a_small_boost_and_a_drained_master_is_pinned():
    fast = dict(('web%d' % i, {'vrrp_profile': 'fast'}) for i in (1, 2, 3))
    fast['web1']['vrrp_drain'] = True
    status = dict((h, live(s, version=3, advert_int=0.02)) for h, s in
                  (('web1', 'MASTER'), ('web2', 'BACKUP'), ('web3', 'BACKUP')))
    # 20-ms adverts: web2, planned MASTER at 101, waits 12.0 ms; 103 waits 11.7 ms
    assert rollout_changes(trio(**fast), status)['handover'] == {'web1': {'vi_web': HANDOVER_PIN}, 'web2': {'vi_web': 2}}


def test_a_host_that_leaves_is_pinned_where_it_holds_the_vip_and_released_elsewhere():
    status = {'web1': live('MASTER'), 'web2': live('BACKUP'), 'web3': live('BACKUP')}
    assert rollout_changes(trio(web1={'vrrp_leave': True}), status)['handover']['web1'] == {'vi_web': HANDOVER_PIN}
    changes = rollout_changes(trio(web3={'vrrp_leave': True}), status)
    assert (changes['handover'], changes['pinned']) == ({'web3': {'vi_web': HANDOVER_RELEASE}}, ['web3'])
    # a leaver whose keepalived does not run has nothing to hand over
    status['web3'] = NOT_RUNNING
    assert rollout_changes(trio(web3={'vrrp_leave': True}), status)['handover'] == {}


def test_an_advert_change_or_a_joiner_as_master_is_not_a_handover():
    fast = dict(('web%d' % i, {'vrrp_profile': 'fast'}) for i in (1, 2, 3))
    changes = rollout_changes(trio(**fast), {'web1': live('BACKUP'), 'web2': live('MASTER'), 'web3': live('BACKUP')})
    assert changes['moves'] and changes['handover'] == {}
    changes = rollout_changes(trio(), {'web1': NOT_RUNNING, 'web2': live('MASTER'), 'web3': live('BACKUP')})
    assert changes['joiners'] == ['web1'] and changes['handover'] == {}


def test_the_boost_is_bounded_below_the_pin():
    assert handover_boost(103, 0.02) == 0
    assert handover_boost(101, 1) == 152
    assert handover_boost(254, 1) == 0
    assert 100 + handover_boost(100, 40) == 253  # slow adverts: as high as it may go
