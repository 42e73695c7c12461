# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keepalived's live VRRP state: parse its JSON dump, check the VIPs, judge a group.

Plain Python (standard library only, no Ansible imports): the module ``vrrp_status``
runs this on the managed host, the filter ``vrrp_group_verdict`` on the controller.

keepalived writes ``$TMPDIR/keepalived.json`` (``/tmp`` when TMPDIR is unset) when its
main process receives the signal that ``keepalived --signum=JSON`` prints (36 on Debian
12's 2.2.7 and Debian 13's 2.3.3, both built with ``--enable-json``). The file is a list
with one object per ``vrrp_instance``: ``{"data": {...}, "stats": {...}}``; with
``json_version 2`` in ``global_defs`` (2.3.x) the list is wrapped as ``{"vrrp": [...]}``.
The field names are the same on 2.2.7 and 2.3.3 (recorded in
tests/unit/fixtures/keepalived/).

``data.auth_data`` holds the VRRP PASS password in clear: it is never copied out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import ipaddress
import json
import os
import time

# keepalived/include/vrrp.h: VRRP_STATE_INIT 0, _BACK 1, _MAST 2, _FAULT 3 (internal),
# _DELETED 97 (internal), _STOP 98 (internal).
STATE_NAMES = {
    0: 'INIT',
    1: 'BACKUP',
    2: 'MASTER',
    3: 'FAULT',
    97: 'DELETED',
    98: 'STOP',
}
MASTER = 'MASTER'


# stats counters copied as they are (all integers)
STATS_FIELDS = (
    'advert_rcvd', 'advert_sent', 'become_master', 'release_master', 'packet_len_err',
    'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err',
    'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'pri_zero_rcvd',
    'pri_zero_sent',
)


class StatusError(ValueError):
    """keepalived's dump (or ip's output, or a filter input) cannot be understood."""


class KeepalivedGone(StatusError):
    """keepalived stopped between reading its pid file and receiving the dump signal."""


def state_name(code):
    """'MASTER' for 2, ...; a string state is returned upper-cased; unknown -> 'UNKNOWN(n)'."""
    if isinstance(code, str):
        return code.strip().upper()
    if isinstance(code, bool) or not isinstance(code, int):
        raise StatusError('state %r is neither a keepalived state number nor a name' % (code,))
    return STATE_NAMES.get(code, 'UNKNOWN(%d)' % code)


def _cidr(text):
    """'198.18.90.69/24' -> '198.18.90.69/24'; '198.18.90.69' -> '198.18.90.69/32';
    IPv6 compressed ('2001:DB8:0::69/64' -> '2001:db8::69/64')."""
    try:
        iface = ipaddress.ip_interface(text.strip())
    except ValueError:
        raise StatusError('%r is not an IP address' % (text,))
    return '%s/%d' % (iface.ip, iface.network.prefixlen)


def _address(text):
    """The address part only, normalised ('2001:DB8::1/64' -> '2001:db8::1')."""
    return str(ipaddress.ip_interface(text.strip()).ip)


def parse_vip(text):
    """One VIP as keepalived prints it in the dump, e.g.
    '198.18.90.69/24 dev eth0 scope global set' (format_ipaddress(): address/prefix, then
    optional 'brd X', 'dev IF', 'scope S', 'label L', ... and 'set' once installed).

    Returns {'address': CIDR, 'interface': IF or None, 'set': bool}.
    """
    if not isinstance(text, str) or not text.strip():
        raise StatusError('VIP entry %r is not a non-empty string' % (text,))
    words = text.split()
    interface = None
    for i, word in enumerate(words[1:], start=1):
        if word == 'dev' and i + 1 < len(words):
            interface = words[i + 1]
            break
    return {'address': _cidr(words[0]), 'interface': interface, 'set': 'set' in words[1:]}


def _script_command(text):
    """keepalived prints a track_script as its quoted command: "'/usr/bin/true'"."""
    text = str(text)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    return text


def _int(value, default=None):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return default


def _number(value, default=None):
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return value
    return default


