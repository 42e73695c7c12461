# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module failover.keepalived.vrrp_status, run as Ansible runs it (main(), JSON on
stdout), with the host faked: a /proc tree in a temporary directory (the keepalived
process's comm, environ, exe and root), a pid file, `keepalived --signum/--version` and
`ip` answered from the recordings in tests/unit/fixtures/keepalived, and os.kill
replaced by "keepalived writes its recorded dump where it would".
"""

from __future__ import absolute_import, division, print_function

import errno
import json
import os
from pathlib import Path

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.failover.keepalived.plugins.module_utils import vrrp_status as status_utils
from ansible_collections.failover.keepalived.plugins.modules import vrrp_status as mod

FIXTURES = Path(__file__).resolve().parents[2] / 'fixtures' / 'keepalived'
PID = 4242
JSON_SIGNAL = 36


class FakeHost:
    """A host with keepalived (pid PID) whose /proc lives under tmp_path/proc."""

    def __init__(self, tmp_path, monkeypatch, dump='bookworm-master', ip=None, tmpdir='/tmp',
                 comm='keepalived', ip_json_works=True, signum_out='%d\n' % JSON_SIGNAL):
        self.tmp = tmp_path
        self.proc = tmp_path / 'proc'
        self.rootfs = tmp_path / 'rootfs'  # keepalived's own view of / (PrivateTmp lives here)
        self.pid_file = tmp_path / 'run' / 'keepalived.pid'
        self.dump = dump
        self.ip = ip or dump
        self.tmpdir = tmpdir
        self.ip_json_works = ip_json_works
        self.signum_out = signum_out
        self.kill_action = self.write_dump
        self.kills = []
        self.commands = []
        self.warnings = []  # AnsibleModule.warn (in a controller process it only displays)

        piddir = self.proc / str(PID)
        piddir.mkdir(parents=True)
        (piddir / 'comm').write_text(comm + '\n')
        env = [b'LANG=C.UTF-8', b'NOTIFY_SOCKET=/run/systemd/notify']
        if tmpdir != '/tmp':
            env.append(('TMPDIR=%s' % tmpdir).encode())
        (piddir / 'environ').write_bytes(b'\0'.join(env) + b'\0')
        binary = tmp_path / 'sbin' / 'keepalived'
        binary.parent.mkdir()
        binary.write_text('#!/bin/sh\n')
        binary.chmod(0o755)
        self.binary = str(binary)
        os.symlink(self.binary, str(piddir / 'exe'))
        (self.rootfs / tmpdir.lstrip('/')).mkdir(parents=True)
        os.symlink(str(self.rootfs), str(piddir / 'root'))
        self.pid_file.parent.mkdir()
        self.pid_file.write_text('%d\n' % PID)

        monkeypatch.setattr(status_utils, 'PROC', str(self.proc))
        monkeypatch.setattr(status_utils, 'POLL_INTERVAL', 0.01)
        monkeypatch.setattr(mod.os, 'kill', self.kill)
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', self.get_bin_path)
        monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda module, msg, *a, **kw: self.warnings.append(msg))

    @property
    def dump_inside(self):
        """Where keepalived writes, seen from the host: inside its root."""
        return self.rootfs / self.tmpdir.lstrip('/') / 'keepalived.json'

    def write_dump(self):
        self.dump_inside.write_text((FIXTURES / ('%s.json' % self.dump)).read_text())

    def kill(self, pid, sig):
        self.kills.append((pid, sig))
        if pid != PID:
            raise OSError(errno.ESRCH, 'No such process')
        if self.kill_action is not None:
            self.kill_action()

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return {'ip': '/usr/sbin/ip', 'keepalived': self.binary}.get(name)

    def run_command(self, args, **kwargs):
        self.commands.append(list(args))
        if args[0] == self.binary and args[1] == '--signum=JSON':
            return 0, self.signum_out, ''
        if args[0] == self.binary and args[1] == '--version':
            return 0, '', 'Keepalived v2.2.7 (01/16,2022)\n\nCopyright(C) 2001-2022 Alexandre Cassen\n'
        if args[:3] == ['/usr/sbin/ip', '-j', 'addr']:
            if not self.ip_json_works:
                return 255, '', 'Option "-j" is unknown, try "ip -help".\n'
            return 0, (FIXTURES / ('%s.ip.json' % self.ip)).read_text(), ''
        if args[:3] == ['/usr/sbin/ip', '-o', 'addr']:
            return 0, (FIXTURES / ('%s.ip.txt' % self.ip)).read_text(), ''
        raise AssertionError('unexpected command %r' % (args,))

    def run(self, capsys, **args):
        args.setdefault('pid_file', str(self.pid_file))
        with patch_module_args(args):
            with pytest.raises(SystemExit) as exc:
                mod.main()
        result = json.loads(capsys.readouterr().out)
        result['_rc'] = exc.value.code
        return result


@pytest.fixture
def host(tmp_path, monkeypatch):
    def make(**kwargs):
        return FakeHost(tmp_path, monkeypatch, **kwargs)
    return make


def _only(result):
    assert len(result['instances']) == 1, result['instances']
    return result['instances'][0]


# --- keepalived runs --------------------------------------------------------------------

def test_bookworm_master_run_reports_master_holding_its_vip(host, capsys):
    h = host(dump='bookworm-master')
    result = h.run(capsys)

    assert result['_rc'] == 0
    assert result['changed'] is False
    assert 'failed' not in result
    assert (result['running'], result['pid']) == (True, PID)
    assert result['keepalived_version'] == '2.2.7'
    assert result['dump_signal'] == JSON_SIGNAL
    assert h.kills == [(PID, JSON_SIGNAL)]
    assert result['state'] == {'vi_status': 'MASTER'}
    assert result['master_instances'] == ['vi_status']
    inst = _only(result)
    assert (inst['name'], inst['vrid'], inst['priority']) == ('vi_status', 90, 101)
    assert inst['vips'] == ['198.18.90.69/24']
    assert inst['vips_present'] == {'198.18.90.69/24': True}
    assert inst['holds_vips'] is True


def test_trixie_backup_run_reports_backup_without_the_vip(host, capsys):
    result = host(dump='trixie-backup').run(capsys)

    assert result['state'] == {'vi_status': 'BACKUP'}
    assert result['master_instances'] == []
    inst = _only(result)
    assert (inst['vrid'], inst['priority'], inst['master_priority']) == (91, 100, 101)
    assert inst['vips_present'] == {'198.18.90.79/24': False}
    assert inst['holds_vips'] is False


def test_fault_run_reports_fault(host, capsys):
    result = host(dump='trixie-fault').run(capsys)
    assert result['state'] == {'vi_status': 'FAULT'}
    assert _only(result)['track_scripts'] == ['/usr/bin/true', '/usr/bin/false']


def test_spread_run_reports_both_instances(host, capsys):
    result = host(dump='bookworm-spread-2').run(capsys)
    assert result['state'] == {'vi_a': 'BACKUP', 'vi_b': 'MASTER'}
    assert result['master_instances'] == ['vi_b']
    assert [i['holds_vips'] for i in result['instances']] == [False, True]


def test_dump_is_read_inside_keepalived_root_as_with_private_tmp(host, capsys):
    """Under PrivateTmp=yes the file is only in keepalived's own /tmp: /proc/PID/root/tmp."""
    h = host(dump='bookworm-backup')
    result = h.run(capsys)
    assert result['dump_file'] == os.path.join(str(h.proc), str(PID), 'root', 'tmp', 'keepalived.json')
    assert result['state'] == {'vi_status': 'BACKUP'}


def test_tmpdir_of_the_keepalived_process_is_followed(host, capsys):
    h = host(dump='trixie-master', tmpdir='/run/keepalived-tmp')
    result = h.run(capsys)
    assert result['dump_file'].endswith('/root/run/keepalived-tmp/keepalived.json')
    assert result['state'] == {'vi_status': 'MASTER'}


def test_json_version_2_dump_is_read(host, capsys):
    result = host(dump='trixie-master-json-v2').run(capsys)
    assert result['state'] == {'vi_status': 'MASTER'}
    assert _only(result)['holds_vips'] is True


def test_password_is_not_in_the_result(host, capsys):
    h = host(dump='bookworm-master')
    result = h.run(capsys)
    assert 'statusrc' in (FIXTURES / 'bookworm-master.json').read_text()
    assert 'statusrc' not in json.dumps(result)
    assert _only(result)['auth_type'] == 1


def test_check_mode_reads_the_state_all_the_same(host, capsys):
    h = host(dump='bookworm-master')
    result = h.run(capsys, _ansible_check_mode=True)
    assert result['changed'] is False
    assert result['state'] == {'vi_status': 'MASTER'}
    assert h.kills == [(PID, JSON_SIGNAL)]


def test_stale_dump_is_removed_before_the_signal(host, capsys):
    """An old dump (here: a split-brain MASTER) must not be taken for the answer."""
    h = host(dump='bookworm-backup')
    h.dump_inside.write_text((FIXTURES / 'bookworm-splitbrain-2.json').read_text())
    result = h.run(capsys)
    assert result['state'] == {'vi_status': 'BACKUP'}


def test_ip_without_json_output_falls_back_to_oneline(host, capsys):
    h = host(dump='trixie-master', ip_json_works=False)
    result = h.run(capsys)
    assert _only(result)['vips_present'] == {'198.18.90.79/24': True}
    assert ['/usr/sbin/ip', '-o', 'addr', 'show'] in h.commands


def test_without_address_check_vip_presence_is_unknown(host, capsys):
    h = host(dump='trixie-master')
    result = h.run(capsys, check_addresses=False)
    inst = _only(result)
    assert (inst['vips_present'], inst['holds_vips']) == ({}, None)
    assert not [c for c in h.commands if c[0] == '/usr/sbin/ip']


def test_ip_command_missing_warns_and_leaves_presence_unknown(host, capsys, monkeypatch):
    h = host(dump='trixie-master')
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None: h.binary if name == 'keepalived' else None)
    result = h.run(capsys)
    assert _only(result)['holds_vips'] is None
    assert any('VIP presence not checked' in w for w in h.warnings)


