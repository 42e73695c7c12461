# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module failover.keepalived.files: writes what differs, all or none, with check
mode and diff, and leaves a host whose files are in place alone."""

from __future__ import absolute_import, division, print_function

import grp
import json
import os
import pwd
import stat

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.failover.keepalived.plugins.modules import files as mod

OWNER = pwd.getpwuid(os.getuid())[0]
GROUP = grp.getgrgid(os.getgid())[0]


def spec(path, content, **kw):
    return dict(dict(path=str(path), content=content, owner=OWNER, group=GROUP), **kw)


def run(capsys, files, check=False, diff=False, **params):
    args = dict(files=files, _ansible_check_mode=check, _ansible_diff=diff, **params)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            mod.main()
    out = json.loads(capsys.readouterr().out)
    out['rc'] = exc.value.code
    return out


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_writes_missing_files_with_their_mode_and_creates_parent_directories(tmp_path, capsys):
    script = tmp_path / 'libexec' / 'tool' / 'check'
    conf = tmp_path / 'app.conf'
    out = run(capsys, [spec(script, '#!/bin/sh\n', mode='0755'), spec(conf, 'a = 1\n', mode='0640')])
    assert out['rc'] == 0 and out['changed'] is True
    assert out['files'] == {str(script): 'written', str(conf): 'written'}
    assert script.read_text() == '#!/bin/sh\n' and mode_of(script) == 0o755
    assert conf.read_text() == 'a = 1\n' and mode_of(conf) == 0o640
    assert mode_of(script.parent) == 0o755 and mode_of(script.parent.parent) == 0o755
    assert not [p for p in script.parent.iterdir() if p.name.startswith('.')]  # no temporary left


def test_second_run_changes_nothing(tmp_path, capsys):
    files = [spec(tmp_path / 'a', 'one\n'), spec(tmp_path / 'b', 'two\n', mode='0600')]
    run(capsys, files)
    before = [os.stat(str(tmp_path / n)).st_mtime_ns for n in 'ab']
    out = run(capsys, files)
    assert out['changed'] is False
    assert out['files'] == {str(tmp_path / 'a'): 'unchanged', str(tmp_path / 'b'): 'unchanged'}
    assert [os.stat(str(tmp_path / n)).st_mtime_ns for n in 'ab'] == before


def test_only_the_mode_differs_fixes_the_mode_without_rewriting(tmp_path, capsys):
    path = tmp_path / 'a'
    path.write_text('one\n')
    path.chmod(0o600)
    inode = os.stat(str(path)).st_ino
    out = run(capsys, [spec(path, 'one\n', mode='0644')])
    assert out['changed'] is True and out['files'][str(path)] == 'attributes'
    assert mode_of(path) == 0o644 and os.stat(str(path)).st_ino == inode


def test_a_failed_validate_leaves_every_file_as_it_was(tmp_path, capsys):
    good, bad = tmp_path / 'good', tmp_path / 'bad'
    good.write_text('old good\n')
    bad.write_text('old bad\n')
    out = run(capsys, [spec(good, 'new good\n'),
                       spec(bad, 'new bad\n', validate='/bin/sh -c "grep -q accept %s"')])
    assert out['rc'] == 1 and out['failed'] is True
    assert 'no file written' in out['msg'] and str(bad) in out['msg']
    assert good.read_text() == 'old good\n' and bad.read_text() == 'old bad\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['bad', 'good']


def test_a_passing_validate_sees_the_new_content(tmp_path, capsys):
    path = tmp_path / 'conf'
    out = run(capsys, [spec(path, 'accept\n', validate='/bin/sh -c "grep -q accept %s"')])
    assert out['rc'] == 0 and path.read_text() == 'accept\n'


def test_check_mode_reports_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / 'sub' / 'a'
    out = run(capsys, [spec(path, 'one\n')], check=True)
    assert out['changed'] is True and out['files'] == {str(path): 'written'}
    assert not (tmp_path / 'sub').exists()


def test_diff_shows_before_and_after_except_for_secret_files(tmp_path, capsys):
    shown, secret = tmp_path / 'index.html', tmp_path / 'keepalived.conf'
    shown.write_text('web1\n')
    out = run(capsys, [spec(shown, 'web2\n'), spec(secret, 'auth_pass s3cret\n', diff=False)],
              check=True, diff=True)
    assert out['diff'] == [{'before_header': str(shown), 'after_header': str(shown),
                            'before': 'web1\n', 'after': 'web2\n'}]
    assert 's3cret' not in json.dumps(out['diff'])


@pytest.mark.parametrize('files, phrase', [
    ([{'path': 'relative/a', 'content': 'x'}], 'is not absolute'),
    ([{'path': '/tmp/failover-x', 'content': 'x'}, {'path': '/tmp/failover-x', 'content': 'y'}],
     'a path is listed twice: /tmp/failover-x'),
])
def test_bad_paths_fail_before_anything_is_written(capsys, files, phrase):
    out = run(capsys, files)
    assert out['failed'] is True and phrase in out['msg']
    assert not os.path.exists('/tmp/failover-x')


def test_secret_content_is_written_but_never_shown(tmp_path, capsys):
    path = tmp_path / 'keepalived.conf'
    out = run(capsys, [{'path': str(path), 'secret_content': 'auth_pass s3cret\n', 'owner': OWNER,
                        'group': GROUP, 'mode': '0640'}], diff=True)
    assert out['changed'] is True and out['files'] == {str(path): 'written'}
    assert path.read_text() == 'auth_pass s3cret\n' and mode_of(path) == 0o640
    assert out['diff'] == []
    assert 's3cret' not in json.dumps(out)


@pytest.mark.parametrize('both', [True, False])
def test_exactly_one_of_content_and_secret_content(tmp_path, capsys, both):
    item = {'path': str(tmp_path / 'a')}
    if both:
        item.update(content='x', secret_content='y')
    out = run(capsys, [item])
    assert out['failed'] is True
    assert 'content' in out['msg'] and 'secret_content' in out['msg']
    assert not (tmp_path / 'a').exists()


def test_a_failed_validate_leaves_no_directory_it_made(tmp_path, capsys):
    made = tmp_path / 'libexec' / 'tool' / 'check'
    bad = tmp_path / 'etc' / 'conf'
    out = run(capsys, [spec(made, '#!/bin/sh\n', mode='0755'),
                       spec(bad, 'reject\n', validate='/bin/sh -c "grep -q accept %s"')])
    assert out['failed'] is True and 'no file written' in out['msg']
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_drifted_secret_file_shows_its_diff_with_the_secret_masked_on_both_sides(tmp_path, capsys):
    path = tmp_path / 'keepalived.conf'
    path.write_text('    priority 100\n    auth_pass s3cret\n')  # drifted by hand
    out = run(capsys, [{'path': str(path), 'secret_content': '    priority 101\n    auth_pass s3cret\n',
                        'secrets': ['s3cret'], 'owner': OWNER, 'group': GROUP, 'mode': '0640'}],
              check=True, diff=True)
    assert out['changed'] is True
    assert out['diff'] == [{'before_header': str(path), 'after_header': str(path),
                            'before': '    priority 100\n    auth_pass ********\n',
                            'after': '    priority 101\n    auth_pass ********\n'}]
    assert 's3cret' not in json.dumps(out)
    assert path.read_text() == '    priority 100\n    auth_pass s3cret\n'  # check mode: untouched