def instance_from_entry(entry):
    """One element of keepalived's JSON list -> the clean instance dict."""
    if not isinstance(entry, dict) or not isinstance(entry.get('data'), dict):
        raise StatusError('instance entry without a "data" object: %r' % (entry,))
    data = entry['data']
    name = data.get('iname')
    if not isinstance(name, str) or not name:
        raise StatusError('instance entry without "iname": %r' % (sorted(data),))
    code = _int(data.get('state'))
    if code is None:
        raise StatusError('instance %s: state %r is not a number' % (name, data.get('state')))
    wanted = _int(data.get('wantstate'))

    vip_entries = [parse_vip(v) for v in data.get('vips') or []]
    evip_entries = [parse_vip(v) for v in data.get('evips') or []]
    stats = entry.get('stats') if isinstance(entry.get('stats'), dict) else {}

    instance = {
        'name': name,
        'vrid': _int(data.get('vrid')),
        'state': state_name(code),
        'state_code': code,
        'wanted_state': state_name(wanted) if wanted is not None else None,
        'version': _int(data.get('version')),
        'interface': data.get('ifp_ifname') or None,
        'vmac_interface': data.get('vmac_ifname') or None,
        'priority': _int(data.get('base_priority')),
        'effective_priority': _int(data.get('effective_priority')),
        'master_priority': _int(data.get('master_priority')),
        'advert_int': _number(data.get('adver_int')),
        'master_advert_int': _number(data.get('master_adver_int')),
        'nopreempt': bool(data.get('nopreempt', False)),
        'preempt_delay': _number(data.get('preempt_delay')),
        'vips': [v['address'] for v in vip_entries],
        'excluded_vips': [v['address'] for v in evip_entries],
        'vip_entries': [dict(v, excluded=False) for v in vip_entries] + [dict(v, excluded=True) for v in evip_entries],
        'vips_set': bool(data.get('vipset', False)),
        'track_scripts': [_script_command(s) for s in data.get('track_script') or []],
        'track_interfaces': [str(s) for s in data.get('track_ifp') or []],
        'last_transition': _number(data.get('last_transition')),
        'auth_type': _int(data.get('auth_type')),
        'stats': dict((k, stats[k]) for k in STATS_FIELDS if k in stats),
    }
    return instance


def parse_json_dump(text):
    """The content of keepalived.json (str, bytes, or already decoded) -> list of
    instance dicts (see instance_from_entry), in keepalived's order.

    Accepts json_version 1 (a list) and 2 ({"vrrp": [...], ...}).
    """
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    if isinstance(text, str):
        if not text.strip():
            raise StatusError('the JSON dump is empty')
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise StatusError('the JSON dump is not valid JSON (%s)' % exc)
    else:
        doc = text
    if isinstance(doc, dict):
        if 'vrrp' not in doc:
            raise StatusError('the JSON dump is an object without a "vrrp" list (keys: %s)'
                              % ', '.join(sorted(doc)))
        doc = doc['vrrp']
    if not isinstance(doc, list):
        raise StatusError('the JSON dump is not a list of instances')
    return [instance_from_entry(e) for e in doc]


# --- addresses on the interfaces -------------------------------------------------------

def parse_ip_json(text):
    """Output of `ip -j addr show` -> {ifname: [CIDR, ...]}."""
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    try:
        links = json.loads(text) if isinstance(text, str) else text
    except ValueError as exc:
        raise StatusError('`ip -j addr` printed no valid JSON (%s)' % exc)
    if not isinstance(links, list):
        raise StatusError('`ip -j addr` printed no list of links')
    result = {}
    for link in links:
        if not isinstance(link, dict) or 'ifname' not in link:
            continue
        addrs = result.setdefault(link['ifname'], [])
        for info in link.get('addr_info') or []:
            if not isinstance(info, dict) or info.get('family') not in ('inet', 'inet6'):
                continue
            if 'local' not in info:
                continue
            prefix = info.get('prefixlen')
            addrs.append(_cidr('%s/%s' % (info['local'], prefix) if prefix is not None
                               else info['local']))
    return result


def parse_ip_oneline(text):
    """Output of `ip -o addr show` (for an `ip` without -j) -> {ifname: [CIDR, ...]}.

    Lines look like '2: eth0    inet 198.18.90.21/24 brd 198.18.90.255 scope global eth0\\ ...'.
    """
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    result = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) < 4 or not words[0].endswith(':'):
            continue
        ifname = words[1].split('@', 1)[0]
        addrs = result.setdefault(ifname, [])
        if words[2] not in ('inet', 'inet6'):
            continue
        try:  # 'inet A peer B/P' gives A without a prefix: a host address
            addrs.append(_cidr(words[3]))
        except StatusError:
            continue
    return result