# --- keepalived does not run ----------------------------------------------------------

def test_not_running_without_pid_file_is_not_a_failure(host, capsys):
    h = host()
    h.pid_file.unlink()
    result = h.run(capsys)
    assert result['_rc'] == 0
    assert 'failed' not in result
    assert (result['running'], result['pid'], result['instances'], result['state']) == (False, None, [], {})
    assert 'no pid file' in result['msg']
    assert h.kills == []


def test_not_running_with_require_running_fails(host, capsys):
    h = host()
    h.pid_file.unlink()
    result = h.run(capsys, require_running=True)
    assert result['_rc'] == 1
    assert result['failed'] is True
    assert 'keepalived is not running: no pid file' in result['msg']
    assert 'is the service started?' in result['msg']


def test_stale_pid_file_of_another_process_is_not_running_with_a_warning(host, capsys):
    h = host(comm='bash')
    result = h.run(capsys)
    assert result['running'] is False
    assert h.kills == []
    assert any('process %d is bash, not keepalived' % PID in w for w in h.warnings)


def test_stale_pid_file_of_a_dead_process_is_not_running(host, capsys):
    h = host()
    h.pid_file.write_text('%d\n' % (PID + 1))
    result = h.run(capsys)
    assert result['running'] is False
    assert 'no process %d' % (PID + 1) in result['msg']


