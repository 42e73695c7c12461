# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench.handover: the gap of each move from the VIP's removal on one host to its addition
on the other, negative when both held it."""

from __future__ import annotations

from bench import handover


def test_each_addition_is_measured_from_the_nearest_removal_on_another_host():
    events = [
        (10.000, 'a', 'del'), (10.012, 'b', 'add'),     # a handover: 12 ms without a holder
        (20.001, 'a', 'add'), (20.003, 'b', 'del'),     # a preemption: both held it for 2 ms
        (30.000, 'b', 'add'),                            # no removal near it: not a move
    ]
    assert handover.gaps(events) == [12.0, -2.0]


def test_a_removal_on_the_same_host_does_not_count():
    assert handover.gaps([(1.0, 'a', 'del'), (1.001, 'a', 'add')]) == []