def annotate_vips(instances, addresses):
    """Add to each instance (in place, and returned) whether its VIPs are really there.

    addresses: {ifname: [CIDR, ...]} as parse_ip_json() gives it. A VIP counts as present
    when its address is on the interface it belongs to: the 'dev' of the VIP, else the
    instance's VMAC interface, else the instance's interface.

    Sets ``vips_present`` ({CIDR: bool}, excluded VIPs included) and ``holds_vips`` (true
    when the instance has VIPs and every one of them is present).
    """
    on_if = {}
    for ifname, cidrs in (addresses or {}).items():
        on_if[ifname] = set(_address(c) for c in cidrs)
    for inst in instances:
        present = {}
        for vip in inst.get('vip_entries', []):
            dev = vip.get('interface') or inst.get('vmac_interface') or inst.get('interface')
            present[vip['address']] = _address(vip['address']) in on_if.get(dev, set())
        inst['vips_present'] = present
        inst['holds_vips'] = bool(present) and all(present.values())
    return instances


def summarize(instances):
    """{'state': {name: STATE}, 'master_instances': [names where this host is MASTER]}."""
    return {
        'state': dict((i['name'], i['state']) for i in instances),
        'master_instances': [i['name'] for i in instances if i['state'] == MASTER],
    }


def state_mismatches(actual_states, planned_instances):
    """What keeps a host from its planned VRRP states, as sentences; [] when reached.

    actual_states: {instance name: state} (the vrrp_status module's ``state``).
    planned_instances: this host's instances from the VRRP plan (name, state, nopreempt).
    With nopreempt, who is MASTER depends on history, so MASTER and BACKUP both count.
    """
    actual_states = actual_states or {}
    out = []
    for inst in planned_instances or []:
        name, wanted = inst['name'], inst['state']
        now = actual_states.get(name)
        if now is None:
            out.append('%s: not running in keepalived' % name)
        elif inst.get('nopreempt') and now in (MASTER, 'BACKUP'):
            continue
        elif now != wanted:
            out.append('%s: %s planned, %s now' % (name, wanted, now))
    planned_names = set(inst['name'] for inst in planned_instances or [])
    for name in sorted(set(actual_states) - planned_names):
        out.append('%s: running in keepalived but not in the plan' % name)
    return out


# --- reading the dump on the host ---------------------------------------------------------
# The module vrrp_status and lab/keepalived_state.py (which bench runs inside a lab
# container, with a copy of this file) read keepalived's live state with request_dump().

PROC = '/proc'
DUMP_NAME = 'keepalived.json'
# SIGUSR1's text dump: it says, of a BACKUP instance, which address the MASTER adverts from.
DATA_DUMP_NAME = 'keepalived.data'
DEFAULT_TMPDIR = '/tmp'
POLL_INTERVAL = 0.05


def _read(path, mode='r'):
    with open(path, mode) as f:
        return f.read()


def read_pid(pid_file):
    """(pid, None) for a live keepalived named by pid_file, else (None, why not)."""
    try:
        text = _read(pid_file).strip()
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return None, 'no pid file %s' % pid_file
        return None, 'cannot read pid file %s: %s' % (pid_file, exc.strerror)
    if not text.isdigit() or int(text) <= 0:
        return None, 'pid file %s holds %r, not a pid' % (pid_file, text[:40])
    pid = int(text)
    try:
        comm = _read(os.path.join(PROC, str(pid), 'comm')).strip()
    except (IOError, OSError):
        return None, 'stale pid file %s: no process %d' % (pid_file, pid)
    if comm != 'keepalived':
        return None, 'stale pid file %s: process %d is %s, not keepalived' % (pid_file, pid, comm)
    return pid, None


def process_tmpdir(pid):
    """keepalived writes its dumps to $TMPDIR, /tmp by default."""
    try:
        environ = _read(os.path.join(PROC, str(pid), 'environ'), 'rb')
    except (IOError, OSError):
        return DEFAULT_TMPDIR
    for item in environ.split(b'\0'):
        if item.startswith(b'TMPDIR='):
            value = item[len(b'TMPDIR='):].decode('utf-8', 'replace')
            if value.startswith('/'):
                return value.rstrip('/') or '/'
    return DEFAULT_TMPDIR


