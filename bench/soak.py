# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The soak: no fault, a profile deployed, the lab probed for minutes, once under the
machine's normal load and once with every core of the machine saturated by busy loops
(bounded in time). Counted: keepalived's state changes (a false failover is one), failed
probes, changes of the answering host; measured: the gaps between the adverts the BACKUP
receives (the margin to its Master_Down_Interval), adverts a second, and the CPU that
keepalived (with its health checks) takes on each host.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench import faults, lab

# Runs on the BACKUP (its python3, standard library only): receives the VRRP packets
# (IP protocol 112) of the lab's interface for SECONDS and prints, per source address, the
# count and the largest gaps between two of them. Reading a raw socket changes nothing.
_GAPS = r"""
import json, socket, sys, time
seconds, source = float(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.settimeout(0.5)
end = time.monotonic() + seconds
last, gaps, count = None, [], 0
while time.monotonic() < end:
    try:
        data, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if addr[0] != source:
        continue
    now = time.monotonic()
    if last is not None:
        gaps.append(now - last)
    last, count = now, count + 1
gaps.sort()
print(json.dumps({'adverts': count, 'max_gap_ms': round(gaps[-1] * 1000, 1) if gaps else None,
                  'p999_gap_ms': round(gaps[int(len(gaps) * 0.999)] * 1000, 1) if gaps else None,
                  'median_gap_ms': round(gaps[len(gaps) // 2] * 1000, 1) if gaps else None}))
"""

_BUSY = 'import time\nend = time.monotonic() + %f\nwhile time.monotonic() < end:\n    pass\n'


def start_stress(seconds, cores=None):
    """One busy loop per core of the machine, each ending by itself after `seconds`."""
    cores = cores or os.cpu_count() or 1
    return [subprocess.Popen([sys.executable, '-c', _BUSY % seconds]) for _core in range(cores)]


def stop_stress(procs):
    for p in procs:
        if p.poll() is None:
            p.kill()
    for p in procs:
        p.wait(timeout=10)


_TICKS = 'for p in $(pgrep -x keepalived); do cat /proc/$p/stat; done'


def keepalived_cpu_ns(host):
    """CPU time of keepalived's processes on a host, with their reaped children (the health
    checks), in ns: utime + stime + cutime + cstime of /proc/PID/stat (100 ticks a second)."""
    res = lab.dexec(host, 'sh', '-c', _TICKS, timeout=20)
    if res.returncode != 0 or not res.stdout.strip():
        return None
    total = 0
    for line in res.stdout.splitlines():
        fields = line.rsplit(')', 1)[-1].split()  # after "pid (comm)": state is field 3
        total += sum(int(f) for f in fields[11:15])  # fields 14-17 of the line
    return total * 10 ** 7


