# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VRIDs across the whole inventory (plugins/plugin_utils/vrrp_plan.py, inventory_wide):
a deployed group's VRID must not clash with that of a group the run does not deploy,
and derived VRIDs avoid each other in the inventory's order of groups, so that each is
the same whichever group a run deploys.

Same ``inventory`` fixture as test_vrrp_plan.py: hosts web1..webN, ansible_host
192.168.56.11.., the seed's group_vars (vrrp_vips [192.168.56.69], vrrp_interface
eth1, vrrp_vrid 77). Derived VRIDs used here: derived_vrid('web') == 105 ==
derived_vrid('api179'), derived_vrid('db136') == 106.
"""

from __future__ import absolute_import, division, print_function

import copy
import random

import netaddr
import pytest

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    VRID_MAX,
    PlanError,
    derived_vrid,
    plan_from_inventory,
    plan_groups,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.instances import Instance
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.vrids import (
    assign_vrids as _assign_vrids,
    same_l2 as _same_l2,
)


def _vrid(plan, group, index=0):
    return plan['groups'][group]['instances'][index]['vrid']


def _with_group(inventory, base, group, first, **kwargs):
    """base plus GROUP1.. on 192.168.56.FIRST.. (same L2 as web unless told)."""
    return inventory(group=group, first=first, base=base, **kwargs)


def _all(hostvars, groups):
    """Ansible's groups: all and ungrouped first, then the inventory's groups."""
    out = {'all': list(hostvars), 'ungrouped': []}
    out.update(groups)
    return out


def _derived_pair(inventory, second='api179', second_vars=None):
    """web (derived 105) and, later in the inventory, `second` on the same L2."""
    base = inventory(group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.69/24']})
    gvars = {'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.70/24']}
    gvars.update(second_vars or {})
    hostvars, groups = _with_group(inventory, base, second, 21, group_vars=gvars)
    return hostvars, _all(hostvars, groups)


# --- a clash with a group this run does not deploy ---------------------------------------

def test_explicit_vrid_clash_with_a_group_not_deployed_names_both_groups_and_hosts(inventory):
    # api: other hosts, same interface, an address inside web's VIP subnet, same VRID 77
    base = inventory(group_vars={'vrrp_vips': ['192.168.56.69/24']})
    hostvars, groups = _with_group(inventory, base, 'api', 21, group_vars={'vrrp_vips': ['192.168.56.70/24']})
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert (err.value.host, err.value.variable) == ('web1', 'vrrp_vrid')
    assert str(err.value) == (
        'host web1: vrrp_vrid: VRID 77 (ipv4) of instance vi_web in group web (hosts web1, web2) '
        'and of instance vi_api in group api (hosts api1, api2), which this run does not deploy, '
        'is the same on one L2 (subnet 192.168.56.0/24); give them different vrrp_vrid')


def test_the_same_clash_deploying_the_other_group_names_it_from_that_side(inventory):
    base = inventory(group_vars={'vrrp_vips': ['192.168.56.69/24']})
    hostvars, groups = _with_group(inventory, base, 'api', 21, group_vars={'vrrp_vips': ['192.168.56.70/24']})
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['api'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert (err.value.host, err.value.variable) == ('api1', 'vrrp_vrid')
    assert 'instance vi_api in group api (hosts api1, api2) and of instance vi_web in group web ' \
           '(hosts web1, web2), which this run does not deploy' in str(err.value)


def test_without_inventory_wide_only_the_given_groups_are_read(inventory):
    base = inventory(group_vars={'vrrp_vips': ['192.168.56.69/24']})
    hostvars, groups = _with_group(inventory, base, 'api', 21, group_vars={'vrrp_vips': ['192.168.56.70/24']})
    plan = plan_from_inventory(['web'], hostvars, groups)
    assert _vrid(plan, 'web') == 77 and list(plan['groups']) == ['web']


def test_same_vrid_in_a_group_on_another_l2_is_fine(inventory):
    base = inventory()
    hostvars, groups = inventory(group='db', net='10.0.0.', base=base, group_vars={'vrrp_vips': ['10.0.0.69']})
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 77 and list(plan['groups']) == ['web']


def test_a_clash_between_two_groups_not_deployed_is_not_this_runs_error(inventory):
    base = inventory(net='10.0.0.', group_vars={'vrrp_vips': ['10.0.0.69']})
    base = _with_group(inventory, base, 'api', 21, group_vars={'vrrp_vips': ['192.168.56.70/24'], 'vrrp_vrid': 5})
    hostvars, groups = _with_group(inventory, base, 'db', 31,
                                   group_vars={'vrrp_vips': ['192.168.56.80/24'], 'vrrp_vrid': 5})
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 77


@pytest.mark.parametrize('bad', [
    pytest.param({'vrrp_priority_step': 0}, id='priority-step-0'),
    pytest.param({'vrrp_master': 'web1'}, id='master-not-a-member'),
    pytest.param({'vrrp_advert_int': 'fast'}, id='advert-int-word'),
    pytest.param({'vrrp_vips': ['nonsense']}, id='vip-not-an-address'),
    pytest.param({'vrrp_vrid': 300}, id='vrid-300'),
    pytest.param({'vrrp_interface': None}, id='no-interface'),
])
def test_a_bad_setting_in_a_group_not_deployed_fails_no_deploy(inventory, bad):
    base = inventory(group_vars={'vrrp_vrid': None})
    gvars = {'vrrp_vips': ['192.168.56.70'], 'vrrp_vrid': 9}
    gvars.update(bad)
    hostvars, groups = _with_group(inventory, base, 'api', 21, group_vars=gvars)
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 105


def test_an_irrelevant_bad_setting_still_reserves_the_groups_vrid(inventory):
    # api179 comes first, derives 105 like web; its bad priority step does not matter here
    base = inventory(group='api179', first=21, group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.70/24'],
                                                           'vrrp_priority_step': 0})
    hostvars, groups = _with_group(inventory, base, 'web', 11, group_vars={'vrrp_vrid': None})
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 106


def test_a_parent_group_with_the_same_members_and_settings_is_the_same_ha_group(inventory):
    hostvars, groups = inventory()
    inv = _all(hostvars, groups)
    inv = dict([('all', inv['all']), ('ungrouped', []), ('webservers', ['web1', 'web2']), ('web', ['web1', 'web2'])])
    plan = plan_from_inventory(['web'], hostvars, inv, inventory_wide=True)
    assert _vrid(plan, 'web') == 77 and plan['vrid_moves'] == []


def test_a_child_group_with_some_of_the_members_is_the_same_ha_group(inventory):
    hostvars, groups = inventory(n=3, group_vars={'vrrp_vrid': None})
    groups['bookworm'] = ['web1', 'web2']  # a child group: inherits web's group_vars
    groups['trixie'] = ['web3']
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 105 and plan['vrid_moves'] == []


def test_aliases_of_a_group_not_deployed_reserve_one_vrid(inventory):
    # web (105) not deployed, its child web_eu alias; api179 deployed after: moves once, to 106
    base = inventory(n=3, group_vars={'vrrp_vrid': None})
    base[1]['web_eu'] = ['web1', 'web2']
    hostvars, groups = _with_group(inventory, base, 'api179', 21,
                                   group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.70/24']})
    plan = plan_from_inventory(['api179'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'api179') == 106
    assert plan['vrid_moves'] == [{'group': 'api179', 'instance': 'vi_api179', 'vrid': 106, 'derived': 105,
                                   'taken_by': 'web'}]


def test_a_parent_group_whose_members_disagree_is_no_vrrp_group(inventory):
    base = inventory()
    hostvars, groups = _with_group(inventory, base, 'db', 21,
                                   group_vars={'vrrp_vips': ['192.168.56.70'], 'vrrp_vrid': 78})
    groups['servers'] = ['web1', 'web2', 'db1', 'db2']
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 77


def test_a_group_without_vips_on_every_member_is_no_vrrp_group(inventory):
    hostvars, groups = inventory()
    hostvars['ctl'] = {'ansible_host': '192.168.56.5', 'vrrp_vrid': 77, 'vrrp_interface': 'eth1'}
    groups['mixed'] = ['web1', 'ctl']
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 77


# --- derived VRIDs -----------------------------------------------------------------------

def test_a_derived_vrid_that_collides_with_nobody_is_the_crc_of_the_name(inventory):
    hostvars, groups = inventory(group_vars={'vrrp_vrid': None})
    base = (hostvars, groups)
    hostvars, groups = inventory(group='db', net='10.0.0.', base=base,
                                 group_vars={'vrrp_vrid': None, 'vrrp_vips': ['10.0.0.69']})
    plan = plan_from_inventory(['web', 'db'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert (_vrid(plan, 'web'), _vrid(plan, 'db')) == (derived_vrid('web'), derived_vrid('db')) == (105, 190)
    assert plan['vrid_moves'] == []


def test_colliding_derived_vrids_on_one_l2_the_later_group_moves_up(inventory):
    hostvars, groups = _derived_pair(inventory)
    assert derived_vrid('api179') == derived_vrid('web') == 105
    plan = plan_from_inventory(['web', 'api179'], hostvars, groups, inventory_wide=True)
    assert (_vrid(plan, 'web'), _vrid(plan, 'api179')) == (105, 106)
    assert plan['vrid_moves'] == [{'group': 'api179', 'instance': 'vi_api179', 'vrid': 106,
                                   'derived': 105, 'taken_by': 'web'}]


def test_colliding_derived_vrids_without_inventory_wide_avoid_each_other_too(inventory):
    hostvars, groups = _derived_pair(inventory)
    plan = plan_from_inventory(['api179', 'web'], hostvars, groups)
    # the inventory's order decides, not the order of the list
    assert (_vrid(plan, 'web'), _vrid(plan, 'api179')) == (105, 106)


def test_each_group_gets_the_same_vrid_whichever_group_a_run_deploys(inventory):
    hostvars, groups = _derived_pair(inventory)
    both = plan_from_inventory(['web', 'api179'], hostvars, groups, inventory_wide=True)
    web = plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)
    api = plan_from_inventory(['api179'], hostvars, groups, inventory_wide=True)
    assert (_vrid(web, 'web'), _vrid(api, 'api179')) == (_vrid(both, 'web'), _vrid(both, 'api179')) == (105, 106)
    assert web['vrid_moves'] == [] and api['vrid_moves'] == both['vrid_moves']


def test_a_group_appended_to_the_inventory_moves_no_existing_vrid(inventory):
    hostvars, groups = _derived_pair(inventory)
    before = plan_from_inventory(['web', 'api179'], hostvars, groups, inventory_wide=True)
    # db136 derives 106, now api179's: it moves on to 107, the others stay
    hostvars, groups = _with_group(inventory, (hostvars, groups), 'db136', 31,
                                   group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.80/24']})
    after = plan_from_inventory(['web', 'api179', 'db136'], hostvars, groups, inventory_wide=True)
    assert (_vrid(after, 'web'), _vrid(after, 'api179')) == (_vrid(before, 'web'), _vrid(before, 'api179'))
    assert _vrid(after, 'db136') == 107
    assert after['vrid_moves'][-1] == {'group': 'db136', 'instance': 'vi_db136', 'vrid': 107, 'derived': 106,
                                       'taken_by': 'api179'}


def test_a_group_inserted_before_takes_the_vrid_on_a_collision(inventory):
    # the documented limit: inventory order decides; pin vrrp_vrid to rule it out
    base = inventory(group='api179', first=21, group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.70/24']})
    hostvars, groups = _with_group(inventory, base, 'web', 11, group_vars={'vrrp_vrid': None})
    plan = plan_from_inventory(['web'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert _vrid(plan, 'web') == 106
    assert plan['vrid_moves'][0]['taken_by'] == 'api179'


def test_an_explicit_vrid_wins_over_an_earlier_derived_one(inventory):
    hostvars, groups = _derived_pair(inventory, second='api', second_vars={'vrrp_vrid': 105})
    plan = plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)
    assert _vrid(plan, 'web') == 106
    assert plan['vrid_moves'] == [{'group': 'web', 'instance': 'vi_web', 'vrid': 106, 'derived': 105,
                                   'taken_by': 'api'}]


def test_derived_vrids_on_different_l2s_may_be_equal(inventory):
    base = inventory(group_vars={'vrrp_vrid': None})
    hostvars, groups = inventory(group='api179', net='10.0.0.', base=base,
                                 group_vars={'vrrp_vrid': None, 'vrrp_vips': ['10.0.0.69']})
    plan = plan_from_inventory(['web', 'api179'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert (_vrid(plan, 'web'), _vrid(plan, 'api179')) == (105, 105)


def test_probing_skips_taken_vrids_and_wraps_from_255_to_1(inventory):
    # web derives 105; explicit VRIDs 105..255 on its L2 leave 1 as the next free one
    hostvars, groups = inventory(group_vars={'vrrp_vrid': None})
    specs = ['web']
    for vrid in range(105, VRID_MAX + 1):
        name = 'x%d' % vrid
        groups[name] = ['web1', 'web2']
        # each group its own VIP (one VIP in two groups is refused)
        specs.append({'name': name, 'vrid': vrid, 'vips': ['10.70.%d.%d' % (vrid // 250, vrid % 250 + 1)],
                      'instance_name': 'vi_' + name})
    plan = plan_from_inventory(specs, hostvars, groups)
    assert _vrid(plan, 'web') == 1


def test_no_free_vrid_on_the_l2_is_an_error(inventory):
    hostvars, groups = inventory(group_vars={'vrrp_vrid': None})
    specs = ['web']
    for vrid in range(1, VRID_MAX + 1):
        name = 'x%d' % vrid
        groups[name] = ['web1', 'web2']
        # each group its own VIP (one VIP in two groups is refused)
        specs.append({'name': name, 'vrid': vrid, 'vips': ['10.70.%d.%d' % (vrid // 250, vrid % 250 + 1)],
                      'instance_name': 'vi_' + name})
    with pytest.raises(PlanError) as err:
        plan_from_inventory(specs, hostvars, groups)
    assert (err.value.host, err.value.variable) == ('web1', 'vrrp_vrid')
    assert 'no free VRID for instance vi_web of group web: all of 1..255 are taken on its L2' in str(err.value)


def test_spread_instances_of_one_group_with_colliding_derived_vrids_avoid_each_other(inventory):
    # web/vi_web_1 and web/vi_web_102 derive the same VRID
    vips = ['192.168.56.%d' % (100 + i) for i in range(102)]
    plan = plan_from_inventory(['web'], *inventory(group_vars={'vrrp_vrid': None, 'vrrp_mode': 'spread',
                                                               'vrrp_vips': vips}))
    vrids = [i['vrid'] for i in plan['groups']['web']['instances']]
    assert len(set(vrids)) == len(vrids) == 102
    assert vrids[0] == derived_vrid('web/vi_web_1') == derived_vrid('web/vi_web_102')
    moved = dict((m['instance'], m) for m in plan['vrid_moves'])
    assert moved['vi_web_102']['derived'] == vrids[0] != vrids[101] == moved['vi_web_102']['vrid']
    assert moved['vi_web_102']['taken_by'] == 'web'
    assert all(m['vrid'] == vrids[int(name.rsplit('_', 1)[1]) - 1] for name, m in moved.items())


def test_dual_stack_twins_move_together(inventory):
    dual = dict(('%s%d' % (g, i + 1), {'vrrp_address': ['192.168.56.%d' % (first + i), '2001:db8::%d' % (first + i)]})
                for g, first in (('web', 11), ('api179', 21)) for i in range(2))
    base = inventory(group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.69', '2001:db8::69']},
                     host_vars=dual)
    # api179 collides with web on IPv6 only (own IPv4 L2): both its instances move
    hostvars, groups = _with_group(inventory, base, 'api179', 21, host_vars=dual, group_vars={
        'vrrp_vrid': None, 'vrrp_interface': 'eth2', 'vrrp_vips': ['10.9.0.70', '2001:db8::70/64']})
    for host in ('api1791', 'api1792'):
        hostvars[host]['vrrp_address'] = ['10.9.0.%s' % host[-1], '2001:db8::2%s' % host[-1]]
    plan = plan_from_inventory(['api179'], hostvars, _all(hostvars, groups), inventory_wide=True)
    assert [(i['family'], i['vrid']) for i in plan['groups']['api179']['instances']] == [('ipv4', 106), ('ipv6', 106)]


def test_plan_groups_takes_others_and_order():
    def group(name, first):
        return {'name': name, 'members': [('%s%d' % (name, i), {'vrrp_address': '10.0.0.%d' % (first + i)})
                                          for i in (1, 2)],
                'settings': {'vips': ['10.0.0.%d/24' % (first + 9)], 'interface': 'eth0'}}
    plan = plan_groups([group('api179', 20)], others=[group('web', 10)], order=['web', 'api179'])
    assert _vrid(plan, 'api179') == 106 and list(plan['groups']) == ['api179']
    plan = plan_groups([group('api179', 20)], others=[group('web', 10)], order=['api179', 'web'])
    assert _vrid(plan, 'api179') == 105


def test_the_plan_of_many_groups_keeps_every_derived_vrid_as_today(inventory):
    # groups on separate L2s: no derived VRID moves, whatever the collisions of the names
    hostvars, groups = {}, {}
    for g in range(300):
        hostvars, groups = inventory(group='g%d_' % g, net='10.%d.%d.' % (g // 256, g % 256), base=(hostvars, groups),
                                     group_vars={'vrrp_vrid': None, 'vrrp_vips': ['10.%d.%d.69/24' % (g // 256, g % 256)]})
    plan = plan_from_inventory(list(groups), hostvars, _all(hostvars, groups), inventory_wide=True)
    assert plan['vrid_moves'] == []
    assert all(_vrid(plan, name) == derived_vrid(name) for name in groups)


# --- the index of assign_vrids against a pairwise search -------------------------------

def _l2(inst):
    nets = []
    for vip in inst.vips:
        net = netaddr.IPNetwork(vip)
        if net.prefixlen != 32:
            nets.append((net.prefixlen, net.first))
    return nets, [int(netaddr.IPAddress(a)) for a in inst.addresses.values()]


def _random_instances(rnd, size):
    out = []
    for k in range(size):
        hosts = rnd.sample(['h%d' % i for i in range(4 * size)], rnd.randint(2, 3))
        explicit = rnd.random() < 0.3
        derived = rnd.choice([7, 8, 9])
        inst = Instance(
            name='vi_%d' % k, group='g%d' % k, claim_name='vi_%d' % k, family='ipv4',
            interfaces=dict.fromkeys(hosts, rnd.choice(['eth0', 'eth1'])), members=hosts,
            vips=['198.18.%d.%d/%d' % (rnd.randint(0, 3), rnd.randint(1, 254), rnd.choice([24, 28, 32]))],
            addresses=dict((h, '198.18.%d.%d' % (rnd.randint(0, 3), rnd.randint(1, 254))) for h in hosts),
            vrid=rnd.choice([7, 8, 9]) if explicit else derived, candidate=None if explicit else derived,
        )
        inst.l2 = _l2(inst)
        out.append(inst)
    return out


def _with_vrid(inst, vrid):
    placed = copy.copy(inst)
    placed.vrid = vrid
    return placed


@pytest.mark.parametrize('seed', range(30))
def test_indexed_vrid_assignment_equals_a_pairwise_one(seed):
    rnd = random.Random(seed)
    instances = _random_instances(rnd, rnd.randint(2, 14))
    expected = {}
    placed = [i for i in instances if i.candidate is None]
    for inst in instances:
        if inst.candidate is None:
            continue
        taken = set(p.vrid for p in placed if _same_l2(p, inst))
        vrid = next((v - 1) % VRID_MAX + 1 for v in range(inst.candidate, inst.candidate + VRID_MAX)
                    if (v - 1) % VRID_MAX + 1 not in taken)
        expected[inst.name] = vrid
        placed.append(_with_vrid(inst, vrid))
    _assign_vrids(instances, {})
    assert dict((i.name, i.vrid) for i in instances if i.candidate is not None) == expected
