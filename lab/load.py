# -*- coding: utf-8 -*-
"""Bounded HTTP load on a VIP while a fault (or a playbook run) happens; count every failure.

    python -m lab.load --url http://198.18.12.69/ --rate 150 --duration 12 \
                       --command 'docker exec faults-web1 pkill -9 keepalived' --expect web1,web2

Plans one request every 1/--rate seconds (a slot) from its start until the load ends:
after --duration seconds; with --until-command, --tail seconds after the command exited
(--duration is then only the upper bound; a command still running at that bound is killed
and reported as timed out); with --stop-file, as soon as that file exists (for a load
started in the background, e.g. an Ansible async task, while other tasks inject the
fault). With --command, the command starts --lead seconds after the load.

Each request is one GET on a new connection with --timeout (lab/probe.py's request). It
counts as ok only when it returns a complete, non-empty page, and with --expect one of
the pages named there; every other request counts as failed, with its reason: the
exception's class (TimeoutError, ConnectionRefusedError, IncompleteRead for a body cut
off, ...), 'HTTPError 503', 'empty page', 'unexpected page'. Prints one JSON line:
  planned               slots between the start and the end of the load
  sent, ok, failed      requests with an outcome (sent = ok + failed); lost = planned -
                        sent (a request whose outcome went missing: never expected, and
                        the scenarios assert sent == planned)
  failure_reasons       {reason: count} of the failed requests
  late                  requests that started more than 100 ms after their slot
  answers               {page: count} of the ok requests
  t0_epoch              when the load started (seconds since the epoch)
  timeline              [[ms since t0, page or null], ...] when the answer changed
                        (the first 100; timeline_changes counts them all)
  failure_windows       [[first ms, last ms, count], ...] of consecutive failed slots
                        (the first 100; failure_window_count counts them all)
  failed_ms             sum of the failure windows (each at least one slot long)
  failing_at_end        the last slot failed: an outage still open when the load ended
  recovered_ms          with --command: ms from the command's exit to the first ok slot
                        after the last failed one (0 when no slot failed after the exit;
                        null when failing_at_end)
  latency_ms            p50, p99 and max of the ok requests
  command               its rc, start and end (ms since t0), timed_out, stderr tail
With --output FILE the command's stdout goes to FILE (a playbook's log, for example).
Exit 0 after a complete run (judge the JSON), 1 when --max-failed is exceeded or the
command failed and --require-command-ok is given, 2 on bad use.
Bounded in count and time: at most --rate x --duration requests, and it stops by
--duration + --timeout + a few seconds whatever happens. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor

from lab.probe import request

MAX_RATE = 500
MAX_DURATION = 900
LATE_S = 0.1
MAX_LISTED = 100      # timeline and failure windows listed (the counts are always total)


def _percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(math.ceil(fraction * len(ordered))) - 1)], 1)


def attempt(url, timeout, expect=None):
    """(page, None) for a request that got what it should, else (None, reason)."""
    try:
        page = request(url, timeout)
    except urllib.error.HTTPError as exc:
        return None, 'HTTPError %d' % exc.code
    except urllib.error.URLError as exc:  # the socket's own error inside: name that one
        return None, type(exc.reason).__name__ if isinstance(exc.reason, BaseException) else 'URLError'
    # every other failure counts as well, named by its class (a body cut off mid-way
    # raises http.client.IncompleteRead, which is no OSError)
    except Exception as exc:  # pylint: disable=broad-except
        return None, type(exc).__name__
    if not page:
        return None, 'empty page'
    if expect and page not in expect:
        return None, 'unexpected page'
    return page, None


class Command(object):
    """The fault or the playbook, started in its own thread so the load never waits."""

    def __init__(self, argv, output):
        self.argv, self.output = argv, output
        self.rc, self.started, self.ended, self.timed_out, self.stderr = None, None, None, False, ''
        self.proc = None
        self.done = threading.Event()

    def start(self, t0):
        out = open(self.output, 'w') if self.output else subprocess.DEVNULL
        try:
            self.started = time.monotonic() - t0
            try:
                self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.PIPE,
                                             text=True, start_new_session=True)
            except OSError as exc:
                self.rc, self.stderr = 127, str(exc)
                self.ended = self.started
                self.done.set()
                return
        finally:
            if self.output:
                out.close()

        def wait():
            _out, err = self.proc.communicate()
            self.ended = time.monotonic() - t0
            self.rc, self.stderr = self.proc.returncode, err or ''
            self.done.set()
        threading.Thread(target=wait, daemon=True).start()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.timed_out = True
            try:
                os.killpg(self.proc.pid, 9)
            except OSError:
                self.proc.kill()
            self.done.wait(10)

    def report(self):
        def ms(seconds):
            return None if seconds is None else round(seconds * 1000, 1)
        return {'argv': self.argv, 'rc': self.rc, 'started_ms': ms(self.started),
                'ended_ms': ms(self.ended), 'timed_out': self.timed_out,
                'stderr': self.stderr.strip()[-2000:], 'output': self.output}


def summarize(outcomes, planned, interval, command=None):
    """What the JSON line says about the requests.

    outcomes: [(slot, due_s, started_s, latency_s, page, reason), ...] (reason None: ok);
    planned: slots planned; interval: s between slots; command: Command.report() or None.
    """
    outcomes = sorted(outcomes)
    timeline, windows, answers, latencies, reasons = [], [], {}, [], {}
    previous, late = object(), 0
    for slot, due, started, latency, page, reason in outcomes:
        ms = round(due * 1000, 1)
        if started - due > LATE_S:
            late += 1
        if page != previous:
            timeline.append([ms, page])
            previous = page
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + 1
            if windows and windows[-1][3] == slot - 1:
                windows[-1][1:4] = [ms, windows[-1][2] + 1, slot]
            else:
                windows.append([ms, ms, 1, slot])
        else:
            answers[page] = answers.get(page, 0) + 1
            latencies.append(latency * 1000)
    failed = sum(reasons.values())
    failing_at_end = bool(outcomes) and outcomes[-1][5] is not None
    recovered = None
    if command and command['ended_ms'] is not None and not failing_at_end:
        last_failed = max((o[0] for o in outcomes if o[5] is not None), default=None)
        first_ok_after = next((o[1] * 1000 for o in outcomes
                               if last_failed is not None and o[0] > last_failed), None)
        recovered = 0.0 if first_ok_after is None else round(max(0.0, first_ok_after - command['ended_ms']), 1)
    return {
        'planned': planned, 'sent': len(outcomes), 'lost': planned - len(outcomes),
        'ok': len(outcomes) - failed, 'failed': failed, 'failure_reasons': reasons, 'late': late,
        'answers': answers,
        'timeline': timeline[:MAX_LISTED], 'timeline_changes': len(timeline),
        'failure_windows': [w[:3] for w in windows][:MAX_LISTED],
        'failure_window_count': len(windows),
        'failed_ms': round(sum(w[1] - w[0] + interval * 1000 for w in windows), 1),
        'failing_at_end': failing_at_end, 'recovered_ms': recovered,
        'latency_ms': {'p50': _percentile(latencies, 0.5), 'p99': _percentile(latencies, 0.99),
                       'max': round(max(latencies), 1) if latencies else None},
    }


def load(url, rate, duration, timeout=1.0, command=None, lead=1.0, until_command=False,
         tail=2.0, output=None, stop_file=None, expect=None):
    interval = 1.0 / rate
    workers = min(256, int(math.ceil(rate * timeout)) + 8)
    outcomes = []          # (slot, due_s, started_s, latency_s, page, reason)
    lock = threading.Lock()
    cmd = Command(command, output) if command else None
    t0, t0_epoch = time.monotonic(), time.time()
    hard_end = t0 + duration

    def one(slot, due):
        start = time.monotonic()
        page, reason = attempt(url, timeout, expect)
        done = time.monotonic()
        with lock:
            outcomes.append((slot, due - t0, start - t0, done - start, page, reason))

    slot, end, stopped = 0, hard_end, False
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while True:
            now = time.monotonic()
            if cmd and cmd.started is None and now - t0 >= lead:
                cmd.start(t0)
            if cmd and until_command and cmd.done.is_set() and end == hard_end:
                end = min(hard_end, t0 + cmd.ended + tail)
            if stop_file and not stopped and os.path.exists(stop_file):
                end, stopped = min(end, now), True
            due = t0 + slot * interval
            if due >= end:
                break
            if due > now:
                time.sleep(min(due - now, 0.05))
                continue
            pool.submit(one, slot, due)
            slot += 1
    if cmd and cmd.started is not None and not cmd.done.wait(0 if until_command else 10):
        cmd.kill()                  # still running at the bound: reported as timed out
    total = time.monotonic() - t0
    report = cmd.report() if cmd else None
    return dict(summarize(outcomes, slot, interval, report), **{
        'url': url, 'rate': rate, 'timeout_s': timeout, 'expect': expect,
        'duration_ms': round(total * 1000, 1), 'stopped_by_file': stopped,
        't0_epoch': round(t0_epoch, 3), 'command': report,
    })


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m lab.load', description=__doc__.splitlines()[0])
    parser.add_argument('--url', required=True)
    parser.add_argument('--rate', type=float, default=150, help='requests per second')
    parser.add_argument('--duration', type=float, required=True,
                        help='seconds of load (the upper bound with --until-command)')
    parser.add_argument('--timeout', type=float, default=1.0, help='seconds per request')
    parser.add_argument('--expect', help='comma-separated pages that count as an answer (default: any page)')
    parser.add_argument('--command', help='command run --lead seconds after the load started')
    parser.add_argument('--lead', type=float, default=1.0)
    parser.add_argument('--until-command', action='store_true',
                        help='stop --tail seconds after the command exited')
    parser.add_argument('--tail', type=float, default=2.0)
    parser.add_argument('--output', help="file for the command's stdout")
    parser.add_argument('--stop-file', help='stop the load as soon as this file exists')
    parser.add_argument('--max-failed', type=int, help='exit 1 when more requests failed')
    parser.add_argument('--require-command-ok', action='store_true',
                        help='exit 1 when the command failed or timed out')
    args = parser.parse_args(argv)
    if not 0 < args.rate <= MAX_RATE:
        parser.error('--rate must be in (0, %d]' % MAX_RATE)
    if not 0 < args.duration <= MAX_DURATION:
        parser.error('--duration must be in (0, %d]' % MAX_DURATION)
    if args.timeout <= 0 or args.lead < 0 or args.tail < 0:
        parser.error('--timeout must be > 0, --lead and --tail >= 0')
    if args.until_command and not args.command:
        parser.error('--until-command needs --command')
    expect = [page for page in (args.expect or '').split(',') if page] or None
    result = load(args.url, args.rate, args.duration, args.timeout,
                  shlex.split(args.command) if args.command else None, args.lead,
                  args.until_command, args.tail, args.output, args.stop_file, expect)
    print(json.dumps(result))
    command = result['command']
    if args.require_command_ok and command and (command['rc'] != 0 or command['timed_out']):
        print('command failed (exit %s%s): %s' % (command['rc'],
                                                  ', timed out' if command['timed_out'] else '',
                                                  command['stderr'][-500:]), file=sys.stderr)
        return 1
    if args.max_failed is not None and result['failed'] > args.max_failed:
        print('%d requests failed (at most %d allowed)' % (result['failed'], args.max_failed),
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