def test_garbage_pid_file_is_not_running(host, capsys):
    h = host()
    h.pid_file.write_text('keepalived\n')
    result = h.run(capsys)
    assert result['running'] is False
    assert 'not a pid' in result['msg']


# --- failures -------------------------------------------------------------------------

def test_timeout_waiting_for_the_dump_fails_with_actionable_msg(host, capsys):
    h = host()
    h.kill_action = None  # keepalived never writes
    result = h.run(capsys, timeout=0.2)
    assert result['failed'] is True
    assert result['running'] is True
    msg = result['msg']
    assert 'keepalived (pid %d) did not write a complete' % PID in msg
    assert 'within 0.2 s after signal 36' in msg
    assert 'journalctl -u keepalived' in msg


def test_truncated_dump_times_out_saying_why(host, capsys):
    h = host()

    def half():
        h.dump_inside.write_text((FIXTURES / 'bookworm-master.json').read_text()[:200])
    h.kill_action = half
    result = h.run(capsys, timeout=0.1)
    assert result['failed'] is True
    assert 'is not usable: the JSON dump is not valid JSON' in result['msg']


def test_partial_dump_is_read_again_until_complete(tmp_path):
    path = tmp_path / 'keepalived.json'
    full = (FIXTURES / 'trixie-master.json').read_text()
    path.write_text(full[:100])
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        path.write_text(full)
    instances, why = status_utils.wait_for_dump(str(path), 5, sleep=sleep)
    assert why is None
    assert [i['state'] for i in instances] == ['MASTER']
    assert len(sleeps) == 1


def test_wait_is_bounded_by_the_timeout(tmp_path):
    clock = iter(range(100)).__next__
    instances, why = status_utils.wait_for_dump(str(tmp_path / 'never.json'), 3, sleep=lambda s: None, clock=clock)
    assert (instances, why) == (None, None)


def test_signal_not_permitted_tells_to_become_root(host, capsys):
    h = host()

    def denied():
        raise OSError(errno.EPERM, 'Operation not permitted')
    h.kill_action = denied
    result = h.run(capsys)
    assert result['failed'] is True
    assert 'cannot send signal 36 to keepalived (pid %d): Operation not permitted' % PID in result['msg']
    assert 'become: true' in result['msg']


