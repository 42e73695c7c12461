# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keepalived's live state (plugins/module_utils/vrrp_status.py), on dumps recorded from
real keepalived 2.2.7 (Debian 12, "bookworm") and 2.3.3 (Debian 13, "trixie") processes:
a unicast pair (MASTER, BACKUP), a BACKUP in FAULT (failing vrrp_script), a split brain
(PASS mismatch), two instances with one MASTER each (spread) and json_version 2.
See tests/unit/fixtures/keepalived/README.md for how they were recorded.
"""

from __future__ import absolute_import, division, print_function

import json
from pathlib import Path

import pytest

from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import (
    STATE_NAMES,
    StatusError,
    annotate_vips,
    parse_ip_json,
    parse_ip_oneline,
    parse_json_dump,
    parse_vip,
    state_name,
    summarize,
)
# the group's verdict runs on the controller; its tests use this file's recorded dumps
from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_verdict import group_verdict

FIXTURES = Path(__file__).resolve().parents[2] / 'fixtures' / 'keepalived'
SUITES = ('bookworm', 'trixie')
VIP = {'bookworm': '198.18.90.69/24', 'trixie': '198.18.90.79/24'}
VRID = {'bookworm': 90, 'trixie': 91}
DUMPS = sorted(p.name[:-len('.json')] for p in FIXTURES.glob('*.json') if '.ip.' not in p.name)


def dump_text(name):
    return (FIXTURES / ('%s.json' % name)).read_text()


def status(name):
    """Instances of a recorded dump, with the VIP check against the recorded `ip -j addr`."""
    instances = parse_json_dump(dump_text(name))
    return annotate_vips(instances, parse_ip_json((FIXTURES / ('%s.ip.json' % name)).read_text()))


def only(instances):
    assert len(instances) == 1, instances
    return instances[0]


def test_fixtures_are_all_there():
    for suite in SUITES:
        for kind in ('master', 'backup', 'fault', 'master-peer-fault', 'splitbrain-1',
                     'splitbrain-2', 'spread-1', 'spread-2'):
            assert '%s-%s' % (suite, kind) in DUMPS
    assert 'trixie-master-json-v2' in DUMPS


# --- one host's dump ------------------------------------------------------------------

@pytest.mark.parametrize('suite', SUITES)
def test_master_dump_reports_master_with_vip(suite):
    inst = only(status('%s-master' % suite))

    assert inst['name'] == 'vi_status'
    assert inst['vrid'] == VRID[suite]
    assert (inst['state'], inst['state_code'], inst['wanted_state']) == ('MASTER', 2, 'MASTER')
    assert (inst['priority'], inst['effective_priority']) == (101, 101)
    assert inst['interface'] == 'eth0'
    assert inst['vmac_interface'] is None
    assert inst['version'] == 2
    assert inst['advert_int'] == 1
    assert inst['vips'] == [VIP[suite]]
    assert inst['vip_entries'] == [{'address': VIP[suite], 'interface': 'eth0', 'set': True,
                                    'excluded': False}]
    assert inst['vips_set'] is True
    assert inst['vips_present'] == {VIP[suite]: True}
    assert inst['holds_vips'] is True
    assert inst['track_scripts'] == ['/usr/bin/true']
    assert inst['stats']['become_master'] == 1
    assert isinstance(inst['last_transition'], float)


@pytest.mark.parametrize('suite', SUITES)
def test_backup_dump_reports_backup_without_vip_and_hears_the_master(suite):
    inst = only(status('%s-backup' % suite))

    assert (inst['state'], inst['state_code']) == ('BACKUP', 1)
    assert (inst['priority'], inst['effective_priority']) == (100, 100)
    assert inst['master_priority'] == 101  # the last advert heard came from priority 101
    assert inst['vip_entries'][0]['set'] is False
    assert inst['vips_set'] is False
    assert inst['vips_present'] == {VIP[suite]: False}
    assert inst['holds_vips'] is False
    assert inst['stats']['advert_rcvd'] > 0
    assert inst['stats']['advert_sent'] == 0


@pytest.mark.parametrize('suite', SUITES)
def test_failing_vrrp_script_dump_reports_fault_without_vip(suite):
    inst = only(status('%s-fault' % suite))

    assert (inst['state'], inst['state_code'], inst['wanted_state']) == ('FAULT', 3, 'FAULT')
    assert inst['track_scripts'] == ['/usr/bin/true', '/usr/bin/false']
    assert inst['holds_vips'] is False


def test_both_versions_write_the_same_fields():
    """keepalived 2.2.7 and 2.3.3 differ in no field name of the JSON dump."""
    b = json.loads(dump_text('bookworm-master'))[0]
    t = json.loads(dump_text('trixie-master'))[0]
    assert sorted(b) == sorted(t) == ['data', 'stats']
    assert sorted(b['data']) == sorted(t['data'])
    assert sorted(b['stats']) == sorted(t['stats'])


def test_json_version_2_wraps_the_same_list():
    """trixie with `json_version 2` in global_defs writes {"vrrp": [...]}."""
    raw = json.loads(dump_text('trixie-master-json-v2'))
    assert sorted(raw) == ['vrrp']
    inst = only(parse_json_dump(raw))
    assert (inst['name'], inst['state'], inst['vrid']) == ('vi_status', 'MASTER', 91)


@pytest.mark.parametrize('name', DUMPS)
def test_vrrp_pass_password_is_never_copied_out(name):
    assert '"auth_data"' in dump_text(name) or 'spread' in name  # the raw dump has it (PASS)
    parsed = parse_json_dump(dump_text(name))
    assert 'statusrc' not in json.dumps(parsed)
    assert all('auth_data' not in inst for inst in parsed)


@pytest.mark.parametrize('suite', SUITES)
def test_spread_dump_has_two_instances_one_master_each(suite):
    first, second = status('%s-spread-1' % suite), status('%s-spread-2' % suite)
    assert [(i['name'], i['state'], i['holds_vips']) for i in first] == [
        ('vi_a', 'MASTER', True), ('vi_b', 'BACKUP', False)]
    assert [(i['name'], i['state'], i['holds_vips']) for i in second] == [
        ('vi_a', 'BACKUP', False), ('vi_b', 'MASTER', True)]
    assert summarize(first) == {'state': {'vi_a': 'MASTER', 'vi_b': 'BACKUP'},
                                'master_instances': ['vi_a']}


def test_state_numbers_follow_keepalived_vrrp_h():
    assert STATE_NAMES == {0: 'INIT', 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT', 97: 'DELETED',
                           98: 'STOP'}
    assert state_name(2) == 'MASTER'
    assert state_name('backup') == 'BACKUP'
    assert state_name(42) == 'UNKNOWN(42)'
    with pytest.raises(StatusError):
        state_name(None)


@pytest.mark.parametrize('text, expected', [
    pytest.param('198.18.90.69/24 dev eth0 scope global set',
                 {'address': '198.18.90.69/24', 'interface': 'eth0', 'set': True}, id='set'),
    pytest.param('198.18.90.69/24 dev eth0 scope global',
                 {'address': '198.18.90.69/24', 'interface': 'eth0', 'set': False}, id='not-set'),
    pytest.param('198.18.90.69/32 brd 198.18.90.69 dev eth1 scope global label eth1:vip set',
                 {'address': '198.18.90.69/32', 'interface': 'eth1', 'set': True}, id='brd-label'),
    pytest.param('2001:DB8:0::69/64 dev eth0 scope global',
                 {'address': '2001:db8::69/64', 'interface': 'eth0', 'set': False}, id='ipv6'),
    pytest.param('198.18.90.69', {'address': '198.18.90.69/32', 'interface': None, 'set': False},
                 id='bare'),
])
def test_parse_vip(text, expected):
    assert parse_vip(text) == expected


@pytest.mark.parametrize('text', ['', None, 'dev eth0', 'vip.example.com/24'])
def test_parse_vip_rejects_non_addresses(text):
    with pytest.raises(StatusError):
        parse_vip(text)


@pytest.mark.parametrize('text, phrase', [
    pytest.param(dump_text('bookworm-master')[:300], 'not valid JSON', id='truncated'),
    pytest.param('', 'empty', id='empty'),
    pytest.param('{"track_process": []}', 'without a "vrrp" list', id='v2-without-vrrp'),
    pytest.param('"MASTER"', 'not a list', id='scalar'),
    pytest.param('[{"stats": {}}]', 'without a "data" object', id='no-data'),
    pytest.param('[{"data": {"vrid": 1, "state": 2}}]', 'without "iname"', id='no-iname'),
    pytest.param('[{"data": {"iname": "vi_1", "state": "x"}}]', 'is not a number', id='bad-state'),
])
def test_broken_dump_is_a_status_error(text, phrase):
    with pytest.raises(StatusError) as err:
        parse_json_dump(text)
    assert phrase in str(err.value)


def test_dump_as_bytes_is_accepted():
    assert parse_json_dump(dump_text('trixie-backup').encode()) == parse_json_dump(dump_text('trixie-backup'))


# --- `ip addr` ------------------------------------------------------------------------

@pytest.mark.parametrize('name', DUMPS)
def test_ip_json_and_oneline_outputs_agree(name):
    from_json = parse_ip_json((FIXTURES / ('%s.ip.json' % name)).read_text())
    from_text = parse_ip_oneline((FIXTURES / ('%s.ip.txt' % name)).read_text())
    assert from_json == from_text
    assert from_json['lo'] == ['127.0.0.1/8']


def test_ip_output_of_the_master_lists_the_vip_as_second_address():
    addrs = parse_ip_json((FIXTURES / 'trixie-master.ip.json').read_text())
    assert addrs['eth0'] == ['198.18.90.21/24', '198.18.90.79/24']


def test_ip_parsers_handle_ipv6_and_peer_lines():
    text = ('1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n'
            '3: eth1    inet6 2001:db8:0:0::11/64 scope global \\       valid_lft forever\n'
            '4: ppp0    inet 10.0.0.1 peer 10.0.0.2/32 scope global ppp0\n'
            '5: eth2@if9    inet 192.0.2.1/24 scope global eth2\n')
    assert parse_ip_oneline(text) == {'lo': ['127.0.0.1/8'], 'eth1': ['2001:db8::11/64'],
                                      'ppp0': ['10.0.0.1/32'], 'eth2': ['192.0.2.1/24']}
    links = [{'ifname': 'eth1', 'addr_info': [
        {'family': 'inet6', 'local': '2001:db8::11', 'prefixlen': 64},
        {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'}]},
        {'ifname': 'eth3', 'addr_info': []}]
    assert parse_ip_json(json.dumps(links)) == {'eth1': ['2001:db8::11/64', 'fe80::1/64'],
                                                'eth3': []}


def test_ip_json_garbage_is_a_status_error():
    with pytest.raises(StatusError):
        parse_ip_json('Option "-j" is unknown')


# --- VIP presence ---------------------------------------------------------------------

def test_master_state_without_its_vip_on_the_interface_does_not_hold_vips():
    """The MASTER's dump read against the BACKUP's addresses: keepalived says MASTER,
    but the VIP is not there."""
    inst = only(annotate_vips(parse_json_dump(dump_text('bookworm-master')),
                              parse_ip_json((FIXTURES / 'bookworm-backup.ip.json').read_text())))
    assert inst['state'] == 'MASTER'
    assert inst['vips_set'] is True  # keepalived's own belief
    assert inst['vips_present'] == {'198.18.90.69/24': False}
    assert inst['holds_vips'] is False


def test_vip_on_another_interface_does_not_count():
    inst = only(annotate_vips(parse_json_dump(dump_text('bookworm-master')),
                              {'eth1': ['198.18.90.69/24'], 'eth0': ['198.18.90.11/24']}))
    assert inst['holds_vips'] is False


def test_vip_without_dev_is_looked_for_on_the_vmac_interface():
    inst = parse_json_dump(json.dumps([{'data': {
        'iname': 'vi_1', 'state': 2, 'ifp_ifname': 'eth0', 'vmac_ifname': 'vrrp.51',
        'vips': ['2001:db8::69/64 scope global set'], 'evips': ['192.0.2.9/32']}}]))
    annotate_vips(inst, {'vrrp.51': ['2001:db8:0::69/64', '192.0.2.9/32'], 'eth0': []})
    assert inst[0]['vips'] == ['2001:db8::69/64']
    assert inst[0]['excluded_vips'] == ['192.0.2.9/32']
    assert inst[0]['vips_present'] == {'2001:db8::69/64': True, '192.0.2.9/32': True}
    assert inst[0]['holds_vips'] is True


def test_instance_without_vips_holds_none():
    inst = annotate_vips(parse_json_dump('[{"data": {"iname": "vi_1", "state": 2}}]'), {})
    assert (inst[0]['vips_present'], inst[0]['holds_vips']) == ({}, False)


# --- a group ----------------------------------------------------------------------------

@pytest.mark.parametrize('suite', SUITES)
def test_recorded_pair_has_exactly_one_master(suite):
    verdict = group_verdict({'web1': status('%s-master' % suite), 'web2': status('%s-backup' % suite)})
    assert verdict == {'vi_status': {
        'verdict': 'one_master', 'masters': ['web1'],
        'states': {'web1': 'MASTER', 'web2': 'BACKUP'}, 'missing': [],
        'vip_holders': ['web1'], 'vips_consistent': True}}


@pytest.mark.parametrize('suite', SUITES)
def test_recorded_pass_mismatch_is_split_brain_with_both_masters(suite):
    verdict = group_verdict({'web1': status('%s-splitbrain-1' % suite),
                             'web2': status('%s-splitbrain-2' % suite)})['vi_status']
    assert verdict['verdict'] == 'split_brain'
    assert verdict['masters'] == ['web1', 'web2']
    assert verdict['vip_holders'] == ['web1', 'web2']
    # each MASTER holds what a MASTER should: the VIP check agrees with the states
    assert verdict['vips_consistent'] is True


@pytest.mark.parametrize('suite', SUITES)
def test_recorded_master_with_faulty_peer_is_one_master(suite):
    verdict = group_verdict({'web1': status('%s-master-peer-fault' % suite),
                             'web2': status('%s-fault' % suite)})['vi_status']
    assert (verdict['verdict'], verdict['masters']) == ('one_master', ['web1'])
    assert verdict['states'] == {'web1': 'MASTER', 'web2': 'FAULT'}


def test_backup_and_fault_only_is_no_master():
    verdict = group_verdict({'web1': status('bookworm-fault'), 'web2': status('bookworm-backup')})
    assert verdict['vi_status']['verdict'] == 'no_master'
    assert verdict['vi_status']['masters'] == []
    assert verdict['vi_status']['vip_holders'] == []
    assert verdict['vi_status']['vips_consistent'] is True


@pytest.mark.parametrize('suite', SUITES)
def test_recorded_spread_gives_each_instance_its_own_master(suite):
    verdict = group_verdict({'web1': status('%s-spread-1' % suite), 'web2': status('%s-spread-2' % suite)})
    assert list(verdict) == ['vi_a', 'vi_b']
    assert (verdict['vi_a']['verdict'], verdict['vi_a']['masters']) == ('one_master', ['web1'])
    assert (verdict['vi_b']['verdict'], verdict['vi_b']['masters']) == ('one_master', ['web2'])
    assert verdict['vi_b']['vip_holders'] == ['web2']


def test_backup_still_holding_the_vip_is_not_consistent():
    """As after `kill -9` of an old MASTER that restarted as BACKUP: the dump says BACKUP,
    the address is still on eth0."""
    backup = annotate_vips(parse_json_dump(dump_text('bookworm-backup')),
                           parse_ip_json((FIXTURES / 'bookworm-master.ip.json').read_text()))
    verdict = group_verdict({'web1': status('bookworm-master'), 'web2': backup})['vi_status']
    assert verdict['verdict'] == 'one_master'
    assert verdict['vip_holders'] == ['web1', 'web2']
    assert verdict['vips_consistent'] is False


def test_host_without_keepalived_is_missing_not_a_master():
    not_running = {'changed': False, 'running': False, 'pid': None, 'instances': [], 'state': {}}
    skipped = {'changed': False, 'skipped': True, 'skip_reason': 'Conditional result was False'}
    verdict = group_verdict({'web1': {'running': True, 'instances': status('trixie-master')},
                             'web2': not_running, 'web3': skipped, 'web4': None})['vi_status']
    assert verdict['verdict'] == 'one_master'
    assert verdict['states'] == {'web1': 'MASTER'}
    assert verdict['missing'] == ['web2', 'web3', 'web4']


def test_vips_consistent_is_unknown_without_the_address_check():
    plain = {'web1': parse_json_dump(dump_text('trixie-master')),
             'web2': parse_json_dump(dump_text('trixie-backup'))}
    verdict = group_verdict(plain)['vi_status']
    assert verdict['verdict'] == 'one_master'
    assert (verdict['vip_holders'], verdict['vips_consistent']) == ([], None)


def test_raw_keepalived_dumps_and_pair_lists_are_accepted():
    raw1, raw2 = json.loads(dump_text('trixie-master-json-v2')), json.loads(dump_text('trixie-backup'))
    verdict = group_verdict([('web1', raw1), ('web2', raw2)])
    assert verdict['vi_status']['masters'] == ['web1']
    assert verdict['vi_status']['states'] == {'web1': 'MASTER', 'web2': 'BACKUP'}


def test_empty_group_has_no_verdict():
    assert group_verdict({}) == {}
    assert group_verdict({'web1': [], 'web2': []}) == {}


@pytest.mark.parametrize('value, phrase', [
    pytest.param('web1', 'expected a dict host -> status', id='string'),
    pytest.param([('web1',)], 'list of (host, status) pairs', id='bad-pairs'),
    pytest.param({'web1': 'MASTER'}, 'host web1: expected a list of instances', id='string-status'),
    pytest.param({'web1': [{'name': 'vi_1'}]}, 'host web1: instance', id='no-state'),
])
def test_bad_group_input_is_a_status_error(value, phrase):
    with pytest.raises(StatusError) as err:
        group_verdict(value)
    assert phrase in str(err.value)


DATA_DUMP = '''------< VRRP Topology >------
 VRRP Instance = vi_web
   VRRP Version = 2
   State = BACKUP
   Master router = 198.18.77.99
   Master priority = 150
 VRRP Instance = vi_api
   State = MASTER
'''


def test_the_text_dump_names_the_master_of_each_backup_instance():
    from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import parse_text_dump
    assert parse_text_dump(DATA_DUMP, ['vi_web', 'vi_api']) == {
        'vi_web': {'master_address': '198.18.77.99', 'unicast_src_ip': None, 'unicast_peers': []},
        'vi_api': {'master_address': None, 'unicast_src_ip': None, 'unicast_peers': []}}


@pytest.mark.parametrize('fixture, expected', [
    ('bookworm-backup.data.txt', {'master_address': '198.18.27.12', 'unicast_src_ip': '198.18.27.13',
                                  'unicast_peers': ['198.18.27.12']}),
    ('trixie-master.data.txt', {'master_address': None, 'unicast_src_ip': '198.18.27.12',
                                'unicast_peers': ['198.18.27.13']}),
])
def test_a_recorded_text_dump_gives_the_master_the_source_and_the_peers(fixture, expected):
    from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import parse_text_dump
    text = (FIXTURES / fixture).read_text()
    assert parse_text_dump(text, ['vi_web']) == {'vi_web': expected}


def test_a_text_dump_without_every_instance_is_not_complete():
    from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import parse_text_dump
    with pytest.raises(StatusError):
        parse_text_dump(DATA_DUMP.split(' VRRP Instance = vi_api', maxsplit=1)[0], ['vi_web', 'vi_api'])
