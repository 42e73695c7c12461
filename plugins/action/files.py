# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of failover.keepalived.files: the files that host_state found in place
(option host_state) are left out here, so that a converged host costs no round trip; the
rest goes to the module, which writes them on the host, all or none."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from ansible_collections.failover.keepalived.plugins.module_utils.host_files import (
    FILE_DEFAULTS,
    checksum_of,
    file_need,
)


def stale_files(files, host_state):
    """The entries of files whose file host_state does not show as the entry would leave
    it (content, owner, group, mode); entries that are not dicts with a path stay, for the
    module to report."""
    stale = []
    for spec in files:
        if not isinstance(spec, dict) or not isinstance(spec.get('path'), str):
            stale.append(spec)
            continue
        content = spec.get('content', spec.get('secret_content'))
        if not isinstance(content, str):
            stale.append(spec)
            continue
        want = dict((key, spec.get(key) or default) for key, default in FILE_DEFAULTS.items())
        checksum = checksum_of(to_bytes(content, errors='surrogate_or_strict'))
        if file_need(host_state.get(spec['path']), checksum, **want):
            stale.append(spec)
    return stale


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        host_state = args.pop('host_state', None)
        files = args.get('files')
        if isinstance(host_state, dict) and isinstance(files, list):
            args['files'] = stale_files(files, host_state)
            if not args['files']:
                result.update(changed=False, files=dict((spec['path'], 'unchanged') for spec in files))
                return result
        result.update(self._execute_module(module_name='failover.keepalived.files', module_args=args,
                                           task_vars=task_vars))
        return result
