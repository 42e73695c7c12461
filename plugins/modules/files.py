#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: files
short_description: Write several small files in one round trip, all or none
version_added: "0.2.0"
description:
  - Puts each file of O(files) in place with the given content, owner, group and mode,
    creating missing parent directories. A file whose content, owner, group and mode are
    already the ones given is left alone.
  - One module run for what would be one M(ansible.builtin.copy) or
    M(ansible.builtin.template) task, and so two or three round trips, per file. The
    keepalived and apache roles render the content on the controller
    (P(ansible.builtin.template#lookup)) and write the files of one step with one call.
  - All or none. Every new content is written to a temporary file next to its
    destination and checked with its O(files[].validate) command first; only when every
    file passed does any file replace the old one, each by an atomic rename. A failed
    check leaves every file on the host as it was, and no directory made for one.
options:
  files:
    description: The files to put in place.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path of the file.
        type: path
        required: true
      content:
        description:
          - The whole content of the file. Exactly one of O(files[].content) and
            O(files[].secret_content) is required.
        type: str
      secret_content:
        description:
          - The whole content of a file that holds a secret (a password), instead of
            O(files[].content). Never shown, not even with C(-vvv) (the option is
            C(no_log)), and never in a diff.
        type: str
      owner:
        description: Owner of the file, and of the parent directories the module creates.
        type: str
        default: root
      group:
        description: Group of the file, and of the parent directories the module creates.
        type: str
        default: root
      mode:
        description: Mode of the file, in octal as a string (V("0644")).
        type: str
        default: "0644"
      validate:
        description:
          - A command that checks the new content before it replaces the file; C(%s) is
            the path of the temporary file. Run without a shell.
        type: str
      diff:
        description:
          - Whether diff mode shows this file's content. Off for files that hold secrets.
        type: bool
        default: true
      secrets:
        description:
          - The secrets in O(files[].secret_content) (a password). Given, diff mode shows
            the file with each of them replaced by C(********) on both sides, before and
            after; not given, a file of secret content shows no diff.
          - C(no_log), as O(files[].secret_content).
        type: list
        elements: str
        version_added: "0.2.0"
  directory_mode:
    description: Mode of the parent directories the module creates.
    type: str
    default: "0755"
  host_state:
    description:
      - What M(failover.keepalived.host_state) reported of these files earlier in the run
        (its RV(failover.keepalived.host_state#module:files)). Every file it shows in place
        (its checksum, owner, group and mode are the ones given) is left out on the
        controller; when every file is in place, the task reports no change without
        contacting the host at all.
      - The roles read their files with host_state first and pass its answer here, so a
        converged host costs no round trip for its files, and each file is described once
        (path, content, owner, group, mode) for the read, the skip and the write.
      - Leave it out, or give a host_state answer older than a change of the files, and
        the module compares on the host, as it always does.
    type: dict
    version_added: "0.2.0"
attributes:
  check_mode:
    support: full
    description: Reports which files would change, and how with diff mode, without writing.
  diff_mode:
    support: full
    description: One diff per file whose content changes, except files with O(files[].diff=false)
      and files of secret content without O(files[].secrets) (their secrets masked when given).
  platform:
    support: full
    platforms: posix
    description: Runs on the managed host, whose files it writes.
notes:
  - Meant for small text files (configuration, scripts); the content travels in the
    module's arguments, which C(-vvv) shows, except O(files[].secret_content). The keepalived
    role writes keepalived.conf (it holds C(keepalived_auth_pass)) as secret content.
seealso:
  - module: ansible.builtin.copy
  - module: ansible.builtin.template
  - module: failover.keepalived.host_state
author:
  - failover.keepalived contributors (@failover)
'''

EXAMPLES = r'''
- name: Write the Apache settings and the index page in one round trip
  failover.keepalived.files:
    files:
      - path: /etc/apache2/conf-enabled/failover-keepalived.conf
        content: "{{ lookup('ansible.builtin.template', 'failover-keepalived.conf.j2') }}"
      - path: /var/www/html/index.html
        content: "{{ inventory_hostname }}\n"
  become: true
  register: apache_files

- name: Write keepalived.conf, which holds a password, once keepalived accepts it
  failover.keepalived.files:
    files:
      - path: /etc/keepalived/keepalived.conf
        secret_content: "{{ lookup('ansible.builtin.template', 'keepalived.conf.j2') }}"
        mode: "0640"
        validate: keepalived --config-test=%s
  become: true

- name: Read the Apache settings, then write them only when they are not in place
  failover.keepalived.host_state:
    files: [/etc/apache2/conf-enabled/failover-keepalived.conf]
  become: true
  register: apache_host

- name: Write the Apache settings (no round trip when host_state found them in place)
  failover.keepalived.files:
    files:
      - path: /etc/apache2/conf-enabled/failover-keepalived.conf
        content: "{{ lookup('ansible.builtin.template', 'failover-keepalived.conf.j2') }}"
    host_state: "{{ apache_host.files }}"
  become: true

- name: Write a script only if the shell accepts it
  failover.keepalived.files:
    files:
      - path: /usr/local/libexec/example/check
        content: "#!/bin/sh\nexit 0\n"
        mode: "0755"
        validate: /bin/sh -n %s
  become: true
'''

RETURN = r'''
files:
  description: >-
    Every path of O(files): C(written) when its content was (or in check mode would be)
    replaced, C(attributes) when only owner, group or mode changed, C(unchanged) otherwise
    (also when O(host_state) showed it in place).
  returned: always
  type: dict
  sample:
    /etc/apache2/conf-enabled/failover-keepalived.conf: written
    /var/www/html/index.html: unchanged
'''

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text

from ansible_collections.failover.keepalived.plugins.module_utils.host_files import (
    FILE_DEFAULTS,
    checksum_of,
    file_need,
    file_state,
)

MAX_DIFF_BYTES = 64 * 1024


def _missing_dirs(path):
    """The parent directories of path that do not exist, outermost first."""
    missing = []
    parent = os.path.dirname(path)
    while parent and not os.path.isdir(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    return missing[::-1]


MASK = '********'


def _diff(path, state, content, secrets=()):
    """The diff of a file's content; each of secrets replaced by MASK on both sides."""
    before = ''
    if state['exists']:
        try:
            with open(path, 'rb') as f:
                data = f.read(MAX_DIFF_BYTES + 1)
            before = to_text(data, errors='surrogate_or_replace') if len(data) <= MAX_DIFF_BYTES \
                else '(more than %d bytes: not shown)\n' % MAX_DIFF_BYTES
        except OSError as exc:
            before = '(not readable: %s)\n' % to_native(exc)
    for secret in secrets:
        before, content = before.replace(secret, MASK), content.replace(secret, MASK)
    return {'before_header': path, 'after_header': path, 'before': before, 'after': content}


def _shows_diff(spec):
    """Whether diff mode shows the file: its content, or secret content whose secrets are
    known (and masked)."""
    return spec['diff'] and (spec['content'] is not None or bool(spec['secrets']))


def _content(spec):
    return spec['content'] if spec['content'] is not None else spec['secret_content']


def _plan(spec):
    """What the file of spec needs: 'write' (content), 'attributes' or None."""
    state = file_state(spec['path'])
    data = to_bytes(_content(spec), errors='surrogate_or_strict')
    return file_need(state, checksum_of(data), spec['owner'], spec['group'], spec['mode']), state, data


def _set_attributes(module, spec, path, changed=False):
    changed = module.set_owner_if_different(path, spec['owner'], changed)
    changed = module.set_group_if_different(path, spec['group'], changed)
    return module.set_mode_if_different(path, spec['mode'], changed)


def _stage(module, spec, data, dir_mode, created):
    """Write data to a temporary file next to spec's path, with its attributes, and run
    its validate command; returns the temporary path, or fails (removing it). The parent
    directories it makes are appended to created."""
    path = spec['path']
    for directory in _missing_dirs(path):
        os.mkdir(directory)
        created.append(directory)
        _set_attributes(module, dict(spec, mode=dir_mode), directory)
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        _set_attributes(module, spec, tmp)
        if spec['validate']:
            if '%s' not in spec['validate']:
                raise ValueError('validate must contain %%s: %s' % spec['validate'])
            rc, out, err = module.run_command(spec['validate'] % tmp)
            if rc != 0:
                raise ValueError('the new content of %s failed its check (%s, rc %d): %s%s'
                                 % (path, spec['validate'], rc, out, err))
    except Exception:
        os.unlink(tmp)
        raise
    return tmp


# What the module takes (validate-modules compares it with DOCUMENTATION).
ARGUMENT_SPEC = dict(
    files=dict(type='list', elements='dict', required=True, options=dict(
        path=dict(type='path', required=True),
        content=dict(type='str', no_log=False),
        secret_content=dict(type='str', no_log=True),
        owner=dict(type='str', default=FILE_DEFAULTS['owner']),
        group=dict(type='str', default=FILE_DEFAULTS['group']),
        mode=dict(type='str', default=FILE_DEFAULTS['mode']),
        validate=dict(type='str'),
        diff=dict(type='bool', default=True),
        secrets=dict(type='list', elements='str', no_log=True),
    ), mutually_exclusive=[('content', 'secret_content')],
        required_one_of=[('content', 'secret_content')]),
    directory_mode=dict(type='str', default='0755'),
    # read by the action plugin on the controller (plugins/action/files.py)
    host_state=dict(type='dict'),
)


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    specs = module.params['files']
    paths = [s['path'] for s in specs]
    for spec in specs:
        if not os.path.isabs(spec['path']):
            module.fail_json(msg='path %s is not absolute' % spec['path'])
    if len(set(paths)) != len(paths):
        module.fail_json(msg='a path is listed twice: %s' % ', '.join(sorted(p for p in set(paths) if paths.count(p) > 1)))

    plans = [(spec,) + _plan(spec) for spec in specs]
    result = dict(changed=False, files={}, diff=[])
    for spec, need, state, data in plans:
        result['files'][spec['path']] = need == 'write' and 'written' or need or 'unchanged'
        if need:
            result['changed'] = True
        if need == 'write' and module._diff and _shows_diff(spec):
            result['diff'].append(_diff(spec['path'], state, _content(spec), [s for s in spec['secrets'] or () if s]))
    if module.check_mode or not result['changed']:
        module.exit_json(**result)

    staged, created = [], []
    try:
        for spec, need, _state, data in plans:
            if need == 'write':
                staged.append((spec, _stage(module, spec, data, module.params['directory_mode'], created)))
    except Exception as exc:
        # all or none: the other files' temporary copies and the directories made for them go too
        for _spec, tmp in staged:
            os.unlink(tmp)
        for directory in reversed(created):
            try:
                os.rmdir(directory)
            except OSError:
                pass
        module.fail_json(msg='no file written: %s' % to_native(exc), files=dict((p, 'unchanged') for p in paths))
    for spec, tmp in staged:
        module.atomic_move(tmp, spec['path'], keep_dest_attrs=False)
    # atomic_move gives a file it creates the umask's mode: set the attributes again.
    for spec, need, _state, _data in plans:
        if need:
            _set_attributes(module, spec, spec['path'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
