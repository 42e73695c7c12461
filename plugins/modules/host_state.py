#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: host_state
short_description: Read, in one round trip, the files, packages, services and users a role manages
version_added: "0.2.0"
description:
  - Reports the SHA-1, owner, group and mode of files, whether packages are installed
    (and their versions),
    whether systemd units are active and enabled, and whether users exist, all in one
    module run.
  - The keepalived and apache roles run it first and then skip, on the controller, every
    task whose result is already in place (the file's checksum, owner, group and mode are
    the ones the task would write, the packages are installed, the service runs).
    A converged host then costs this one round trip instead of two for each file and one
    for each package and service task. A task that is not skipped runs as usual, with its
    own check mode and diff.
  - Changes nothing.
options:
  files:
    description:
      - Paths of regular files to report. A path that is missing (or not a regular file)
        is reported with C(exists) false in RV(files).
    type: list
    elements: path
    default: []
  packages:
    description:
      - Names of packages to report, asked of C(dpkg-query) or else C(rpm).
      - With neither tool every package is reported as not installed.
    type: list
    elements: str
    default: []
  versions:
    description:
      - Versions that packages of O(packages) must have (as the package manager writes
        them, for example V(2.4.68-1~deb12u1)); a package at another version is reported
        in RV(missing_packages) as C(NAME=VERSION).
    type: dict
    default: {}
    version_added: "0.2.0"
  latest:
    description:
      - Packages of O(packages) that must be at the version the package manager would
        install (C(apt-cache policy)'s candidate, Debian only); one at an older version is
        reported in RV(missing_packages) as C(NAME=CANDIDATE).
    type: list
    elements: str
    default: []
    version_added: "0.2.0"
  services:
    description:
      - Names of systemd units to report, asked of C(systemctl show) in one call.
      - Without systemctl every unit is reported with C(unknown) states.
    type: list
    elements: str
    default: []
  users:
    description:
      - Names of users to report (the host's user database).
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    support: full
    description: The module changes nothing, so check mode reads the state as usual.
  diff_mode:
    support: none
    description: The module changes nothing, so it has no diff to show.
  platform:
    support: full
    platforms: posix
    description: Runs on the managed host, whose files, packages and units it reads.
notes:
  - Run it with the privileges of the tasks it stands in for (C(become=true)), or files
    only root can read are reported without a checksum.
seealso:
  - module: ansible.builtin.stat
  - module: ansible.builtin.package_facts
  - module: ansible.builtin.service_facts
author:
  - failover.keepalived contributors (@failover)
'''

EXAMPLES = r'''
- name: Read what this role manages on the host
  failover.keepalived.host_state:
    files: [/etc/keepalived/keepalived.conf]
    packages: [keepalived]
    services: [keepalived]
    users: [keepalived_script]
  become: true
  register: managed

# The template runs only when the file on the host is not the one it would write.
- name: Write keepalived.conf
  ansible.builtin.template:
    src: keepalived.conf.j2
    dest: /etc/keepalived/keepalived.conf
    owner: root
    group: root
    mode: "0640"
  become: true
  when: >-
    managed.files['/etc/keepalived/keepalived.conf'] != {'exists': true, 'owner': 'root',
    'group': 'root', 'mode': '0640',
    'checksum': lookup('ansible.builtin.template', 'keepalived.conf.j2') | hash('sha1')}
'''

RETURN = r'''
files:
  description: Every path of O(files), with what is there.
  returned: always
  type: dict
  sample:
    /etc/keepalived/keepalived.conf:
      exists: true
      checksum: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed
      owner: root
      group: root
      mode: "0640"
    /etc/keepalived/missing.conf:
      exists: false
packages:
  description: Every name of O(packages), C(true) when it is installed.
  returned: always
  type: dict
  sample: {keepalived: true, curl: false}
missing_packages:
  description: What a role still has to install of O(packages), in the order given, as
    the package manager takes it - the name of a package that is not installed, or
    C(NAME=VERSION) for one that is not at its version of O(versions) or O(latest).
  returned: always
  type: list
  elements: str
  sample: [curl, apache2=2.4.71-1~deb12u1]
  version_added: "0.2.0"
package_lists:
  description: Whether the package manager has its package lists (Debian - a C(Packages)
    file under C(/var/lib/apt/lists); always true elsewhere). A host that has none yet
    cannot tell in check mode which packages would be installed, because apt fetches the
    lists first, which check mode does not.
  returned: always
  type: bool
  sample: true
  version_added: "0.2.0"
held_packages:
  description: The packages of O(packages) that are held (dpkg's selection C(hold)), which
    unattended upgrades leave alone.
  returned: always
  type: list
  elements: str
  sample: [keepalived]
  version_added: "0.2.0"
versions:
  description: Every name of O(packages), with its installed version as the package
    manager gives it (epoch and Debian revision included), or null when it is not
    installed.
  returned: always
  type: dict
  sample: {keepalived: "1:2.2.7-1+b2", curl: null}
services:
  description: >-
    Every unit of O(services), with its C(active) state (C(active), C(inactive),
    C(failed), ... as C(systemctl is-active) says) and its C(enabled) state (C(enabled),
    C(disabled), C(static), C(masked), or C(not-found) for a unit systemd does not know).
  returned: always
  type: dict
  sample: {keepalived: {active: active, enabled: enabled}}
users:
  description: Every name of O(users), C(true) when the user exists.
  returned: always
  type: dict
  sample: {keepalived_script: true}
'''

import glob
import pwd

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.failover.keepalived.plugins.module_utils.host_files import file_state

UNKNOWN = {'active': 'unknown', 'enabled': 'unknown'}


DPKG_FORMAT = '${Package} ${db:Status-Status} ${Version} ${db:Status-Want}\n'


def parse_dpkg_query(text):
    """`dpkg-query -W -f DPKG_FORMAT NAMES` -> ({installed name: its version}, [held names])."""
    installed, held = {}, []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] == 'installed':
            name = fields[0].split(':')[0]
            installed[name] = fields[2]
            if fields[3:4] == ['hold']:
                held.append(name)
    return installed, held


def parse_apt_cache_policy(text):
    """`apt-cache policy NAMES` -> {name: its candidate version} (none for '(none)')."""
    candidates, name = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.endswith(':'):
            name = line[:-1].split(':')[0]
        elif name and line.strip().startswith('Candidate:'):
            version = line.split(':', 1)[1].strip()
            if version != '(none)':
                candidates[name] = version
    return candidates


def parse_rpm_query(text):
    """`rpm -q --qf '%{NAME} %{VERSION}-%{RELEASE}\\n' NAMES` -> {installed name: its version}
    (its 'package X is not installed' lines have more fields)."""
    installed = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 2:
            installed[fields[0]] = fields[1]
    return installed


def installed_packages(module, names):
    """({installed name: its version}, [held names]) of names."""
    if not names:
        return {}, []
    dpkg = module.get_bin_path('dpkg-query')
    if dpkg:
        _rc, out, _err = module.run_command([dpkg, '-W', '-f', DPKG_FORMAT] + names)
        return parse_dpkg_query(out)
    rpm = module.get_bin_path('rpm')
    if rpm:
        _rc, out, _err = module.run_command([rpm, '-q', '--qf', '%{NAME} %{VERSION}-%{RELEASE}\n'] + names)
        return parse_rpm_query(out), []
    return {}, []


def candidate_versions(module, names):
    """{name: the version the package manager would install}, Debian only."""
    apt_cache = module.get_bin_path('apt-cache') if names else None
    if not apt_cache:
        return {}
    _rc, out, _err = module.run_command([apt_cache, 'policy'] + names)
    return parse_apt_cache_policy(out)


def missing_packages(names, installed, versions, candidates):
    """What the package manager must still install of names: NAME when not installed (no
    version wanted), else NAME=VERSION when not at the version wanted (versions, then the
    candidates of the packages to keep at their latest)."""
    missing = []
    for name in names:
        wanted = versions.get(name) or candidates.get(name)
        if wanted and installed.get(name) != wanted:
            missing.append('%s=%s' % (name, wanted))
        elif name not in installed and not wanted:
            missing.append(name)
    return missing


def parse_systemctl_show(text, names):
    """`systemctl show -p Id -p ActiveState -p UnitFileState -p LoadState NAMES` (one block
    a unit, in the order asked) -> {name: {active, enabled}}."""
    blocks = text.strip('\n').split('\n\n') if text.strip() else []
    states = {}
    for name, block in zip(names, blocks):
        props = dict(line.split('=', 1) for line in block.splitlines() if '=' in line)
        if props.get('LoadState') == 'not-found':
            enabled = 'not-found'
        else:
            enabled = props.get('UnitFileState') or 'unknown'
        states[name] = {'active': props.get('ActiveState') or 'unknown', 'enabled': enabled}
    return states


def service_states(module, names):
    if not names:
        return {}
    systemctl = module.get_bin_path('systemctl')
    states = {}
    if systemctl:
        rc, out, _err = module.run_command(
            [systemctl, 'show', '--no-pager', '-p', 'Id', '-p', 'LoadState', '-p', 'ActiveState',
             '-p', 'UnitFileState'] + names)
        if rc == 0:
            states = parse_systemctl_show(out, names)
    return dict((name, states.get(name, dict(UNKNOWN))) for name in names)


APT_LISTS = '/var/lib/apt/lists'


def has_package_lists(module):
    """Whether apt has package lists; true where apt is not the package manager."""
    if not module.get_bin_path('apt-get'):
        return True
    return bool(glob.glob(APT_LISTS + '/*_Packages*'))


def user_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type='list', elements='path', default=[]),
            packages=dict(type='list', elements='str', default=[]),
            versions=dict(type='dict', default={}),
            latest=dict(type='list', elements='str', default=[]),
            services=dict(type='list', elements='str', default=[]),
            users=dict(type='list', elements='str', default=[]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    installed, held = installed_packages(module, params['packages'])
    versions = dict((k, str(v)) for k, v in params['versions'].items() if v)
    candidates = candidate_versions(module, [n for n in params['latest'] if n not in versions])
    module.exit_json(
        changed=False,
        files=dict((path, file_state(path)) for path in params['files']),
        packages=dict((name, name in installed) for name in params['packages']),
        missing_packages=missing_packages(params['packages'], installed, versions, candidates),
        held_packages=held,
        package_lists=has_package_lists(module),
        versions=dict((name, installed.get(name)) for name in params['packages']),
        services=service_states(module, params['services']),
        users=dict((name, user_exists(name)) for name in params['users']),
    )


if __name__ == '__main__':
    main()