def test_keepalived_gone_between_pid_file_and_signal_is_not_running(host, capsys):
    h = host()

    def gone():
        raise OSError(errno.ESRCH, 'No such process')
    h.kill_action = gone
    result = h.run(capsys)
    assert result['_rc'] == 0
    assert result['running'] is False
    assert 'stopped while being asked' in result['msg']


def test_keepalived_without_json_support_fails_clearly(host, capsys):
    h = host(signum_out='')
    result = h.run(capsys)
    assert result['failed'] is True
    assert '--signum=JSON' in result['msg']
    assert '--enable-json' in result['msg']
    assert h.kills == []


def test_negative_timeout_is_refused(host, capsys):
    result = host().run(capsys, timeout=-1)
    assert result['failed'] is True
    assert 'timeout must be 0 or more' in result['msg']


# --- expect and wait: the keepalived role's wait for the planned states -------------------

PLANNED_MASTER = [{'name': 'vi_status', 'state': 'MASTER', 'nopreempt': False, 'priority': 101}]


def test_expected_states_reached_at_once_cost_one_reading(host, capsys):
    h = host(dump='bookworm-master')
    result = h.run(capsys, expect=PLANNED_MASTER, wait=5)
    assert result['_rc'] == 0 and result['mismatches'] == []
    assert h.kills == [(PID, JSON_SIGNAL)]
    assert result['waited'] < 1


def test_without_wait_a_mismatch_is_reported_after_one_reading(host, capsys):
    h = host(dump='trixie-backup')
    planned = [{'name': 'vi_status', 'state': 'MASTER'}]
    result = h.run(capsys, expect=planned)
    assert result['_rc'] == 0 and 'failed' not in result
    assert result['mismatches'] == ['vi_status: MASTER planned, BACKUP now']
    assert len(h.kills) == 1


def test_wait_reads_again_until_the_planned_state_is_reached(host, capsys, monkeypatch):
    monkeypatch.setattr(mod, 'WAIT_INTERVAL', 0.01)
    h = host(dump='trixie-backup')
    planned = [{'name': 'vi_status', 'state': 'MASTER'}]

    def becomes_master_on_the_third_reading():
        if len(h.kills) == 3:
            h.dump = 'bookworm-master'
        h.write_dump()
    h.kill_action = becomes_master_on_the_third_reading
    result = h.run(capsys, expect=planned, wait=5)
    assert result['mismatches'] == [] and result['state'] == {'vi_status': 'MASTER'}
    assert len(h.kills) == 3


def test_wait_is_bounded_and_reports_what_was_not_reached(host, capsys, monkeypatch):
    monkeypatch.setattr(mod, 'WAIT_INTERVAL', 0.05)
    h = host(dump='trixie-backup')
    result = h.run(capsys, expect=[{'name': 'vi_status', 'state': 'MASTER'}], wait=0.3)
    assert result['_rc'] == 0
    assert result['mismatches'] == ['vi_status: MASTER planned, BACKUP now']
    assert 0.3 <= result['waited'] < 2
    assert 2 <= len(h.kills) <= 8


def test_wait_counts_keepalived_not_running_yet_as_a_mismatch(host, capsys, monkeypatch):
    monkeypatch.setattr(mod, 'WAIT_INTERVAL', 0.01)
    h = host(dump='bookworm-master')
    h.pid_file.unlink()
    result = h.run(capsys, expect=PLANNED_MASTER, wait=0.05)
    assert result['_rc'] == 0 and result['running'] is False
    assert len(result['mismatches']) == 1 and 'keepalived is not running: no pid file' in result['mismatches'][0]
    assert h.kills == []


@pytest.mark.parametrize('expect', [[{'state': 'MASTER'}], [{'name': 'vi_status', 'state': 'FAULT'}]])
def test_expect_needs_a_name_and_a_planned_state(host, capsys, expect):
    result = host().run(capsys, expect=expect)
    assert result['_rc'] == 1 and 'needs a name and a state (MASTER or BACKUP)' in result['msg']


def test_ip_json_output_that_does_not_parse_falls_back_to_oneline(host, capsys, monkeypatch):
    h = host(dump='bookworm-master')
    real = h.run_command

    def garbage_json(args, **kwargs):
        if args[:3] == ['/usr/sbin/ip', '-j', 'addr']:
            h.commands.append(list(args))
            return 0, '[{"ifname": ', ''
        return real(args, **kwargs)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda module, args, **kw: garbage_json(args, **kw))
    result = h.run(capsys)
    assert result['_rc'] == 0
    assert _only(result)['vips_present'] == {'198.18.90.69/24': True}
    assert ['/usr/sbin/ip', '-o', 'addr', 'show'] in h.commands
