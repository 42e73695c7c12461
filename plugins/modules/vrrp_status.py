#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: vrrp_status
short_description: Read keepalived's live VRRP state on a host
version_added: "0.1.0"
description:
  - Asks the running keepalived for its JSON state dump and reports every VRRP instance
    with its state (C(MASTER), C(BACKUP), C(FAULT), C(INIT), C(STOP)), priorities,
    interface and virtual IPs.
  - Checks with C(ip addr) whether each virtual IP really is on its interface, so that a
    MASTER without its VIPs (or a BACKUP that still holds them) shows up.
  - "How: reads the main pid from O(pid_file), gets the signal number from
    C(keepalived --signum=JSON) (36 on keepalived 2.2.7 and 2.3.3), removes a stale
    C(keepalived.json), sends the signal and waits up to O(timeout) seconds for a fresh,
    complete file, which it removes after reading (the file holds the PASS password)."
  - The file is read through C(/proc/PID/root) in keepalived's own C($TMPDIR) (C(/tmp)
    unless the service sets C(TMPDIR)), so it is found also when the service runs with
    systemd's C(PrivateTmp=yes). Debian's unit does not set C(PrivateTmp).
  - Changes nothing. The signal only makes keepalived write its state file and log one
    line, C(Printing VRRP as json for process ... on signal).
  - When keepalived is not running, returns RV(running=false) and no instances, which is
    not a failure unless O(require_running=true).
  - Use the P(failover.keepalived.vrrp_group_verdict#filter) filter on the results of all
    hosts of a group to assert that exactly one host is MASTER of each instance.
options:
  pid_file:
    description:
      - The pid file of keepalived's main process (its C(-p)/C(--pid) option).
    type: path
    default: /run/keepalived.pid
  timeout:
    description:
      - Seconds to wait for keepalived to write a complete dump after the signal.
    type: float
    default: 5
  require_running:
    description:
      - Fail when keepalived is not running, instead of returning RV(running=false).
    type: bool
    default: false
  master_addresses:
    description:
      - Also ask keepalived for its text dump (SIGUSR1) and report, for each instance in
        BACKUP state, the address its MASTER adverts from (RV(instances[].master_address)),
        which tells a MASTER outside the group (a host taken out of the inventory while its
        keepalived still ran), and for every instance the address it sends from and the
        unicast peers it sends to (RV(instances[].unicast_src_ip),
        RV(instances[].unicast_peers)), which tell a member about to be dropped. One more
        signal and dump, deleted after reading.
    type: bool
    default: false
    version_added: "0.2.0"
  check_addresses:
    description:
      - Run C(ip -j addr show) (C(ip -o addr show) where C(-j) is missing) and report per
        instance whether its VIPs are present (RV(instances[].vips_present),
        RV(instances[].holds_vips)).
    type: bool
    default: true
  expect:
    version_added: "0.2.0"
    description:
      - The states this host should be in, as the VRRP plan gives them (the keepalived
        role's C(keepalived_vrrp_instances), each item's C(name), C(state) MASTER or
        BACKUP, and C(nopreempt), with which MASTER and BACKUP both count). The module
        then reports RV(mismatches) and, with O(wait), reads again until there are none.
    type: list
    elements: dict
  wait:
    version_added: "0.2.0"
    description:
      - With O(expect), seconds to keep reading (every 0.2 s) until this host is in the
        expected states, keepalived not running counting as a mismatch. One module run
        instead of a retried task; the answer comes as soon as the states are reached.
      - Never fails because of a mismatch; check RV(mismatches).
    type: float
    default: 0
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
    description: Runs on the managed host, which keepalived runs on.
requirements:
  - keepalived built with JSON support (C(--enable-json); Debian's packages are)
  - iproute2 (C(ip)) for O(check_addresses)
notes:
  - Needs root (C(become=true)) to signal keepalived and to read its dump.
  - keepalived writes no dump when it has no C(vrrp_instance) (a checker-only
    configuration); the module then fails after O(timeout).
  - The VIP check looks at the host's own network namespace; with keepalived's
    C(net_namespace) option the VIPs live in another one and show as absent.
  - The JSON dump does not say which peer is MASTER; compare the results of all hosts, see
    the examples, or ask for O(master_addresses).
seealso:
  - name: keepalived(8)
    description: The C(--signum) option and the signals keepalived handles.
    link: https://www.keepalived.org/manpage.html
author:
  - failover.keepalived contributors (@failover)
'''

EXAMPLES = r'''
- name: Read keepalived's state
  failover.keepalived.vrrp_status:
  become: true
  register: vrrp

- name: This host is MASTER of vi_web and holds its VIPs
  ansible.builtin.assert:
    that:
      - vrrp.state.vi_web == 'MASTER'
      - (vrrp.instances | selectattr('name', 'eq', 'vi_web') | first).holds_vips

# Exactly one MASTER per instance across the play's hosts (e.g. a Molecule verify):
# every host registers its status, then one task judges them all.
- name: Check that exactly one host is MASTER of every VRRP instance
  hosts: web
  gather_facts: false
  become: true
  tasks:
    - name: Read keepalived's state on every host
      failover.keepalived.vrrp_status:
        require_running: true
      register: vrrp

    - name: Exactly one MASTER per instance, and only the MASTER holds the VIPs
      ansible.builtin.assert:
        that:
          - verdict | length > 0
          - verdict.values() | map(attribute='verdict') | reject('eq', 'one_master') | list == []
          - verdict.values() | map(attribute='vips_consistent') | reject('eq', true) | list == []
        fail_msg: "VRRP verdict per instance: {{ verdict | to_json }}"
      vars:
        verdict: >-
          {{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, ['vrrp', 'instances'])))
             | failover.keepalived.vrrp_group_verdict }}
      run_once: true

