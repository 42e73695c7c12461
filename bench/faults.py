# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scenarios: each repetition starts from the steady state (planned MASTER holds the
VIP, the BACKUP is BACKUP), breaks something on the MASTER while lab/probe.py probes the
VIP, and repairs it. The switchover moves the VIP with playbooks/switchover.yml
(-e vrrp_master=HOST, the collection's own plan) and back.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

from bench import core, lab


class Context:
    """What a repetition needs: the prober, its settings, the profile and a log."""

    def __init__(self, probe, profile, extra_vars, timers, bounds, interval, timeout, workdir, log):
        self.probe = probe
        self.profile = profile
        self.extra_vars = dict(extra_vars)
        self.timers = timers
        self.bounds = bounds
        self.interval = interval
        self.timeout = timeout
        self.workdir = workdir
        self.log = log
        self.master = timers['master']
        self.backup = timers['backup']

    def fetch(self, url, timeout):
        return self.probe.fetch(url, timeout)

    @property
    def quiet_s(self):
        """Settling time after the steady state is seen: the BACKUP hears a few adverts and
        its health check has risen."""
        return max(1.0, 3 * self.timers['advert_int']) + 0.5

    def steady(self, master=None, backup=None):
        return lab.wait_steady(self.fetch, master or self.master, backup or self.backup,
                               self.quiet_s, log=self.log)


def _seconds(ms):
    return (ms or 0.0) / 1000.0


def measure(ctx, fault, before, expect, within, settle=30, wait_fault=False, grace=2.0):
    """Probe the VIP while `fault` runs (lab/probe.py with its full trace), then analyse."""
    started = time.time()
    load = os.getloadavg()[0]
    res = ctx.probe.probe(lab.URL, expect, within, fault, ctx.interval, ctx.timeout, grace, settle,
                          trace=True, wait_fault=wait_fault)
    ended = time.time()
    runs = core.to_runs(res['trace'])
    events, unread = [], []
    for host in lab.HOSTS:
        try:
            events += lab.journal_events(host, started, ended, t0_epoch=started)
        except lab.JournalError as exc:
            unread.append(str(exc))
    events.sort()
    return {
        # hosts whose journal could not be read: their state changes are unknown
        'journal_unread': unread,
        # keepalived's health check timed out: curl slower than its timeout (load); such a
        # repetition may hold a false failover
        'hc_timeouts': sum(1 for e in events if 'timed_out' in e[2]),
        'fault': fault, 'before': before, 'expect': expect, 'within_s': within,
        'probe_interval_ms': ctx.interval * 1000.0, 'probe_timeout_ms': ctx.timeout * 1000.0,
        'started': datetime.fromtimestamp(started, timezone.utc).isoformat(timespec='milliseconds'),
        'loadavg_1m': round(load, 2), 'end_ms': res['end_ms'], 'took_ms': res['took_ms'],
        'fault_rc': res['fault_rc'], 'fault_stderr': res['fault_stderr'],
        'metrics': core.analyze(runs, before, res['end_ms']), 'runs': runs, 'events': events,
    }


def _dx(host, *cmd):
    return lab.docker_cmd('exec', lab.container(host), *cmd)


def _simple(ctx, fault, repair, within):
    """Break the MASTER with `fault`, probe until the BACKUP answers, repair."""
    rec = measure(ctx, fault, ctx.master, ctx.backup, within)
    if repair:
        lab.run(repair, timeout=180)
    return rec


def graceful(ctx):
    m = ctx.master
    return [_simple(ctx, _dx(m, 'systemctl', 'stop', 'keepalived'),
                    ['docker', 'exec', lab.container(m), 'systemctl', 'start', 'keepalived'],
                    3 * _seconds(ctx.bounds['graceful']) + 3)]


def crash(ctx):
    # every process of the unit gets SIGKILL; Restart=on-failure brings keepalived back
    # after RestartSec. A fixed window: who answers, when, and the way back.
    t = ctx.timers
    window = t['restart_sec'] + 2 + 2 * _seconds(ctx.bounds['crash']) + 2
    fault = _dx(ctx.master, 'systemctl', 'kill', '--signal=SIGKILL', 'keepalived.service')
    return [measure(ctx, fault, ctx.master, None, window, grace=0.0)]


def freeze(ctx):
    c = lab.container(ctx.master)
    return [_simple(ctx, lab.docker_cmd('pause', c), ['docker', 'unpause', c],
                    3 * _seconds(ctx.bounds['freeze']) + 3)]


def stop(ctx):
    c = lab.container(ctx.master)
    return [_simple(ctx, lab.docker_cmd('stop', '-t', '10', c), ['docker', 'start', c],
                    3 * _seconds(ctx.bounds['stop']) + 13)]


def apache(ctx):
    m = ctx.master
    return [_simple(ctx, _dx(m, 'systemctl', 'stop', 'apache2'),
                    ['docker', 'exec', lab.container(m), 'systemctl', 'start', 'apache2'],
                    3 * _seconds(ctx.bounds['apache']) + 3)]


def return_(ctx):
    """The former MASTER comes back (keepalived started) and preempts."""
    m, b = ctx.master, ctx.backup
    lab.dexec(m, 'systemctl', 'stop', 'keepalived', timeout=60, check=True)
    lab.wait_answering(ctx.fetch, b)
    time.sleep(ctx.quiet_s)
    mdi = _seconds(ctx.bounds['takeover_new_master'])
    rec = measure(ctx, _dx(m, 'systemctl', 'start', 'keepalived'), b, m, 3 * mdi + 8)
    rec['row'] = 'return'
    return [core.reanalyze(rec)]


def _move(ctx, to_host, from_host, name):
    log_path = os.path.join(ctx.workdir, '%s-%s-%d.log' % (ctx.profile, name, int(time.time() * 1000)))
    extra = dict(ctx.extra_vars, vrrp_master=to_host)
    fault = lab.playbook_cmd(extra, log_path, playbook=lab.SWITCHOVER)
    rec = measure(ctx, fault, from_host, to_host, lab.PLAYBOOK_LIMIT + 20, settle=30, wait_fault=True)
    rec['row'] = name
    rec['playbook'] = {'playbook': lab.SWITCHOVER, 'extra_vars': extra, 'recap': lab.recap(log_path),
                       'log': os.path.basename(log_path)}
    # judged from the new MASTER's reload on, see core.move_analysis
    return core.reanalyze(rec)


def switchover(ctx):
    """playbooks/switchover.yml -e vrrp_master=BACKUP (measured), then back with
    vrrp_master=MASTER (measured too: the switchback row)."""
    there = _move(ctx, ctx.backup, ctx.master, 'switchover')
    ctx.steady(ctx.backup, ctx.master)
    back = _move(ctx, ctx.master, ctx.backup, 'switchback')
    return [there, back]


def freeze_bfd(ctx):
    """freeze with a BFD session between the hosts, tracked by the BACKUP (lab.enable_bfd:
    keepalived.conf rewritten on both, once; the next site.yml run undoes it)."""
    if lab.enable_bfd(ctx.master, ctx.backup, core.BFD, core.BFD_WEIGHT, ctx.log):
        ctx.steady()
    rec = freeze(ctx)[0]
    rec['row'] = 'freeze_bfd'
    return [core.reanalyze(rec)]


RUNNERS = {
    'graceful': graceful, 'crash': crash, 'freeze': freeze, 'stop': stop,
    'apache': apache, 'switchover': switchover, 'return': return_, 'freeze_bfd': freeze_bfd,
}
