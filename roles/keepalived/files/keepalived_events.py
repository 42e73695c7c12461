# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keepalived-events: keepalived's state changes to the journal and to node_exporter.

Run as `python3 keepalived_events.py --fifo FIFO [...]` (the keepalived role installs it as
/usr/local/libexec/failover-keepalived/keepalived-events, started by its systemd unit).

Reads keepalived's notify_fifo (lines such as ``INSTANCE "vi_1" MASTER 101``), writes each
VRRP state change to the journal with structured fields (VRRP_INSTANCE, VRRP_VIPS,
VRRP_OLD_STATE, VRRP_NEW_STATE, VRRP_PRIORITY, ...) and, with --metrics, keeps a
node_exporter textfile with each instance's state, priority, number of state changes and
the time of the last one. The keepalived role runs it as an unprivileged systemd service.

It makes the fifo itself (mode 0600, its own user) and holds it open for reading and
writing: keepalived, which runs as root, opens a fifo that exists and never removes it,
and a keepalived restart or reload is no end of file here. Python's standard library
only; the journal is written through its native protocol (a datagram on its socket).
"""

from __future__ import absolute_import, division, print_function

import argparse
import errno
import json
import os
import re
import socket
import stat
import sys
import time

IDENTIFIER = 'failover-keepalived-events'
# journalctl MESSAGE_ID=... finds every VRRP state change this reader wrote
MESSAGE_ID = '5b1e3f0c8a2d4f6e9c7b1a0d2e4f6a81'
JOURNAL_SOCKET = '/run/systemd/journal/socket'
# The states the metrics always list (keepalived's vrrp_notify.c names them so).
STATES = ('MASTER', 'BACKUP', 'FAULT', 'STOP')
# keepalived writes "%s \"%s\" %s %d\n": INSTANCE or GROUP, the name, the state or event,
# the effective priority (0 for a group). The keepalived role writes CURRENT lines of the
# same shape: the state keepalived is in now, for a reader that started after keepalived.
LINE = re.compile(r'^(INSTANCE|GROUP|CURRENT) "([^"]*)" ([A-Z_]+) (-?[0-9]+)$')
# What a line reports when it is not a state: a priority change (notify_priority_changes)
# or a MASTER that heard a lower priority.
PRIORITY_EVENTS = ('MASTER_PRIORITY', 'BACKUP_PRIORITY')
# syslog priorities of the journal entries
NOTICE, WARNING, INFO = 5, 4, 6


def parse_line(line):
    """One line of the fifo -> {'kind', 'name', 'state', 'priority'}, or None when the
    line is not a VRRP instance or group line (the checker's VS/RS lines, garbage)."""
    match = LINE.match(line.strip())
    if not match:
        return None
    kind, name, state, priority = match.groups()
    return {'kind': kind, 'name': name, 'state': state, 'priority': int(priority)}


def apply_event(status, event, now):
    """Update status ({instance: {'state', 'priority', 'transitions', 'last_transition'}})
    with one parsed INSTANCE line. Returns the old state (None when it was not known) when
    the line is a state change, else False."""
    entry = status.setdefault(event['name'], {'state': None, 'priority': None, 'transitions': 0,
                                              'last_transition': None})
    entry['priority'] = event['priority']
    if event['state'] in PRIORITY_EVENTS or event['state'] == 'MASTER_RX_LOWER_PRI':
        return False
    old = entry['state']
    if old == event['state']:
        return False
    entry['state'] = event['state']
    entry['transitions'] += 1
    entry['last_transition'] = now
    return old


def learn_state(status, event):
    """A CURRENT line: the state keepalived is in now (the role read it), which keepalived
    itself reports only when it changes. Not a state change: no count, no time. Returns
    whether it told the reader something new."""
    entry = status.setdefault(event['name'], {'state': None, 'priority': None, 'transitions': 0,
                                              'last_transition': None})
    new = (entry['state'], entry['priority']) != (event['state'], event['priority'])
    entry['state'], entry['priority'] = event['state'], event['priority']
    return new


def journal_fields(event, old, info):
    """The journal entry of a state change. info: what the role knows of the instance
    ({'vips', 'vrid', 'interface', 'group'}), possibly empty."""
    vips = ' '.join(info.get('vips') or [])
    fields = {
        'MESSAGE': 'VRRP instance %s: %s -> %s (priority %d%s)' % (
            event['name'], old or 'UNKNOWN', event['state'], event['priority'],
            ', VIPs %s' % vips if vips else ''),
        'MESSAGE_ID': MESSAGE_ID,
        'PRIORITY': str(WARNING if event['state'] == 'FAULT' else NOTICE),
        'SYSLOG_IDENTIFIER': IDENTIFIER,
        'VRRP_INSTANCE': event['name'],
        'VRRP_OLD_STATE': old or 'UNKNOWN',
        'VRRP_NEW_STATE': event['state'],
        'VRRP_PRIORITY': str(event['priority']),
        'VRRP_VIPS': vips,
    }
    for key in ('vrid', 'interface', 'group'):
        if info.get(key) not in (None, ''):
            fields['VRRP_%s' % key.upper()] = str(info[key])
    return fields


def plain_fields(message, priority=INFO, **extra):
    fields = {'MESSAGE': message, 'PRIORITY': str(priority), 'SYSLOG_IDENTIFIER': IDENTIFIER}
    fields.update(extra)
    return fields


def journal_datagram(fields):
    """The journal's native protocol: KEY=value lines; a value holding a line break is
    sent as KEY, a line break, its length (64 bit little endian) and the bytes."""
    out = bytearray()
    for key in sorted(fields):
        value = fields[key].encode('utf-8')
        if b'\n' in value:
            out += key.encode('ascii') + b'\n' + len(value).to_bytes(8, 'little') + value + b'\n'
        else:
            out += key.encode('ascii') + b'=' + value + b'\n'
    return bytes(out)


class Journal(object):
    """Sends entries to the journal's socket; without one (not under systemd) prints the
    message on stdout."""

    def __init__(self, path=JOURNAL_SOCKET):
        self.path = path
        self.sock = None
        if path and os.path.exists(path):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)

    def send(self, fields):
        if self.sock is not None:
            try:
                self.sock.sendto(journal_datagram(fields), self.path)
                return
            except OSError as exc:
                print('%s: journal socket %s: %s' % (IDENTIFIER, self.path, exc), file=sys.stderr)
        print(fields['MESSAGE'])
        sys.stdout.flush()


