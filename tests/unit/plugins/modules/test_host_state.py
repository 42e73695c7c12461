# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module failover.keepalived.host_state: what it reports of files, packages, units
and users, and that it is what the roles compare with what a task would write."""

from __future__ import absolute_import, division, print_function

import grp
import hashlib
import json
import os
import pwd

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.failover.keepalived.plugins.modules import host_state as mod


def run_module(monkeypatch, args, commands=None):
    """main() with args; run_command answered from commands {tool basename: (rc, out)}."""
    calls = []

    def fake_get_bin_path(self, name, *a, **kw):
        return '/usr/bin/' + name if name in (commands or {}) else None

    def fake_run_command(self, argv, *a, **kw):
        calls.append(argv)
        rc, out = commands[os.path.basename(argv[0])]
        return rc, out, ''

    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', fake_get_bin_path)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', fake_run_command)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            mod.main()
    assert exc.value.code == 0
    return calls


@pytest.fixture
def result(capsys):
    def read():
        return json.loads(capsys.readouterr().out)
    return read


def test_file_reports_the_checksum_a_template_of_that_content_would_have(tmp_path, monkeypatch, result):
    path = tmp_path / 'keepalived.conf'
    path.write_bytes(b'vrrp_instance vi_1 {\n}\n')
    path.chmod(0o640)
    run_module(monkeypatch, {'files': [str(path)]})
    state = result()['files'][str(path)]
    assert state == {
        'exists': True,
        'checksum': hashlib.sha1(b'vrrp_instance vi_1 {\n}\n').hexdigest(),
        'owner': pwd.getpwuid(os.getuid())[0],
        'group': grp.getgrgid(os.getgid())[0],
        'mode': '0640',
    }


def test_missing_file_and_directory_are_reported_as_absent(tmp_path, monkeypatch, result):
    run_module(monkeypatch, {'files': [str(tmp_path / 'nothing'), str(tmp_path)]})
    files = result()['files']
    assert files == {str(tmp_path / 'nothing'): {'exists': False}, str(tmp_path): {'exists': False}}


def test_packages_installed_per_dpkg_and_missing_ones_false(monkeypatch, result):
    out = 'keepalived installed 1:2.2.7-1+b2\ncurl:amd64 installed 7.88.1-10\napache2 config-files 2.4.62-1\n'
    calls = run_module(monkeypatch, {'packages': ['keepalived', 'curl', 'apache2', 'nftables']},
                       {'dpkg-query': (1, out)})
    out = result()
    assert out['packages'] == {'keepalived': True, 'curl': True, 'apache2': False, 'nftables': False}
    assert out['missing_packages'] == ['apache2', 'nftables']
    # the version of what is installed: the keepalived role reads whether sub-second
    # health checks are possible from it
    assert out['versions'] == {'keepalived': '1:2.2.7-1+b2', 'curl': '7.88.1-10', 'apache2': None,
                               'nftables': None}
    assert calls[0][-4:] == ['keepalived', 'curl', 'apache2', 'nftables']


def test_packages_per_rpm_when_there_is_no_dpkg(monkeypatch, result):
    out = 'keepalived 2.2.8-3.el9\npackage httpd is not installed\n'
    run_module(monkeypatch, {'packages': ['keepalived', 'httpd']}, {'rpm': (1, out)})
    out = result()
    assert out['packages'] == {'keepalived': True, 'httpd': False}
    assert out['versions'] == {'keepalived': '2.2.8-3.el9', 'httpd': None}


def test_no_package_tool_reports_every_package_missing(monkeypatch, result):
    run_module(monkeypatch, {'packages': ['keepalived']}, {})
    assert result()['packages'] == {'keepalived': False}


def test_units_from_one_systemctl_show_in_the_order_asked(monkeypatch, result):
    out = ('Id=keepalived.service\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n\n'
           'Id=failover-keepalived-firewall.service\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n')
    calls = run_module(monkeypatch, {'services': ['keepalived', 'failover-keepalived-firewall.service']},
                       {'systemctl': (0, out)})
    assert result()['services'] == {
        'keepalived': {'active': 'active', 'enabled': 'enabled'},
        'failover-keepalived-firewall.service': {'active': 'inactive', 'enabled': 'not-found'},
    }
    assert len(calls) == 1


def test_units_unknown_without_systemctl_so_that_the_service_task_runs(monkeypatch, result):
    run_module(monkeypatch, {'services': ['apache2']}, {})
    assert result()['services'] == {'apache2': {'active': 'unknown', 'enabled': 'unknown'}}


def test_users(monkeypatch, result):
    me = pwd.getpwuid(os.getuid())[0]
    run_module(monkeypatch, {'users': [me, 'no-such-user-failover']})
    assert result()['users'] == {me: True, 'no-such-user-failover': False}


def test_changes_nothing_and_reports_no_change(monkeypatch, result):
    run_module(monkeypatch, {'_ansible_check_mode': True})
    out = result()
    assert out['changed'] is False
    assert (out['files'], out['packages'], out['services'], out['users']) == ({}, {}, {}, {})


APT_POLICY = '''apache2:
  Installed: 2.4.68-1~deb12u1
  Candidate: 2.4.71-1~deb12u1
  Version table:
     2.4.71-1~deb12u1 500
        500 http://mirror/debian-security bookworm-security/main amd64 Packages
 *** 2.4.68-1~deb12u1 500
        100 /var/lib/dpkg/status
keepalived:
  Installed: 1:2.2.7-1+b2
  Candidate: 1:2.2.7-1+b2
curl:
  Installed: (none)
  Candidate: (none)
'''


def test_a_package_below_its_candidate_or_its_pinned_version_is_missing_with_that_version(monkeypatch, result):
    dpkg = ('apache2 installed 2.4.68-1~deb12u1 install\nkeepalived installed 1:2.2.7-1+b2 hold\n'
            'haproxy installed 2.6.12-1 install\n')
    calls = run_module(monkeypatch, {'packages': ['apache2', 'keepalived', 'haproxy', 'curl'],
                                     'latest': ['apache2', 'keepalived', 'curl'],
                                     'versions': {'haproxy': '2.6.12-1+deb12u2'}},
                       {'dpkg-query': (0, dpkg), 'apt-cache': (0, APT_POLICY)})
    out = result()
    # apache2 upgrades to its candidate; keepalived is at it; haproxy goes to its pinned
    # version; curl has no candidate: just its name
    assert out['missing_packages'] == ['apache2=2.4.71-1~deb12u1', 'haproxy=2.6.12-1+deb12u2', 'curl']
    assert out['held_packages'] == ['keepalived']
    assert ['policy', 'apache2', 'keepalived', 'curl'] == calls[1][-4:]


def test_no_latest_asks_no_candidate(monkeypatch, result):
    calls = run_module(monkeypatch, {'packages': ['apache2']}, {'dpkg-query': (0, 'apache2 installed 2.4.71-1 install\n')})
    assert result()['missing_packages'] == [] and len(calls) == 1


def test_package_lists_are_looked_for_where_apt_is(monkeypatch, result, tmp_path):
    monkeypatch.setattr(mod, 'APT_LISTS', str(tmp_path))
    run_module(monkeypatch, {}, {'apt-get': (0, '')})
    assert result()['package_lists'] is False
    (tmp_path / 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages').write_text('')
    run_module(monkeypatch, {}, {'apt-get': (0, '')})
    assert result()['package_lists'] is True
    run_module(monkeypatch, {}, {})  # no apt: not a question
    assert result()['package_lists'] is True
