# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `make lab` lab as the benchmark drives it: docker, keepalived's live state,
the steady state before each repetition, site.yml runs, keepalived's journal.

Only the lab's containers and VIP (inventories/lab: failover-lab-web1/web2, 198.18.77.69)
are touched; every command and every wait is bounded in time.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shlex
import subprocess
import tarfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import core
from lab.spec import load_topology
from lab.vip_holders import holders

# The lab's hosts, their containers and addresses, and the VIP: the topology of
# inventories/lab (the inventory make lab deploys) as lab/spec.py reads it for lab.sh too.
_LAB = load_topology(core.LAB_INVENTORY)
VIP = _LAB.vip
HOSTS = tuple(host for host, _container, _address in _LAB.hosts)
_CONTAINERS = dict((host, container) for host, container, _address in _LAB.hosts)
_ADDRESSES = dict((host, address) for host, _container, address in _LAB.hosts)
URL = 'http://%s/' % VIP
START_HINT = 'start it with `make lab`'

BIN = core.ROOT / '.venv' / 'bin'
PLAYBOOK_LIMIT = 600  # s, one site.yml run (timeout(1) kills its whole process group)


class LabError(RuntimeError):
    """The lab is not usable (not up, or not reaching a steady state)."""


def container(host):
    """The container of a lab host; a host of another lab (bench/topology.py: Molecule's
    containers) is its container's name."""
    return _CONTAINERS.get(host, host)


def vrrp_address(host):
    return _ADDRESSES[host]


# The lab's images (lab/image.sh SUITE) and the Debian release each one is.
SUITES = {'bookworm': 'Debian 12', 'trixie': 'Debian 13'}


def start_lab(suite, log=None):
    """A fresh lab on the image of `suite` (lab/lab.sh down, lab/image.sh, lab/lab.sh up)."""
    env = dict(os.environ, LAB_SUITE=suite)
    for cmd, limit in ((['lab/lab.sh', 'down'], 180), (['lab/image.sh', suite], 900), (['lab/lab.sh', 'up'], 300)):
        if log:
            log('LAB_SUITE=%s %s' % (suite, ' '.join(cmd)))
        res = subprocess.run(cmd, cwd=str(core.ROOT), env=env, capture_output=True, text=True, timeout=limit,
                             check=False)
        if res.returncode != 0:
            raise LabError('LAB_SUITE=%s %s failed (exit %d): %s'
                           % (suite, ' '.join(cmd), res.returncode, (res.stderr or res.stdout)[-400:]))


def keepalived_version(host):
    """keepalived's package version on a host ('' if unknown)."""
    res = dexec(host, 'dpkg-query', '-W', '-f', '${Version}', 'keepalived', timeout=20)
    return res.stdout.strip() if res.returncode == 0 else ''


KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf'
_BFD_NAME = 'bench_bfd'


def keepalived_conf(host, check=True):
    """The keepalived.conf deployed on a host ('' when it cannot be read and not check)."""
    res = dexec(host, 'cat', KEEPALIVED_CONF, timeout=20, check=check)
    return res.stdout if res.returncode == 0 else ''


def enable_bfd(master, backup, timers, weight, log=None):
    """A BFD session between the two hosts in their keepalived.conf, tracked by the
    BACKUP's VRRP instance (weight -WEIGHT reverse: +WEIGHT while the session is down);
    keepalived reloaded. False when it is there already (nothing done)."""
    confs = dict((h, keepalived_conf(h)) for h in (master, backup))
    if all(_BFD_NAME in text for text in confs.values()):
        return False
    for host, peer in ((master, backup), (backup, master)):
        text = confs[host]
        values = (_BFD_NAME, vrrp_address(peer), vrrp_address(host), timers['min_rx'], timers['min_tx'],
                  timers['multiplier'])
        block = ('bfd_instance %s {\n    neighbor_ip %s\n    source_ip %s\n    min_rx %d\n    min_tx %d\n'
                 '    multiplier %d\n}\n\n' % values)
        i = text.index('vrrp_instance ')
        text = text[:i] + block + text[i:]
        if host == backup:
            text = text.replace('\n    virtual_ipaddress {', '\n    track_bfd {\n        %s weight -%d reverse\n'
                                '    }\n    virtual_ipaddress {' % (_BFD_NAME, weight), 1)
        res = subprocess.run(['docker', 'exec', '-i', container(host), 'sh', '-c',
                              'cat > %s' % KEEPALIVED_CONF], input=text, capture_output=True,
                             text=True, timeout=30, check=False)
        if res.returncode != 0:
            raise LabError('writing the BFD configuration on %s failed: %s' % (host, res.stderr[-300:]))
    for host in (backup, master):
        dexec(host, 'systemctl', 'reload', 'keepalived', timeout=60, check=True)
    if log:
        log('BFD session %s between %s and %s (min_rx %d ms, min_tx %d ms, multiplier %d), tracked by %s with '
            'weight -%d reverse' % (_BFD_NAME, master, backup, timers['min_rx'], timers['min_tx'],
                                    timers['multiplier'], backup, weight))
    return True