- name: Wait up to 10 s until this host is in its planned states, in one module run
  failover.keepalived.vrrp_status:
    expect: "{{ keepalived_vrrp_instances }}"
    wait: 10
  become: true
  register: vrrp
  failed_when: vrrp.mismatches != []

- name: Wait on web2 until it has taken over vi_web (after stopping keepalived on web1)
  failover.keepalived.vrrp_status:
  become: true
  register: vrrp
  until: vrrp.state.vi_web | default('') == 'MASTER'
  retries: 10
  delay: 1
  when: inventory_hostname == 'web2'
'''

RETURN = r'''
mismatches:
  version_added: "0.2.0"
  description: >-
    With O(expect), what keeps the host from the expected states, as sentences (C([])
    once they are reached), after the last reading.
  returned: when O(expect) is given
  type: list
  elements: str
  sample: ["vi_web: MASTER planned, BACKUP now"]
waited:
  version_added: "0.2.0"
  description: With O(expect), seconds spent reading until the last answer.
  returned: when O(expect) is given
  type: float
  sample: 2.41
running:
  description: Whether keepalived runs (the pid file names a live keepalived process).
  returned: always
  type: bool
  sample: true
pid:
  description: The pid of keepalived's main process, null when not running.
  returned: always
  type: int
  sample: 553
keepalived_version:
  description: The version of the running keepalived binary, null when unknown.
  returned: when running
  type: str
  sample: 2.2.7
dump_signal:
  description: The signal number sent (C(keepalived --signum=JSON)).
  returned: when running
  type: int
  sample: 36
dump_file:
  description: Where the dump was read, as seen from this module (through C(/proc/PID/root)).
  returned: when running
  type: str
  sample: /proc/553/root/tmp/keepalived.json
state:
  description: Instance name to its state.
  returned: always
  type: dict
  sample: {"vi_web": "MASTER"}
master_instances:
  description: The instances this host is MASTER of.
  returned: always
  type: list
  elements: str
  sample: ["vi_web"]
