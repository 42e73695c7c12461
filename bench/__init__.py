# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failover benchmark of failover.keepalived on the `make lab` lab (`make bench`).

core     pure logic: timer profiles, bounds, outage from a probe trace, targets, tables
lab      the lab: docker, keepalived state, steady state, site.yml runs, journal events
faults   the scenarios: what is broken, how it is repaired, what is probed
scale    convergence figures and the plan module's cost on synthetic inventories
plot     PNG timelines
cli      `python -m bench`
"""