def _label(value):
    return str(value).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def metrics_text(status, instances):
    """node_exporter textfile (Prometheus text format) of status. instances: what the role
    configured ({instance: {'vips', 'vrid', 'interface'}}); when given, only those
    instances are listed (one removed from keepalived.conf drops out)."""
    names = sorted(instances) if instances else sorted(status)
    known = dict((n, status.get(n, {})) for n in names)
    lines = []

    def family(name, kind, help_text, samples):
        lines.extend(['# HELP %s %s' % (name, help_text), '# TYPE %s %s' % (name, kind)] + samples)

    def states(entry):
        # the usual four, and a state keepalived named that is not one of them (DELETED)
        return STATES + ((entry['state'],) if entry.get('state') not in (None,) + STATES else ())

    family('failover_keepalived_vrrp_state', 'gauge',
           'Whether the VRRP instance is in this state (1) or not (0), as keepalived last reported it.',
           ['failover_keepalived_vrrp_state{vrrp_instance="%s",state="%s"} %d'
            % (_label(n), s, int(e.get('state') == s)) for n, e in sorted(known.items()) for s in states(e)])
    family('failover_keepalived_vrrp_priority', 'gauge',
           'Effective priority of the VRRP instance at its last event.',
           ['failover_keepalived_vrrp_priority{vrrp_instance="%s"} %d' % (_label(n), e['priority'])
            for n, e in sorted(known.items()) if e.get('priority') is not None])
    family('failover_keepalived_vrrp_transitions_total', 'counter',
           'State changes of the VRRP instance that keepalived reported.',
           ['failover_keepalived_vrrp_transitions_total{vrrp_instance="%s"} %d' % (_label(n), e.get('transitions', 0))
            for n, e in sorted(known.items())])
    family('failover_keepalived_vrrp_last_transition_timestamp_seconds', 'gauge',
           'Unix time of the last state change of the VRRP instance.',
           ['failover_keepalived_vrrp_last_transition_timestamp_seconds{vrrp_instance="%s"} %.3f'
            % (_label(n), e['last_transition']) for n, e in sorted(known.items()) if e.get('last_transition')])
    family('failover_keepalived_vrrp_instance_info', 'gauge',
           'The VRRP instances of this host as the keepalived role configured them.',
           ['failover_keepalived_vrrp_instance_info{vrrp_instance="%s",vrid="%s",interface="%s",vips="%s"} 1'
            % (_label(n), _label(instances[n].get('vrid', '')), _label(instances[n].get('interface', '')),
               _label(' '.join(instances[n].get('vips') or []))) for n in names if n in instances])
    return '\n'.join(lines) + '\n'