def deployed_check_timers(host):
    """The vrrp_script timers in the keepalived.conf deployed on a host (the role may have
    raised the plan's to whole seconds), {} when there is none."""
    text = keepalived_conf(host, check=False)
    return core.check_timers_of_config(text) if text else {}


def run(cmd, timeout=60, check=False):
    """Run a command (list), bounded; returns CompletedProcess with text output."""
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LabError('%s: no answer after %ss' % (' '.join(cmd), timeout)) from exc
    if check and res.returncode != 0:
        raise LabError('%s failed (exit %d): %s'
                       % (' '.join(cmd), res.returncode, (res.stderr or res.stdout).strip()[-400:]))
    return res


def dexec(host, *cmd, timeout=30, check=False):
    return run(['docker', 'exec', container(host)] + list(cmd), timeout=timeout, check=check)


def docker_cmd(*args):
    """A docker command line as one string (for lab/probe.py's --fault)."""
    return ' '.join(shlex.quote(a) for a in ('docker',) + args)


def container_state(host):
    res = run(['docker', 'inspect', '-f', '{{.State.Running}} {{.State.Paused}}', container(host)], timeout=20)
    if res.returncode != 0:
        return 'missing'
    running, paused = res.stdout.split()
    if paused == 'true':
        return 'paused'
    return 'running' if running == 'true' else 'stopped'


def check_lab_up(fetch):
    """Raise LabError, naming the command that starts the lab, unless the lab answers."""
    if run(['docker', 'info'], timeout=30).returncode != 0:
        raise LabError('no Docker engine answers: the lab is not up; %s' % START_HINT)
    for host in HOSTS:
        state = container_state(host)
        if state != 'running':
            raise LabError('the lab is not up (%s is %s); %s' % (container(host), state, START_HINT))
    if not any(fetch(URL, 1.0) for _attempt in range(5)):
        raise LabError('the lab\'s VIP %s does not answer over HTTP (site.yml not run?); %s'
                       % (VIP, START_HINT))


def vip_holders():
    """The hosts whose container holds the VIP (lab/vip_holders.py, as lab.sh asks)."""
    return holders(VIP, dict((host, container(host)) for host in HOSTS))


def unit_active(host, unit):
    return dexec(host, 'systemctl', 'is-active', unit, timeout=20).stdout.strip() == 'active'


# keepalived's live state is read on the host as the vrrp_status module reads it:
# lab/keepalived_state.py calls request_dump() of plugins/module_utils/vrrp_status.py. Both
# files (and lab/__init__.py) go into the container as a tar on stdin, laid out as in the
# repository, and run there with the host's python3 -m: the same files, the same import.
READER_DIR = '/run/failover-lab-reader'
READER_FILES = ('lab/__init__.py', 'lab/keepalived_state.py', 'plugins/module_utils/vrrp_status.py')


def reader_command(directory=READER_DIR, *args):
    """The command that unpacks reader_archive() (stdin) into directory and runs it there
    (with args)."""
    script = 'rm -rf {0} && mkdir -p {0} && tar -x -C {0} && cd {0} && exec python3 -m lab.keepalived_state "$@"'
    return ['sh', '-c', script.format(shlex.quote(directory)), 'keepalived_state'] + list(args)


@functools.lru_cache(maxsize=1)
def reader_archive():
    """READER_FILES as a tar (bytes), owned by root, paths relative to the repository."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as tar:
        for name in READER_FILES:
            info = tar.gettarinfo(str(core.ROOT / name), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = 'root'
            info.mode = 0o644
            with open(str(core.ROOT / name), 'rb') as stream:
                tar.addfile(info, stream)
    return buf.getvalue()


def keepalived_instances(host):
    """keepalived's live instances on a host (lab/keepalived_state.py run there), or []
    when keepalived does not answer."""
    try:
        res = subprocess.run(['docker', 'exec', '-i', container(host)] + reader_command(), input=reader_archive(),
                             capture_output=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return []
    if res.returncode != 0:
        return []
    try:
        return json.loads(res.stdout.decode('utf-8', 'replace'))
    except ValueError:
        return []


def states():
    """host -> state of its (first) instance, 'DOWN' when keepalived does not answer."""
    out = {}
    for host in HOSTS:
        inst = keepalived_instances(host)
        out[host] = inst[0]['state'] if inst else 'DOWN'
    return out


def running_timers(host):
    inst = keepalived_instances(host)
    if not inst:
        return None
    i = inst[0]
    return {'state': i['state'], 'version': i['version'], 'advert_int': i['advert_int'],
            'priority': i['priority'], 'effective_priority': i['effective_priority']}


def restart_sec(host):
    """systemd's RestartSec of keepalived on a host, in seconds (None if unknown)."""
    res = dexec(host, 'systemctl', 'show', 'keepalived', '-p', 'RestartUSec', '--value', timeout=20)
    return core.systemd_seconds(res.stdout) if res.returncode == 0 else None


