# -*- coding: utf-8 -*-
"""Probe a VIP over HTTP while a fault happens, and time the failover.

    python -m lab.probe --url http://198.18.77.69/ --expect web2 --within 2 \
                        --fault 'docker exec web1 systemctl stop keepalived'
    python -m lab.probe --url http://198.18.77.69/ --once     (the page, one GET)

Starts probing (every --interval seconds, each request with --timeout), runs --fault at
t0, and waits until --expect answers --settle times in a row. Prints one JSON line:
  took_ms     t0 -> first answer from --expect
  fault_ms    t0 -> the --fault command exited
  outage_ms   last answer from another host (or t0) -> first answer from --expect
  failed      probes without an answer
  answers     [[ms since t0, body or null], ...] when they changed (the timeline)
  trace       [[ms since t0, body or null], ...] for every probe (only with --trace)
  end_ms      when probing stopped (only with --trace)
With --wait-fault it keeps probing until the --fault command has exited too (a fault
that takes a while, such as a playbook run), still bounded by --within + --grace.
--within counts from the moment the --fault command has exited (fault_ms after the start,
reported): a fault is in place only then, and docker's own latency on a loaded machine
is not the failover time.
With --once it prints the page of one GET (an empty line when none) and exits 0, or 1
without an answer.
Exit 0 when --expect answered within --within seconds, 1 otherwise, 2 on bad use.
Bounded: it stops --within + --grace seconds after the fault command exited, or after
the start when that command does not exit. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request


def request(url, timeout):
    """The page at url (its text, stripped) from one GET on a new connection. Raises on
    anything but a complete answer: no connection, a timeout, an HTTP error status, a
    body cut off before its Content-Length (http.client.IncompleteRead)."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode('utf-8', 'replace').strip()


def fetch(url, timeout):
    """request()'s page, None when the VIP did not answer (no connection, timeout, HTTP
    error). Anything else, such as a truncated body, is raised: the probe stops loudly."""
    try:
        return request(url, timeout)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def probe(url, expect, within, fault=None, interval=0.02, timeout=0.2, grace=3.0, settle=3,
          trace=False, wait_fault=False):
    t0 = time.monotonic()
    proc = subprocess.Popen(shlex.split(fault), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True) if fault else None
    deadline = t0 + within + grace
    timeline, failed, last_other, first_expect, streak = [], 0, None, None, 0
    previous = object()
    every = [] if trace else None
    fault_ms = None if proc else 0.0
    while time.monotonic() < deadline:
        start = time.monotonic()
        body = fetch(url, timeout)
        ms = round((start - t0) * 1000, 1)
        if fault_ms is None and proc.poll() is not None:
            # The clock of --within starts when the fault is in place: the fault command's
            # own latency (docker on a loaded machine) is not the VIP's failover time.
            fault_ms = ms
            deadline = start + within + grace
        if every is not None:
            every.append([ms, body])
        if body != previous:
            timeline.append([ms, body])
            previous = body
        if body is None:
            failed += 1
            streak = 0
        elif body == expect:
            if first_expect is None:
                first_expect = ms
            streak += 1
            if streak >= settle and not (wait_fault and proc and proc.poll() is None):
                break
        else:
            last_other = ms
            first_expect, streak = None, 0
        time.sleep(max(0.0, interval - (time.monotonic() - start)))
    fault_rc, fault_err = None, ''
    if proc:
        try:
            _out, fault_err = proc.communicate(timeout=max(1.0, deadline - time.monotonic() + 10))
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, fault_err = proc.communicate()
        fault_rc = proc.returncode
        if fault_ms is None:
            fault_ms = round((time.monotonic() - t0) * 1000, 1)
    end_ms = round((time.monotonic() - t0) * 1000, 1)
    took = first_expect if streak >= settle else None
    outage = None if took is None else round(took - (last_other or 0.0), 1)
    extra = {'trace': every, 'end_ms': end_ms} if trace else {}
    return dict(extra, **{
        'url': url, 'expect': expect, 'within_ms': within * 1000, 'took_ms': took,
        'outage_ms': outage, 'failed': failed, 'fault_ms': fault_ms,
        'ok': took is not None and took <= within * 1000 + fault_ms,
        'fault': fault, 'fault_rc': fault_rc, 'fault_stderr': (fault_err or '').strip()[-500:],
        'answers': timeline,
    })


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', required=True)
    parser.add_argument('--once', action='store_true', help="print one GET's page and exit")
    parser.add_argument('--expect', help='page body that must answer')
    parser.add_argument('--within', type=float, help='seconds allowed')
    parser.add_argument('--fault', help='command run at t0 (for example docker pause NAME)')
    parser.add_argument('--interval', type=float, default=0.02)
    parser.add_argument('--timeout', type=float, default=0.2)
    parser.add_argument('--grace', type=float, default=3.0,
                        help='seconds to keep probing past --within, to report the real time')
    parser.add_argument('--settle', type=int, default=3,
                        help='answers in a row from --expect that count as done')
    parser.add_argument('--trace', action='store_true',
                        help='also return every probe (trace) and when probing stopped')
    parser.add_argument('--wait-fault', action='store_true',
                        help='keep probing until the --fault command has exited as well')
    args = parser.parse_args(argv)
    if args.once:
        page = fetch(args.url, args.timeout)
        print(page or '')
        return 0 if page is not None else 1
    if args.expect is None or args.within is None:
        parser.error('--expect and --within are needed (or --once)')
    if args.within <= 0 or args.interval <= 0 or args.timeout <= 0:
        parser.error('--within, --interval and --timeout must be > 0')
    result = probe(args.url, args.expect, args.within, args.fault, args.interval,
                   args.timeout, args.grace, args.settle, args.trace, args.wait_fault)
    print(json.dumps(result))
    if result['fault_rc'] not in (None, 0):
        print('fault command failed (exit %s): %s' % (result['fault_rc'], result['fault_stderr']),
              file=sys.stderr)
        return 1
    return 0 if result['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