def write_atomically(path, text):
    """Write text to path through a temporary file in the same directory and a rename, so
    that a reader (node_exporter) never sees half a file."""
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def load_json(path, default):
    try:
        with open(path) as f:
            value = json.load(f)
    except (OSError, ValueError):
        return default
    return value if isinstance(value, type(default)) else default


def open_fifo(path):
    """Make the fifo when it is missing and open it for reading and writing (no end of
    file when keepalived closes it on a reload or restart)."""
    try:
        os.mkfifo(path, 0o600)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise
    if not stat.S_ISFIFO(os.lstat(path).st_mode):
        raise SystemExit('%s: %s exists and is not a fifo' % (IDENTIFIER, path))
    return os.open(path, os.O_RDWR | os.O_CLOEXEC)


class Reader(object):
    def __init__(self, args, journal, clock=time.time):
        self.args = args
        self.journal = journal
        self.clock = clock
        self.status = load_json(args.state, {}) if args.state else {}

    def instances(self):
        # read on every event: the role rewrites it when the plan changes, no restart needed
        return load_json(self.args.instances, {}) if self.args.instances else {}

    def save(self):
        if self.args.state:
            write_atomically(self.args.state, json.dumps(self.status, sort_keys=True) + '\n')
        if self.args.metrics:
            write_atomically(self.args.metrics, metrics_text(self.status, self.instances()))

    def handle(self, line):
        event = parse_line(line)
        if event is None:
            if line.strip():
                self.journal.send(plain_fields('keepalived: %s' % line.strip()))
            return
        if event['kind'] == 'CURRENT':
            if learn_state(self.status, event):
                self.journal.send(plain_fields('VRRP instance %s is %s (priority %d), as keepalived reports it now'
                                               % (event['name'], event['state'], event['priority']),
                                               VRRP_INSTANCE=event['name'], VRRP_STATE=event['state']))
                self.save()
            return
        if event['kind'] == 'GROUP':
            self.journal.send(plain_fields('VRRP sync group %s: %s' % (event['name'], event['state']), NOTICE,
                                           VRRP_GROUP=event['name'], VRRP_NEW_STATE=event['state']))
            return
        old = apply_event(self.status, event, self.clock())
        if old is not False:
            self.journal.send(journal_fields(event, old, self.instances().get(event['name'], {})))
        elif event['state'] == 'MASTER_RX_LOWER_PRI':
            self.journal.send(plain_fields('VRRP instance %s: MASTER heard a lower priority' % event['name'],
                                           VRRP_INSTANCE=event['name']))
        self.save()

    def run(self, fd):
        self.save()
        pending = b''
        while True:
            data = os.read(fd, 4096)
            pending += data
            *lines, pending = pending.split(b'\n')
            for line in lines:
                self.handle(line.decode('utf-8', 'replace'))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--fifo', required=True, help="keepalived's notify_fifo (made when missing)")
    parser.add_argument('--instances', help='JSON {instance: {vips, vrid, interface, group}} written by the role')
    parser.add_argument('--state', help='JSON file that keeps the states and counters across restarts')
    parser.add_argument('--metrics', help='node_exporter textfile to keep current (written atomically)')
    parser.add_argument('--journal-socket', default=JOURNAL_SOCKET, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    reader = Reader(args, Journal(args.journal_socket))
    fd = open_fifo(args.fifo)
    reader.run(fd)


if __name__ == '__main__':
    main()