def phase(ctx, seconds, stressed):
    """One soak phase; returns its counts."""
    backup, master = ctx.backup, ctx.master
    cpu0 = dict((h, keepalived_cpu_ns(h)) for h in lab.HOSTS)
    sniffer = subprocess.Popen(['docker', 'exec', lab.container(backup), 'python3', '-c', _GAPS,
                                '%g' % (seconds + 1), lab.vrrp_address(master)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stress = start_stress(seconds + 2) if stressed else []
    try:
        rec = faults.measure(ctx, None, master, None, seconds, grace=0.0)
    finally:
        stop_stress(stress)
    try:
        out, _err = sniffer.communicate(timeout=30)
        gaps = json.loads(out)
    except (subprocess.TimeoutExpired, ValueError):
        sniffer.kill()
        gaps = {'adverts': None, 'max_gap_ms': None, 'p999_gap_ms': None, 'median_gap_ms': None}
    cpu1 = dict((h, keepalived_cpu_ns(h)) for h in lab.HOSTS)
    m = rec['metrics']
    mdi = ctx.bounds['master_down_interval_backup']
    return {
        'phase': 'CPU stress' if stressed else 'normal load', 'seconds': seconds,
        'cores_stressed': len(stress), 'loadavg_1m': round(os.getloadavg()[0], 2),
        'probes': m['probes'], 'failed': m['failed_total'], 'host_changes': m['host_changes'],
        'transitions': len(lab.transitions(rec['events'])),
        # the journal of every host was read: a count of 0 state changes means none
        'journal_read': not rec['journal_unread'], 'journal_unread': rec['journal_unread'],
        'hc_timeouts': rec['hc_timeouts'],
        'adverts_per_s': round(gaps['adverts'] / (seconds + 1), 1) if gaps.get('adverts') else None,  # sniffed s + 1
        'gaps': gaps, 'mdi_ms': mdi,
        # how many times the largest gap fits into the BACKUP's down timer
        'margin': round(mdi / gaps['max_gap_ms'], 2) if gaps.get('max_gap_ms') else None,
        'cpu_percent': dict((h, round((cpu1[h] - cpu0[h]) / (seconds * 1e7), 2))
                            for h in lab.HOSTS if cpu0[h] is not None and cpu1[h] is not None),
        'events': rec['events'],
    }


def soak(ctx, seconds, log, phases=(False, True)):
    """The phases in order: False the normal load, True the CPU stress."""
    out = []
    for stressed in phases:
        ctx.steady()
        log('profile %s soak: %s, %.0f s' % (ctx.profile, 'CPU stress on %d cores' % (os.cpu_count() or 1)
                                             if stressed else 'normal load', seconds))
        p = phase(ctx, seconds, stressed)
        log('profile %s soak %s: %d probes, %d failed, %d keepalived state changes, largest advert gap %s ms '
            '(MDI %.0f ms, margin %s), keepalived CPU %s' % (
                ctx.profile, p['phase'], p['probes'], p['failed'], p['transitions'], p['gaps'].get('max_gap_ms'),
                p['mdi_ms'], p['margin'], p['cpu_percent']))
        if verdict(p)[0] is None:
            log('profile %s soak %s: NOT MEASURED, %s' % (ctx.profile, p['phase'], verdict(p)[1]))
        out.append(p)
    return out


def verdict(p):
    """A phase's verdict on "no false transition": (met, why). met is False when keepalived
    changed state or the answering host changed, None when what the count rests on was not
    read (keepalived's journals, the advert gaps), True otherwise."""
    if p['transitions'] or p['host_changes']:
        return False, ''
    if p.get('journal_read') is None:
        return None, 'journal read not recorded'
    if not p['journal_read']:
        return None, 'journal not read: %s' % '; '.join(p.get('journal_unread') or [])
    if not (p.get('gaps') or {}).get('adverts'):
        return None, 'advert gaps not read'
    return True, ''


def render_verdict(p):
    met, why = verdict(p)
    return {True: 'met', False: '**MISSED**', None: '**NOT MEASURED** (%s)' % why}[met]


def render_table(rows):
    """rows: [(profile, phase dict)]."""
    lines = ['| Profile | Load | Minutes | Probes | Failed probes | keepalived state changes | Adverts/s '
             '| Advert gap median / 99.9 % / max (ms) | MDI of the BACKUP (ms) | Margin (MDI / max gap) '
             '| keepalived CPU, MASTER / BACKUP (% of a core) | Target: no false transition |',
             '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|']
    for profile, p in rows:
        g = p['gaps']
        cpu = p.get('cpu_percent') or {}
        lines.append('| %s | %s | %g | %d | %d | %d | %s | %s / %s / %s | %.0f | %s | %s | %s |' % (
            profile, p['phase'], round(p['seconds'] / 60.0, 2), p['probes'], p['failed'], p['transitions'],
            '-' if p['adverts_per_s'] is None else '%g' % p['adverts_per_s'],
            g.get('median_gap_ms', '-'), g.get('p999_gap_ms', '-'), g.get('max_gap_ms', '-'), p['mdi_ms'],
            '-' if p['margin'] is None else '%.1f x' % p['margin'],
            ' / '.join('%.2f' % v for v in cpu.values()) or '-', render_verdict(p)))
    return '\n'.join(lines)


def verdict_rows(rows):
    """rows: [(profile, phase dict)] -> lines for core.render_verdict_table."""
    return ['| soak, %s | %s | keepalived state changes (journal) + answering-host changes in %g min | - | %d | '
            'none | %s |' % (p['phase'], profile, round(p['seconds'] / 60.0, 2), p['transitions'] + p['host_changes'],
                             render_verdict(p)) for profile, p in rows]
