# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VRRP plan (plugins/module_utils/vrrp_plan.py): good inputs give the seed's
priorities, states, peers and VRIDs; every bad input is a PlanError naming host and
variable."""

from __future__ import absolute_import, division, print_function

import zlib

import pytest

from ansible_collections.failover.keepalived.plugins.module_utils import vrrp_plan as vp
from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_plan import (
    PlanError,
    derived_vrid,
    master_down_interval,
    parse_ip,
    plan_from_inventory,
    plan_groups,
    vip_to_cidr,
)

from ..._helpers import build_inventory  # noqa: F401  (replaced below if absent)


def _view(plan, host, name=None):
    views = plan['hosts'][host]
    if name is None:
        assert len(views) == 1, views
        return views[0]
    matches = [v for v in views if v['name'] == name]
    assert len(matches) == 1, (name, views)
    return matches[0]


def _dual_stack(n=2, v6_net='2001:db8::', first=11):
    """host_vars giving every host one IPv4 and one IPv6 address."""
    return dict(('web%d' % (i + 1), {'vrrp_address': ['192.168.56.%d' % (first + i),
                                                      '%s%d' % (v6_net, first + i)]})
                for i in range(n))