def dump_path(pid, tmpdir, name=DUMP_NAME):
    """The dump as seen from here: through /proc/PID/root (PrivateTmp, containers), or
    the plain path when that root cannot be entered."""
    root = os.path.join(PROC, str(pid), 'root')
    inside = os.path.join(tmpdir, name)
    try:
        os.stat(root + tmpdir)
    except OSError:
        return inside
    return root + inside


def become_hint(exc):
    if exc.errno in (errno.EPERM, errno.EACCES):
        return ' (run the task as root: become: true)'
    return ''


def parse_text_dump(text, names):
    """SIGUSR1's text dump -> {instance name: {master_address, unicast_src_ip,
    unicast_peers}}: the MASTER's address of an instance in BACKUP state ("Master router =
    ADDRESS", else None), the address it sends from ("Using src_ip = ADDRESS ..."), and the
    unicast peers it sends to (the lines under "Unicast Peer :", [] for multicast).
    StatusError until every one of names (the instances of the JSON dump) is in the text,
    which tells a complete dump."""
    out, current, in_peers = {}, None, False
    for line in text.splitlines():
        stripped = line.strip()
        key, sep, value = stripped.partition(' = ')
        if line.startswith('------<'):
            current, in_peers = None, False  # the next section: no instance lines
        elif key == 'VRRP Instance':
            current = out.setdefault(value.strip(), {'master_address': None, 'unicast_src_ip': None,
                                                     'unicast_peers': []})
            in_peers = False
        elif current is None:
            continue
        elif stripped == 'Unicast Peer :':
            in_peers = True
        elif in_peers and not sep and stripped and stripped.split()[0].strip('0123456789abcdefABCDEF.:') == '':
            current['unicast_peers'].append(stripped.split()[0])
        else:
            in_peers = False
            if key == 'Master router':
                current['master_address'] = value.strip()
            elif key == 'Using src_ip':
                current['unicast_src_ip'] = value.split()[0] if value.split() else None
    missing = [n for n in names if n not in out]
    if missing:
        raise StatusError('instances %s are not in the dump yet' % ', '.join(missing))
    return out


def wait_for_dump(path, timeout, sleep=time.sleep, clock=time.monotonic, parse=parse_json_dump):
    """(parse(text), None) once path holds a complete dump, else (None, why) at timeout."""
    deadline = clock() + timeout
    last_error = None
    while True:
        try:
            text = _read(path)
        except (IOError, OSError) as exc:
            if exc.errno != errno.ENOENT:
                last_error = 'cannot read %s: %s%s' % (path, exc.strerror, become_hint(exc))
        else:
            try:
                return parse(text), None
            except StatusError as exc:  # not complete yet, or garbage
                last_error = 'the dump %s is not usable: %s' % (path, exc)
        if clock() >= deadline:
            return None, last_error
        sleep(POLL_INTERVAL)


def remove_dump(path):
    """Remove a dump (a stale one before the signal; after reading, because it holds the
    PASS password in clear). StatusError when it exists and cannot be removed."""
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise StatusError('cannot remove the old dump %s: %s%s' % (path, exc.strerror, become_hint(exc)))


def request_dump(pid, signum, timeout, path=None, parse=parse_json_dump):
    """keepalived's live instances: the dump that its main process (pid) writes when it
    receives signal signum (``keepalived --signum=JSON``), read once complete, parsed
    (parse: another dump's reader, for SIGUSR1's text dump).

    path: where the dump appears as seen from here (dump_path() of the process when None).
    No copy of the dump is left behind, stale or new (both hold the PASS password in
    clear). Raises KeepalivedGone when the process is gone before the signal, StatusError
    when the dump cannot be had.
    """
    if path is None:
        path = dump_path(pid, process_tmpdir(pid))
    remove_dump(path)
    try:
        os.kill(pid, signum)
    except OSError as exc:
        if exc.errno == errno.ESRCH:
            raise KeepalivedGone('keepalived (pid %d) stopped while being asked for its state' % pid)
        raise StatusError('cannot send signal %d to keepalived (pid %d): %s%s'
                          % (signum, pid, exc.strerror, become_hint(exc)))
    instances, why = wait_for_dump(path, timeout, parse=parse)
    remove_dump(path)
    if instances is None:
        raise StatusError(
            'keepalived (pid %d) did not write a complete %s within %s s after signal %d%s. '
            'keepalived writes nothing when it has no vrrp_instance; see its log '
            '(journalctl -u keepalived) for "Printing VRRP as json"'
            % (pid, path, timeout, signum, ': %s' % why if why else ''))
    return instances
