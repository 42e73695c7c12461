# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which lab containers hold a VIP: the one check of lab/lab.sh, vagrant/test.sh and the
benchmark (bench imports it). Standard library only.

    python -m lab.vip_holders 198.18.77.69 web1=failover-lab-web1 web2=failover-lab-web2

prints the names (before '=') of the hosts whose container has the VIP on an interface,
one a line, in the order given. A container that does not answer holds nothing. Every
docker command is bounded in time.
"""

from __future__ import absolute_import, division, print_function

import subprocess
import sys

TIMEOUT = 20  # s, one docker exec


def holds(container, vip, timeout=TIMEOUT):
    """Whether the container has vip (an address, no prefix) on one of its interfaces."""
    try:
        res = subprocess.run(['docker', 'exec', container, 'ip', '-o', 'addr', 'show'],
                             capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return False
    return res.returncode == 0 and (' %s/' % vip) in res.stdout


def holders(vip, containers, timeout=TIMEOUT):
    """The names of containers ({name: container}, in order) that hold vip."""
    return [name for name, container in containers.items() if holds(container, vip, timeout)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or not all('=' in pair for pair in argv[1:]):
        print('usage: python -m lab.vip_holders VIP NAME=CONTAINER...', file=sys.stderr)
        return 2
    containers = dict(pair.split('=', 1) for pair in argv[1:])
    for name in holders(argv[0], containers):
        print(name)
    return 0


if __name__ == '__main__':
    sys.exit(main())
