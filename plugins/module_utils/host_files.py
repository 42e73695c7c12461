# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What is in a file on the managed host, as the roles compare it with what they would
write: used by the modules host_state (which reads) and files (which writes), and by the
files action on the controller (which skips the files host_state found in place), so all
three describe a file the same way."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import hashlib
import os
import pwd
import stat


# What the files module gives a file unless told otherwise.
FILE_DEFAULTS = {'owner': 'root', 'group': 'root', 'mode': '0644'}


def _name(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def file_state(path):
    """{'exists', 'checksum' (SHA-1), 'owner', 'group', 'mode' ('0644')} of a regular file,
    {'exists': False} when there is none; no checksum when the file cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return {'exists': False}
    if not stat.S_ISREG(st.st_mode):
        return {'exists': False}
    state = {
        'exists': True,
        'owner': _name(pwd.getpwuid, st.st_uid),
        'group': _name(grp.getgrgid, st.st_gid),
        'mode': '%04o' % stat.S_IMODE(st.st_mode),
    }
    digest = hashlib.sha1()
    try:
        with open(path, 'rb') as f:
            for block in iter(lambda: f.read(65536), b''):
                digest.update(block)
    except OSError:
        return state
    state['checksum'] = digest.hexdigest()
    return state


def checksum_of(data):
    """The SHA-1 of bytes, as file_state reports a file's content."""
    return hashlib.sha1(data).hexdigest()


def file_need(state, checksum, owner, group, mode):
    """What a file needs to become the given one: 'write' (its content), 'attributes'
    (owner, group or mode) or None (in place). state: file_state()'s answer."""
    if not state or not state.get('exists') or state.get('checksum') != checksum:
        return 'write'
    if (state.get('owner'), state.get('group'), state.get('mode')) != (owner, group, mode):
        return 'attributes'
    return None
