# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files action on the controller: it leaves out exactly the files that host_state
showed in place, with the module's defaults for owner, group and mode."""

from __future__ import absolute_import, division, print_function

import hashlib

from ansible_collections.failover.keepalived.plugins.action.files import stale_files


def state(content, owner='root', group='root', mode='0644'):
    return {'exists': True, 'checksum': hashlib.sha1(content.encode('utf-8')).hexdigest(),
            'owner': owner, 'group': group, 'mode': mode}


def test_a_file_in_place_with_the_default_attributes_is_left_out():
    files = [{'path': '/etc/a.conf', 'content': 'a = 1\n'}]
    assert stale_files(files, {'/etc/a.conf': state('a = 1\n')}) == []


def test_other_content_mode_or_owner_keeps_the_file():
    files = [{'path': '/a', 'content': 'new\n'},
             {'path': '/b', 'content': 'b\n', 'mode': '0640'},
             {'path': '/c', 'content': 'c\n', 'owner': 'www-data'},
             {'path': '/d', 'content': 'd\n'}]
    host = {'/a': state('old\n'), '/b': state('b\n'), '/c': state('c\n'), '/d': {'exists': False}}
    assert [f['path'] for f in stale_files(files, host)] == ['/a', '/b', '/c', '/d']


def test_secret_content_is_compared_like_content():
    files = [{'path': '/k.conf', 'secret_content': 'auth_pass s3cret\n', 'mode': '0640'}]
    assert stale_files(files, {'/k.conf': state('auth_pass s3cret\n', mode='0640')}) == []
    assert stale_files(files, {'/k.conf': state('auth_pass other\n', mode='0640')}) == files


def test_a_file_host_state_did_not_read_or_could_not_checksum_is_written():
    files = [{'path': '/x', 'content': 'x\n'}, {'path': '/y', 'content': 'y\n'}]
    unreadable = {'exists': True, 'owner': 'root', 'group': 'root', 'mode': '0644'}
    assert stale_files(files, {'/y': unreadable}) == files


def test_entries_the_module_must_judge_are_passed_on():
    files = [{'content': 'no path'}, 'not a dict', {'path': '/z'}]
    assert stale_files(files, {}) == files


def test_non_ascii_content_is_checksummed_as_utf8():
    files = [{'path': '/u', 'content': 'hôte\n'}]
    assert stale_files(files, {'/u': state('hôte\n')}) == []
