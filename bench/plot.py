# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PNG timelines: one file per scenario, one panel per profile, the median repetition.

x: ms since the fault was started; y: which host answered http://VIP/ (or no answer);
the fault's moment, the outage and the bound are marked, and keepalived's state changes
from the journal are ticks on the top axis.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position

LEVELS = {'web1': 2, 'web2': 1, None: 0}
COLORS = {'web1': '#1f77b4', 'web2': '#ff7f0e', None: '#d62728'}


def median_rep(reps, key=lambda r: r['metrics']['outage_ms']):
    """The repetition whose value is the median (a miss sorts last)."""
    if not reps:
        return None
    ordered = sorted(reps, key=lambda r: math.inf if key(r) is None else key(r))
    return ordered[(len(ordered) - 1) // 2]


def _window(rep, row):
    m = rep['metrics']
    if row in ('switchover', 'switchback') and m.get('first_new_ms') is not None:
        # a playbook run: show the seconds around the move
        centre = m['first_new_ms']
        return max(0.0, centre - 4000.0), min(rep['end_ms'], centre + 2000.0)
    return 0.0 - 50.0, rep['end_ms']


def _marks(rep, lo, hi):
    """(ms, label, colour) of the fault and of keepalived's state changes and reloads."""
    marks = [(0.0, 'fault', 'black')] if lo <= 0.0 <= hi else []
    for ms, host, msg in rep.get('events', []):
        if lo <= ms <= hi and ('Entering' in msg or 'Reload complete' in msg):
            word = 'reloaded' if 'Reload' in msg else msg.split('Entering ')[1].split()[0]
            marks.append((ms, '%s %s' % (host, word), COLORS.get(host, 'gray')))
    return sorted(marks)


def _panel(ax, rep, row, profile, bound_ms):
    lo, hi = _window(rep, row)
    for first, last, body, count in rep['runs']:
        if last < lo or first > hi:
            continue
        width = max(last - first, 0.0)
        step = width / (count - 1) if count > 1 else 10.0
        ax.broken_barh([(first, width + step)], (LEVELS.get(body, 0) - 0.3, 0.6),
                       facecolors=COLORS.get(body, '#7f7f7f'), linewidth=0)
    m = rep['metrics']
    if m.get('outage_ms') is not None and m.get('last_good_ms') is not None:
        ax.axvspan(m['last_good_ms'], m['first_new_ms'], color='#d62728', alpha=0.12, linewidth=0)
    if bound_ms and lo <= bound_ms <= hi:
        ax.axvline(bound_ms, color='#2ca02c', linestyle='--', linewidth=1)
        ax.text(bound_ms, -0.62, ' bound %.0f ms' % bound_ms, fontsize=7, color='#2ca02c', ha='left', va='bottom')
    last_x, level = None, 0
    for ms, label, colour in _marks(rep, lo, hi):
        ax.axvline(ms, ymin=0.05, ymax=0.84, color=colour, linestyle=':', linewidth=0.9)
        # stagger labels that would overlap
        level = (level + 1) % 2 if last_x is not None and ms - last_x < (hi - lo) * 0.12 else 0
        ax.text(ms, 2.62 + 0.3 * level, label, fontsize=7, color=colour, ha='left', va='bottom')
        last_x = ms
    outage = m.get('outage_ms')
    title = '%s, %s profile: outage %s, %d failed probes, then %s' % (
        row, profile, 'still open' if outage is None else '%.0f ms' % outage, m['failed'], m.get('after') or '-')
    if row in ('switchover', 'switchback'):
        title += ' (the playbook started at 0 ms)'
    ax.set_title(title, fontsize=8, loc='left')
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.65, 3.2)
    ax.set_yticks([0, 1, 2])
    ax.set_yticklabels(['no answer', 'web2', 'web1'], fontsize=7)
    ax.tick_params(axis='x', labelsize=7)
    ax.grid(axis='x', linewidth=0.3)


def timeline_png(path, row, panels, dpi=80):
    """panels: [(profile, rep, bound_ms), ...] -> one PNG, a panel per profile."""
    panels = [p for p in panels if p[1] is not None]
    if not panels:
        return None
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 2.1 * len(panels) + 0.3), squeeze=False)
    for ax, (profile, rep, bound_ms) in zip(axes[:, 0], panels):
        _panel(ax, rep, row, profile, bound_ms)
    axes[-1, 0].set_xlabel('ms since the fault started', fontsize=7)
    fig.tight_layout(h_pad=1.2)
    fig.savefig(path, dpi=dpi, pil_kwargs={'optimize': True})
    plt.close(fig)
    return path
