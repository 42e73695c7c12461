# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verdict on one ansible-runner job, read from its artifacts (never from its output):

    python -m lab.ee_job ARTIFACT_DIR --hosts web1,web2 [--unchanged] [--collections-path DIR]

ARTIFACT_DIR is PRIVATE_DATA_DIR/artifacts/IDENT, what AWX keeps of a job too: the files
`status` (successful, failed, timeout, canceled) and `rc`, and `job_events/*.json`, whose
`playbook_on_stats` event holds the host summary (the PLAY RECAP's numbers, per host).
The job passes when its status is `successful`, its rc 0, its stats event exists, every
host of --hosts was processed, no host failed or was unreachable and, with --unchanged,
no host (localhost included) changed anything: a re-run of a deploy. With
--collections-path, every task of failover.keepalived ran from that collections path (the
EE's /usr/share/ansible/collections), none from another copy (events' task_path).

Prints one JSON object: ident, status, rc, seconds (first event to the stats event),
hosts ({host: {ok, changed, failures, unreachable, skipped, rescued, ignored}}), the
playbook's events counted by kind, the collections paths failover.keepalived's tasks ran
from, and `problems` (empty when the job passes). Exit 0 when
it passes, 1 when not, 2 on bad use. Standard library only.
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

COUNTERS = ('ok', 'changed', 'failures', 'dark', 'skipped', 'rescued', 'ignored')
# the summary's names: `dark` is what the PLAY RECAP calls unreachable
NAMES = {'dark': 'unreachable'}
# where a task of this collection comes from: COLLECTIONS_PATH/ansible_collections/failover/keepalived/...
TASK_PATH = re.compile(r'^(.*)/ansible_collections/failover/keepalived/')


def read_events(artifact_dir):
    """Every event of the job, in the order of their counter."""
    events = []
    for path in (Path(artifact_dir) / 'job_events').glob('*.json'):
        try:
            events.append(json.loads(path.read_text()))
        except ValueError:
            # runner writes each event file at once; a partial one is a broken job
            events.append({'event': 'unreadable', 'counter': -1, 'file': path.name})
    return sorted(events, key=lambda event: event.get('counter', -1))


def _read(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _seconds(events):
    stamps = []
    for event in events:
        try:
            stamps.append(datetime.fromisoformat(event['created']))
        except (KeyError, TypeError, ValueError):
            continue
    if len(stamps) < 2:
        return None
    return round((max(stamps) - min(stamps)).total_seconds(), 1)


def collections_paths(events):
    """The collections paths that failover.keepalived's tasks ran from."""
    paths = set()
    for event in events:
        match = TASK_PATH.match(str((event.get('event_data') or {}).get('task_path') or ''))
        if match:
            paths.add(match.group(1))
    return sorted(paths)


def summary(artifact_dir, hosts=(), unchanged=False, collections_path=None):
    """The job's summary and the list of reasons it does not pass."""
    artifact_dir = Path(artifact_dir)
    status = _read(artifact_dir / 'status')
    rc = _read(artifact_dir / 'rc')
    events = read_events(artifact_dir)
    stats = [event for event in events if event.get('event') == 'playbook_on_stats']
    problems = []
    if status != 'successful':
        problems.append('status is %s, not successful' % status)
    if rc != '0':
        problems.append('rc is %s, not 0' % rc)
    if not events:
        problems.append('no job events in %s' % (artifact_dir / 'job_events'))
    if [event for event in events if event.get('event') == 'unreadable']:
        problems.append('unreadable job event files')
    per_host = {}
    if len(stats) != 1:
        problems.append('%d playbook_on_stats events, not 1' % len(stats))
    else:
        data = stats[0].get('event_data', {})
        seen = set(data.get('processed', {}))
        for counter in COUNTERS:
            seen.update(data.get(counter) or {})
        for host in sorted(seen):
            per_host[host] = dict(
                (NAMES.get(counter, counter), int((data.get(counter) or {}).get(host, 0)))
                for counter in COUNTERS)
        for host in hosts:
            if host not in per_host:
                problems.append('%s is not in the host summary' % host)
        for host, counts in sorted(per_host.items()):
            if counts['failures'] or counts['unreachable']:
                problems.append('%s: failures=%d unreachable=%d' % (host, counts['failures'], counts['unreachable']))
            if unchanged and counts['changed']:
                problems.append('%s: changed=%d on a re-run' % (host, counts['changed']))
    ran_from = collections_paths(events)
    if collections_path is not None and ran_from != [collections_path.rstrip('/')]:
        problems.append('failover.keepalived ran from %s, not only from %s' % (ran_from or 'nowhere', collections_path))
    kinds = {}
    for event in events:
        kinds[event.get('event')] = kinds.get(event.get('event'), 0) + 1
    return {
        'ident': artifact_dir.name,
        'status': status,
        'rc': None if rc is None else int(rc) if rc.lstrip('-').isdigit() else rc,
        'seconds': _seconds(events),
        'hosts': per_host,
        'events': kinds,
        'collections_paths': ran_from,
        'problems': problems,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m lab.ee_job', description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('artifact_dir', help='PRIVATE_DATA_DIR/artifacts/IDENT')
    parser.add_argument('--hosts', default='', help='hosts that must be in the summary, comma-separated')
    parser.add_argument('--unchanged', action='store_true', help='no host may have changed anything')
    parser.add_argument('--collections-path', help="failover.keepalived's tasks must all run from here")
    args = parser.parse_args(argv)
    if not Path(args.artifact_dir).is_dir():
        sys.stderr.write('ERROR: %s is not a directory\n' % args.artifact_dir)
        return 2
    hosts = [host for host in args.hosts.split(',') if host]
    result = summary(args.artifact_dir, hosts, args.unchanged, args.collections_path)
    print(json.dumps(result, sort_keys=True))
    return 1 if result['problems'] else 0


if __name__ == '__main__':
    sys.exit(main())