instances:
  description: Every VRRP instance of the running keepalived, in its order; empty when
    keepalived does not run.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The C(vrrp_instance) name.
      type: str
      sample: vi_web
    vrid:
      description: The virtual router id.
      type: int
      sample: 77
    state:
      description: C(MASTER), C(BACKUP), C(FAULT), C(INIT), C(STOP) (or C(DELETED)).
      type: str
      sample: MASTER
    state_code:
      description: keepalived's number for the state (0 INIT, 1 BACKUP, 2 MASTER,
        3 FAULT, 97 DELETED, 98 STOP).
      type: int
      sample: 2
    wanted_state:
      description: The state keepalived is heading for (C(wantstate)).
      type: str
      sample: MASTER
    version:
      description: VRRP version, 2 or 3.
      type: int
      sample: 2
    interface:
      description: The interface the instance runs on.
      type: str
      sample: eth0
    vmac_interface:
      description: The VMAC interface (C(use_vmac)), null without one.
      type: str
      sample: null
    priority:
      description: The configured (base) priority.
      type: int
      sample: 101
    effective_priority:
      description: The priority after the weights of tracked scripts and interfaces.
      type: int
      sample: 101
    master_priority:
      description: The priority in the last advert heard from a MASTER (0 when this host
        is MASTER itself or has heard none).
      type: int
      sample: 0
    master_address:
      description: With O(master_addresses), of an instance in BACKUP state, the address
        its MASTER adverts from (keepalived's "Master router"); null otherwise.
      type: str
      returned: with O(master_addresses)
      sample: 198.18.77.11
      version_added: "0.2.0"
    unicast_src_ip:
      description: With O(master_addresses), the address the instance sends its adverts
        from (keepalived's "Using src_ip"); null when keepalived does not say.
      type: str
      returned: with O(master_addresses)
      sample: 198.18.77.12
      version_added: "0.2.0"
    unicast_peers:
      description: With O(master_addresses), the unicast peers the instance sends its
        adverts to, as keepalived runs them now; empty for multicast.
      type: list
      elements: str
      returned: with O(master_addresses)
      sample: [198.18.77.11]
      version_added: "0.2.0"
    advert_int:
      description: Advertisement interval in seconds.
      type: float
      sample: 1
    master_advert_int:
      description: The MASTER's advertisement interval (VRRPv3), in seconds.
      type: float
      sample: 1
    nopreempt:
      description: Whether C(nopreempt) is set.
      type: bool
      sample: false
    preempt_delay:
      description: C(preempt_delay) in seconds.
      type: float
      sample: 0
    vips:
      description: The virtual IPs, C(ADDRESS/PREFIX).
      type: list
      elements: str
      sample: ["198.18.90.69/24"]
    excluded_vips:
      description: The C(virtual_ipaddress_excluded) addresses.
      type: list
      elements: str
      sample: []
    vip_entries:
      description: Every VIP with its C(interface) (the C(dev) keepalived puts it on), C(set)
        (keepalived says it installed it) and C(excluded).
      type: list
      elements: dict
      sample: [{"address": "198.18.90.69/24", "interface": "eth0", "set": true, "excluded": false}]
    vips_set:
      description: keepalived's own view that all VIPs are installed (C(vipset)).
      type: bool
      sample: true
    vips_present:
      description: Per VIP (excluded ones too), whether C(ip addr) shows it on its
        interface. Empty without O(check_addresses).
      type: dict
      sample: {"198.18.90.69/24": true}
    holds_vips:
      description: True when the instance has VIPs and all of them are present; null
        without O(check_addresses).
      type: bool
      sample: true
    track_scripts:
      description: The commands of the tracked C(vrrp_script)s (the dump gives commands,
        not script names).
      type: list
      elements: str
      sample: ["/usr/bin/curl -fsS http://127.0.0.1/"]
    track_interfaces:
      description: Tracked interfaces.
      type: list
      elements: str
      sample: []
    last_transition:
      description: Time of the last state change, seconds since the epoch.
      type: float
      sample: 1795619898.359795
    auth_type:
      description: 0 none, 1 PASS, 2 AH. The password itself is never returned.
      type: int
      sample: 1
    stats:
      description: keepalived's counters (C(advert_rcvd), C(advert_sent), C(become_master),
        C(release_master), C(auth_failure), C(pri_zero_rcvd), ...).
      type: dict
      sample: {"advert_rcvd": 1, "advert_sent": 29, "become_master": 1, "release_master": 0}
'''

import os
import re
import signal
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.failover.keepalived.plugins.module_utils import vrrp_status as status
from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import (
    KeepalivedGone,
    StatusError,
    annotate_vips,
    DATA_DUMP_NAME,
    dump_path,
    parse_ip_json,
    parse_text_dump,
    parse_ip_oneline,
    process_tmpdir,
    read_pid,
    request_dump,
    state_mismatches,
    summarize,
)

# s between two readings while waiting for the expected states (option wait).
WAIT_INTERVAL = 0.2
SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin']


def keepalived_binary(module, pid):
    """The running binary (/proc/PID/exe) when it is still on disk, else keepalived on PATH."""
    try:
        exe = os.readlink(os.path.join(status.PROC, str(pid), 'exe'))
    except OSError:
        exe = None
    if exe and not exe.endswith(' (deleted)') and os.access(exe, os.X_OK):
        return exe
    return module.get_bin_path('keepalived', required=False, opt_dirs=SBIN_DIRS)


def json_signal(module, binary):
    rc, out, err = module.run_command([binary, '--signum=JSON'])
    text = (out or '').strip()
    if rc != 0 or not text.isdigit():
        module.fail_json(
            msg='`%s --signum=JSON` printed %r (rc %d): this keepalived cannot dump its state as '
                'JSON (it needs to be built with --enable-json)' % (binary, (text or err or '').strip()[:200], rc))
    return int(text)


def keepalived_version(module, binary):
    rc, out, err = module.run_command([binary, '--version'])
    match = re.search(r'Keepalived v(\S+)', '%s\n%s' % (out or '', err or ''))
    return match.group(1) if match else None


def read_addresses(module):
    """{ifname: [CIDR]} from `ip -j addr show` (or -o), or (None, warning)."""
    ip = module.get_bin_path('ip', required=False, opt_dirs=SBIN_DIRS)
    if not ip:
        return None, 'no `ip` command (iproute2): VIP presence not checked'
    rc, out, err = module.run_command([ip, '-j', 'addr', 'show'])
    if rc == 0:
        try:
            return parse_ip_json(out), None
        except StatusError:
            pass
    rc, out, err = module.run_command([ip, '-o', 'addr', 'show'])
    if rc != 0:
        return None, '`ip -o addr show` failed (rc %d: %s): VIP presence not checked' % (rc, (err or '').strip())
    return parse_ip_oneline(out), None


def read_status(module, params):
    """One reading of keepalived's state: (result, None), or (result, why) when keepalived
    does not run (or stopped while being asked). Other errors fail the module."""
    result = dict(changed=False, running=False, pid=None, instances=[], state={},
                  master_instances=[])

    pid, why_not = read_pid(params['pid_file'])
    if pid is None:
        if why_not.startswith('stale') or why_not.startswith('cannot'):
            result['warning'] = why_not
        return result, 'keepalived is not running: %s' % why_not

    result.update(running=True, pid=pid)
    binary = keepalived_binary(module, pid)
    if not binary:
        module.fail_json(msg='keepalived runs (pid %d) but no keepalived binary was found to ask '
                             'for its signal number (not in PATH nor %s)' % (pid, ', '.join(SBIN_DIRS)),
                         **result)
    result['keepalived_version'] = keepalived_version(module, binary)
    signum = json_signal(module, binary)
    result['dump_signal'] = signum

    path = dump_path(pid, process_tmpdir(pid))
    result['dump_file'] = path
    try:
        instances = request_dump(pid, signum, params['timeout'], path)
    except KeepalivedGone as exc:
        result['running'] = False
        return result, str(exc)
    except StatusError as exc:
        module.fail_json(msg=str(exc), **result)

    if params['check_addresses']:
        addresses, warning = read_addresses(module)
        if addresses is None:
            module.warn(warning)
            for inst in instances:
                inst.update(vips_present={}, holds_vips=None)
        else:
            annotate_vips(instances, addresses)
    else:
        for inst in instances:
            inst.update(vips_present={}, holds_vips=None)

    if params['master_addresses']:
        _add_master_addresses(module, pid, params['timeout'], instances, result)
    result['instances'] = instances
    result.update(summarize(instances))
    return result, None


def _add_master_addresses(module, pid, timeout, instances, result):
    """Each instance's master_address (BACKUP instances), unicast_src_ip and unicast_peers,
    from SIGUSR1's text dump."""
    names = [inst['name'] for inst in instances]
    try:
        dump = request_dump(pid, signal.SIGUSR1, timeout, dump_path(pid, process_tmpdir(pid), DATA_DUMP_NAME),
                            parse=lambda text: parse_text_dump(text, names))
    except (KeepalivedGone, StatusError) as exc:
        module.fail_json(msg='master_addresses: %s' % exc, **result)
    for inst in instances:
        found = dump.get(inst['name'], {})
        inst['master_address'] = found.get('master_address') if inst['state'] == 'BACKUP' else None
        inst['unicast_src_ip'] = found.get('unicast_src_ip')
        inst['unicast_peers'] = found.get('unicast_peers', [])


def main(sleep=time.sleep, clock=time.monotonic):
    module = AnsibleModule(
        argument_spec=dict(
            pid_file=dict(type='path', default='/run/keepalived.pid'),
            timeout=dict(type='float', default=5),
            require_running=dict(type='bool', default=False),
            check_addresses=dict(type='bool', default=True),
            master_addresses=dict(type='bool', default=False),
            expect=dict(type='list', elements='dict'),
            wait=dict(type='float', default=0),
        ),
        supports_check_mode=True,
    )
    params = module.params
    for name in ('timeout', 'wait'):
        if params[name] < 0:
            module.fail_json(msg='%s must be 0 or more seconds, got %s' % (name, params[name]))
    expect = params['expect']
    if expect is not None:
        for i, inst in enumerate(expect):
            if not isinstance(inst.get('name'), str) or inst.get('state') not in ('MASTER', 'BACKUP'):
                module.fail_json(msg='expect[%d] needs a name and a state (MASTER or BACKUP), got %r'
                                     % (i, inst))

    start = clock()
    deadline = start + (params['wait'] if expect is not None else 0)
    while True:
        result, why_not = read_status(module, params)
        if expect is not None:
            result['mismatches'] = [why_not] if why_not else state_mismatches(result['state'], expect)
            done = not result['mismatches']
        else:
            done = True
        if done or clock() >= deadline:
            break
        sleep(WAIT_INTERVAL)
    if expect is not None:
        result['waited'] = round(clock() - start, 2)
    warning = result.pop('warning', None)
    if why_not:
        if params['require_running']:
            module.fail_json(msg='%s (is the service started? is pid_file right?)' % why_not
                             if why_not.startswith('keepalived is not running') else why_not, **result)
        if warning:
            module.warn(warning)
        result['msg'] = why_not
    module.exit_json(**result)


if __name__ == '__main__':
    main()