def repair(log=None):
    """Undo what a scenario may have left: paused or stopped container, stopped unit."""
    for host in HOSTS:
        state = container_state(host)
        if state == 'paused':
            run(['docker', 'unpause', container(host)], timeout=60)
        elif state == 'stopped':
            run(['docker', 'start', container(host)], timeout=120)
        if state in ('paused', 'stopped') and log:
            log('repair: %s was %s' % (container(host), state))
    for host in HOSTS:
        if container_state(host) != 'running':
            continue
        for unit in ('apache2', 'keepalived'):
            res = dexec(host, 'systemctl', 'is-active', unit, timeout=20).stdout.strip()
            if res in ('inactive', 'failed'):
                dexec(host, 'systemctl', 'start', unit, timeout=60)
                if log:
                    log('repair: started %s on %s (was %s)' % (unit, host, res))


def wait_steady(fetch, master, backup, quiet_s, limit_s=240, log=None):
    """Wait until `master` holds the VIP alone and answers, keepalived says MASTER there
    and BACKUP on `backup`, then `quiet_s` more seconds (the BACKUP's timers and health
    check settle), checked again. Returns the seconds it took; LabError after limit_s."""
    start = time.monotonic()
    deadline = start + limit_s
    last = 'nothing checked yet'
    repaired_at = start
    while time.monotonic() < deadline:
        if time.monotonic() - repaired_at > 20:
            repair(log)
            repaired_at = time.monotonic()
        if all(container_state(h) == 'running' for h in HOSTS):
            answers = [fetch(URL, 0.5) for _attempt in range(5)]
            holders = vip_holders()
            st = states()
            last = 'answers %s, VIP on %s, states %s' % (answers, holders or 'nobody', st)
            if answers.count(master) >= 4 and holders == [master] and st == {master: 'MASTER', backup: 'BACKUP'}:
                time.sleep(quiet_s)
                if vip_holders() == [master] and fetch(URL, 0.5) == master and states() == st:
                    return round(time.monotonic() - start, 1)
                continue
        else:
            last = 'containers: %s' % dict((h, container_state(h)) for h in HOSTS)
        time.sleep(0.5)
    raise LabError('no steady state (VIP on %s, %s MASTER, %s BACKUP) within %ss: %s'
                   % (master, master, backup, limit_s, last))


def wait_answering(fetch, host, limit_s=120):
    """Wait until `host` answers on the VIP 5 times in a row (bounded)."""
    deadline = time.monotonic() + limit_s
    streak = 0
    while time.monotonic() < deadline:
        streak = streak + 1 if fetch(URL, 0.5) == host else 0
        if streak >= 5:
            return True
        time.sleep(0.05)
    raise LabError('%s did not answer on %s within %ss' % (host, VIP, limit_s))


# --- site.yml ------------------------------------------------------------------------------


SITE = 'site.yml'
SWITCHOVER = 'playbooks/switchover.yml'


def playbook_cmd(extra_vars, log_path, limit=PLAYBOOK_LIMIT, playbook=SITE, inventory='inventories/lab', options=()):
    """`ansible-playbook -i INVENTORY PLAYBOOK [OPTIONS] -e JSON` as one shell command, in
    its own process group under timeout(1) so that nothing of it outlives the bound, with
    its output in log_path."""
    args = [str(BIN / 'ansible-playbook'), '-i', str(inventory), playbook] + list(options)
    if extra_vars:
        args += ['-e', json.dumps(extra_vars, sort_keys=True)]
    inner = 'cd %s && ANSIBLE_CONFIG=%s ANSIBLE_NOCOLOR=1 exec timeout -k 10 %d %s >%s 2>&1' % (
        shlex.quote(str(core.ROOT)), shlex.quote(str(core.ROOT / 'ansible.cfg')), limit, ' '.join(shlex.quote(a) for a in args), shlex.quote(str(log_path)))
    return 'sh -c %s' % shlex.quote(inner)


def run_playbook(extra_vars, log_path, limit=PLAYBOOK_LIMIT, playbook=SITE, inventory='inventories/lab', options=()):
    """Run a playbook (site.yml) on the lab (bounded); returns (seconds, recap dict, exit code)."""
    start = time.monotonic()
    proc = subprocess.run(shlex.split(playbook_cmd(extra_vars, log_path, limit, playbook, inventory, options)),
                          timeout=limit + 30, check=False)
    return round(time.monotonic() - start, 1), recap(log_path), proc.returncode


_RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)')


def recap(log_path):
    """PLAY RECAP of a playbook log: host -> {ok, changed, unreachable, failed}."""
    out = {}
    try:
        text = open(log_path, encoding='utf-8', errors='replace').read()
    except OSError:
        return out
    for line in text.splitlines():
        m = _RECAP.match(line.strip())
        if m:
            out[m.group(1)] = dict(zip(('ok', 'changed', 'unreachable', 'failed'), map(int, m.groups()[1:])))
    return out


# --- keepalived's journal ------------------------------------------------------------------

_EVENT = re.compile(r'Entering (MASTER|BACKUP|FAULT) STATE|Reload|Stopping|Starting VRRP child|BFD|effective priority|'
                    r'Sending signal SIGKILL|Main process exited|'
                    r'priority 0|timed_out|VRRP_Script\(\S+\) (failed|succeeded)|Stopped|Started')


class JournalError(LabError):
    """keepalived's journal of a host could not be read: what it would count is unknown."""


def journal_events(host, since_epoch, until_epoch=None, t0_epoch=None):
    """keepalived's notable journal lines on a host since a wall-clock time (the containers
    share the host's clock): [[ms since t0, host, message], ...]. JournalError when the
    journal cannot be read (an empty list is a journal read that found nothing)."""
    state = container_state(host)
    if state != 'running':
        raise JournalError('the journal of %s cannot be read: its container is %s' % (host, state))
    res = dexec(host, 'journalctl', '-u', 'keepalived', '-o', 'json', '--no-pager',
                '--since', '@%d' % int(since_epoch - 1), timeout=30)
    if res.returncode != 0:
        raise JournalError('journalctl on %s failed (exit %d): %s' % (host, res.returncode, res.stderr.strip()[-200:]))
    events = []
    for line in res.stdout.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        msg = entry.get('MESSAGE')
        if not isinstance(msg, str) or not _EVENT.search(msg):
            continue
        ts = int(entry.get('__REALTIME_TIMESTAMP', 0)) / 1e6
        if ts < since_epoch or (until_epoch is not None and ts > until_epoch):
            continue
        ref = t0_epoch if t0_epoch is not None else since_epoch
        events.append([round((ts - ref) * 1000.0, 1), host, msg.strip()[:160]])
    return events


def transitions(events):
    return [e for e in events if 'Entering' in e[2]]


def git_head():
    """'commit abc123' (+ how many files differ from it: the tree the playbooks ran)."""
    try:
        head = run(['git', '-C', str(core.ROOT), 'rev-parse', '--short=12', 'HEAD'], timeout=30).stdout.strip()
        dirty = run(['git', '-C', str(core.ROOT), 'status', '--porcelain', '--untracked-files=no'],
                    timeout=30).stdout.splitlines()
    except (LabError, OSError):
        return 'commit unknown'
    return 'commit %s%s' % (head or '?', ' + uncommitted changes in %d files' % len(dirty) if dirty else '')


def start_run(name, work, default_command):
    """A benchmark run's id, work directory, logger ('[NAME m:ss] text') and data record
    (command, start time, load average)."""
    run_id = datetime.now().strftime('%Y%m%d-%H%M%S')
    workdir = os.path.join(work, run_id)
    os.makedirs(workdir, exist_ok=True)
    start = time.monotonic()

    def log(text):
        elapsed = time.monotonic() - start
        print('[%s %3d:%02d] %s' % (name, elapsed // 60, elapsed % 60, text), flush=True)

    data = {'run_id': run_id, 'command': os.environ.get('BENCH_COMMAND', default_command),
            'started': datetime.now(timezone.utc).isoformat(timespec='seconds'),
            'loadavg_start': [round(x, 2) for x in os.getloadavg()]}
    return run_id, workdir, log, data


def write_results(out, data, title, setup, table):
    """run-ID.json and results.md ('# TITLE, run ID', the command, SETUP and the load
    average at both ends, then TABLE) in the directory out."""
    data['loadavg_end'] = [round(x, 2) for x in os.getloadavg()]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True) + '\n'
    (out / ('run-%s.json' % data['run_id'])).write_text(text, encoding='utf-8')
    (out / 'results.md').write_text('# %s, run %s\n\n`%s`: %s, load average %s at the start, %s at the end.\n\n%s\n' % (
        title, data['run_id'], data['command'], setup, ' '.join('%.2f' % x for x in data['loadavg_start']),
        ' '.join('%.2f' % x for x in data['loadavg_end']), table), encoding='utf-8')
    return out / 'results.md'
