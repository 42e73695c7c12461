# -*- coding: utf-8 -*-
"""The VRRP options, events, notifications and extra lines of issue 29: each lands where
keepalived reads it (keepalived -t accepts the result: test_keepalived_accepts.py), none is
written unless set, and a bad value stops the run before any host changes, naming the host
and the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import STAND_IN, TOP, check, render
from keepalived_conf import options, parse

EVERY_OPTION = Path(__file__).resolve().parent / 'inventories' / 'every_option.yml'


@pytest.fixture(scope='module')
def every_option(tmp_path_factory):
    return render(EVERY_OPTION, tmp_path_factory.mktemp('every_option'), extra_vars=STAND_IN)


def blocks(parsed, keyword):
    """{name: options} of the top-level blocks named keyword."""
    return dict((args[0], dict((k, c if c is not None else a) for k, a, c in children))
                for k, args, children in parsed if k == keyword)


def test_global_options_are_in_global_defs(every_option):
    glob = options(parse(every_option['o1']), 'global_defs')
    assert glob['notify_fifo'] == ('/run/failover-keepalived/events.fifo',)
    assert glob['vrrp_startup_delay'] == ('1.5',)
    assert glob['notification_email'] == (('oncall@example.org', (), None), ('ops@example.org', (), None))
    assert glob['notification_email_from'] == ('keepalived@example.org',)
    assert glob['smtp_server'] == ('198.18.29.25', '2525')
    # the extra lines, as they are; the notify command needs the script user too
    assert glob['max_auto_priority'] == ('10',) and glob['vrrp_garp_interval'] == ('0.001',)
    assert glob['script_user'] == ('nobody',) and 'enable_script_security' in glob


def test_trackers_are_defined_once_and_followed_by_every_instance(every_option):
    parsed = parse(every_option['o2'])
    # the maintenance flag: a check that the file does not exist (touch drains, rm returns)
    assert blocks(parsed, 'track_file') == {}
    check = blocks(parsed, 'vrrp_script')['chk_maintenance']
    assert check['script'] == ('"/usr/bin/test', '-e', '/etc/keepalived/maintenance"')
    assert (check['weight'], check['fall'], check['rise']) == (('0', 'reverse'), ('1',), ('1',))
    # down until a first check says the flag is there: no FAULT at a start or reload
    assert 'init_fail' in check
    processes = blocks(parsed, 'vrrp_track_process')
    assert processes['process_apache2'] == {'process': ('apache2',), 'weight': ('0',), 'quorum': ('1',), 'delay': ('0.5',)}
    assert processes['process_sshd'] == {'process': ('sshd',), 'weight': ('-10',), 'quorum': ('1',)}
    inst = options(parsed, 'vrrp_instance')
    assert inst['track_interface'] == (('eth1', ('weight', '-20'), None),)
    assert ('chk_maintenance', (), None) in inst['track_script'] and 'track_file' not in inst
    assert inst['track_process'] == (('process_apache2', (), None), ('process_sshd', (), None))


@pytest.mark.parametrize('host', ['o1', 'o2'])
def test_instance_options_and_preempt_delay_start_every_host_as_backup(every_option, host):
    inst = options(parse(every_option[host]), 'vrrp_instance')
    # keepalived ignores preempt_delay with initial state MASTER ("-t" fails on it)
    assert inst['state'] == ('BACKUP',)
    assert inst['preempt_delay'] == ('2.5',)
    assert (inst['garp_master_delay'], inst['garp_master_repeat'], inst['garp_master_refresh'],
            inst['garp_master_refresh_repeat']) == (('3',), ('2',), ('60',), ('1',))
    assert inst['notify'] == ('"/usr/local/bin/failover-hook', '--label', 'web"')
    assert 'smtp_alert' in inst
    assert inst['virtual_routes'] == (('198.18.128.0/24', ('via', '198.18.29.1', 'dev', 'eth0'), None),)


def test_priorities_still_come_from_the_plan_with_every_host_backup(every_option):
    prio = dict((h, options(parse(t), 'vrrp_instance')['priority']) for h, t in every_option.items())
    assert prio == {'o1': ('101',), 'o2': ('100',)}


def test_the_seed_with_defaults_gets_none_of_the_new_options(seed_rendered):
    for text in seed_rendered.values():
        for keyword in ('global_defs', 'notify', 'preempt_delay', 'garp_', 'track_', 'smtp', 'startup_delay'):
            assert keyword not in text


def test_keepalived_rejects_an_extra_line_it_does_not_know(netns, every_option, tmp_path):
    """The extra lines pass the lexical checks; keepalived -t is what catches a wrong one,
    before the file would replace the one in use."""
    text = every_option['o1'].replace('    max_auto_priority 10\n', '    max_auto_priority 10\n    no_such_option 1\n')
    path = tmp_path / 'keepalived.conf'
    path.write_text(text)
    result = check(netns, path)
    assert result.returncode != 0
    assert 'no_such_option' in result.stdout + result.stderr


@pytest.mark.parametrize('variable, value, message', [
    ('keepalived_preempt_delay', 1001, 'is not 0 to 1000 seconds'),
    ('keepalived_garp_master_repeat', 0, 'is not 1 or more gratuitous ARPs'),
    ('keepalived_garp_master_delay', -1, 'is not 0 or more seconds'),
    ('keepalived_track_interfaces', [{'name': 'eth 1'}], 'holds a blank'),
    ('keepalived_track_interfaces', [{'name': 'eth0'}], 'is the VRRP interface of an instance'),
    ('keepalived_track_interfaces', [{'name': 'eth1', 'weight': 300}], 'has a weight outside -253 to 253'),
    ('keepalived_maintenance_file', 'maintenance', 'is not an absolute path'),
    ('keepalived_maintenance_file', '/etc/keepalived/main tenance', 'is not an absolute path without blanks'),
    ('keepalived_track_processes', [{'process': 'a"b'}], 'holds a blank, a quote'),
    ('keepalived_track_processes', [{'process': 'x'}, {'process': 'x'}], 'names a process twice'),
    ('keepalived_track_processes', [{'process': 'x', 'quorum': 0}], 'a quorum of 1 or more'),
    ('keepalived_vrrp_startup_delay', -1, 'is not 0 (none) or more seconds'),
    ('keepalived_events_user', 'root', 'is not the name of a dedicated unprivileged user'),
    ('keepalived_notify_command', 'hook.sh', 'does not start with an absolute path'),
    ('keepalived_notify_command', '/bin/hook "x" \nroot', 'holds a quote, a backslash or a line break'),
    ('keepalived_notification_email', ['ops'], 'is not an e-mail address'),
    ('keepalived_smtp_server', '', 'needs the SMTP server'),
    ('keepalived_smtp_port', 0, 'is not a port'),
    ('keepalived_global_defs_extra', ['max_auto_priority 10 # comment'], 'holds a blank, a quote'),
    ('keepalived_global_defs_extra', ['a\nb'], 'holds a line break'),
    ('keepalived_vrrp_instance_extra', ['virtual_routes {'], 'does not close each block it opens'),
    ('keepalived_vrrp_instance_extra', ['}', 'vrrp_instance x {'], 'does not close each block it opens'),
])
def test_a_bad_option_stops_the_run_naming_host_and_variable(tmp_path, variable, value, message):
    with pytest.raises(AssertionError) as err:
        render(EVERY_OPTION, tmp_path, extra_vars=dict(STAND_IN, **{variable: value}))
    text = str(err.value)
    assert 'host o1: %s: ' % variable in text and message in text, text[-1500:]


def test_metrics_need_events(tmp_path):
    with pytest.raises(AssertionError) as err:
        render(TOP / 'inventories' / 'seed', tmp_path, extra_vars=dict(STAND_IN, keepalived_metrics=True))
    assert 'host web1: keepalived_metrics: true needs keepalived_events: true' in str(err.value)
