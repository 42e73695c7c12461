# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench.docs [--check]: the tables of docs/bench.md, computed again from the
committed results in bench/results by the benchmark's own analysis and report functions.

Each table of docs/bench.md that states a result sits between two markers:

    <!-- bench.docs KIND bench/results/...json -->
    ...
    <!-- /bench.docs -->

and is replaced by what KIND renders from that JSON: outage, takeover, verdicts (every
target and its verdict, the soak's included), soak, lb (the balancer pair), scale (the
plan's cost and its growth exponent). No number or verdict of those tables is written by
hand. --check changes nothing and exits 1 when the page differs from the results (a unit
test runs it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from bench import cli, core, soak, topology

DOC = core.ROOT / 'docs' / 'bench.md'
BLOCK = re.compile(r'(<!-- bench\.docs (\w+) (\S+) -->\n)(.*?)(<!-- /bench\.docs -->)', re.S)


def _soak_rows(data):
    return [(profile, phase) for profile, pdata in data['profiles'].items()
            for phase in pdata.get('soak_phases', [])]


def table(kind, data):
    """The Markdown table of KIND for a run's data."""
    if kind == 'lb':
        return topology.render_table(data)
    if kind == 'scale':
        return '%s\n\nGrowth exponent of the in-process time between the two largest sizes: %s (1 = linear).' % (
            core.render_scale_table(data['plan_scale']), core.growth_exponent(data['plan_scale']))
    if kind == 'soak':
        return soak.render_table(_soak_rows(data))
    summaries = cli.summaries_of(data)
    if kind == 'outage':
        return core.render_outage_table(summaries)
    if kind == 'takeover':
        return core.render_takeover_table(summaries, dict((p, d['bounds']) for p, d in data['profiles'].items()))
    if kind == 'verdicts':
        return core.render_verdict_table(summaries, soak.verdict_rows(_soak_rows(data)))
    raise ValueError('unknown table kind %r' % kind)


def refresh(text):
    """text with every marked table computed again from its JSON."""
    cache = {}

    def block(match):
        opening, kind, path, _old, closing = match.groups()
        if path not in cache:
            cache[path] = json.loads((core.ROOT / path).read_text(encoding='utf-8'))
        return '%s%s\n%s' % (opening, table(kind, cache[path]), closing)
    return BLOCK.sub(block, text)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench.docs', description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='change nothing; exit 1 if docs/bench.md differs')
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding='utf-8')
    fresh = refresh(text)
    if args.check:
        if fresh != text:
            print('docs/bench.md differs from its results: run python -m bench.docs', file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding='utf-8')
    print('docs/bench.md: %d tables computed from bench/results' % len(BLOCK.findall(fresh)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
