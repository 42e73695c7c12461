# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/converge.py without a lab: the order of the pairs, medians, ratios, verdicts."""

from __future__ import absolute_import, division, print_function


from bench import converge


def rep(site_first, site_rerun, ref_first, ref_rerun):
    return {'site.yml': {'first': site_first, 'rerun': site_rerun},
            'reference': {'first': ref_first, 'rerun': ref_rerun}}


def test_pairs_alternate_which_playbook_runs_first():
    assert converge.order(1) == ['site.yml', 'reference']
    assert converge.order(2) == ['reference', 'site.yml']
    assert converge.order(3) == ['site.yml', 'reference']


def test_medians_and_ratio_per_pair():
    s = converge.summarize([rep(36, 8, 30, 10), rep(40, 9, 30, 9), rep(33, 7, 31, 8)])
    assert s['first']['site.yml'] == 36 and s['first']['reference'] == 30
    assert s['first']['ratios'] == [1.2, 1.33, 1.06]
    assert s['first']['ratio'] == 1.2 and s['first']['met'] is True
    assert s['rerun']['ratios'] == [0.8, 1.0, 0.88]
    assert s['rerun']['met'] is True


def test_a_ratio_above_the_target_is_missed_and_the_table_says_so():
    reps = [rep(55, 7, 30, 9.5)]
    s = converge.summarize(reps)
    assert s['first']['met'] is False
    table = converge.render_table(s, reps)
    assert '| first converge (fresh containers) | 55.0 s | 30.0 s | 1.83 | 1.83 | missed |' in table
    assert '| idempotent re-run | 7.0 s | 9.5 s | 0.74 | 0.74 | met |' in table
