# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keepalived's live VRRP instances on this host, as one JSON line: the benchmark's view of
a lab host, read exactly as the vrrp_status module reads it (request_dump() of
plugins/module_utils/vrrp_status.py).

    python3 -m lab.keepalived_state [--pid-file /run/keepalived.pid] [--timeout 4]

It runs inside a lab container, from a directory that holds a copy of lab/ and of
plugins/module_utils/vrrp_status.py laid out as in the repository (bench/lab.py ships
them there with `docker exec`): the host's python3, standard library only.
Exit 0 with the instances (a JSON list), 3 when keepalived does not run, 4 when it did
not give its state.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from plugins.module_utils import vrrp_status

NOT_RUNNING = 3
NO_STATE = 4
SIGNUM_TIMEOUT = 10  # s, `keepalived --signum=JSON`


def json_signal(keepalived='keepalived'):
    """The signal that makes keepalived write its JSON dump (`keepalived --signum=JSON`)."""
    out = subprocess.run([keepalived, '--signum=JSON'], capture_output=True, text=True,
                         timeout=SIGNUM_TIMEOUT, check=False).stdout.strip()
    if not out.isdigit():
        raise vrrp_status.StatusError('`%s --signum=JSON` printed %r: no JSON dump in this keepalived'
                                      % (keepalived, out[:80]))
    return int(out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python3 -m lab.keepalived_state', description=__doc__.splitlines()[0])
    parser.add_argument('--pid-file', default='/run/keepalived.pid')
    parser.add_argument('--timeout', type=float, default=4.0, help='seconds to wait for the dump')
    args = parser.parse_args(argv)
    pid, why = vrrp_status.read_pid(args.pid_file)
    if pid is None:
        print(why, file=sys.stderr)
        return NOT_RUNNING
    try:
        instances = vrrp_status.request_dump(pid, json_signal(), args.timeout)
    except vrrp_status.KeepalivedGone as exc:
        print(exc, file=sys.stderr)
        return NOT_RUNNING
    except (vrrp_status.StatusError, OSError, subprocess.SubprocessError) as exc:
        print(exc, file=sys.stderr)
        return NO_STATE
    print(json.dumps(instances))
    return 0


if __name__ == '__main__':
    sys.exit(main())
