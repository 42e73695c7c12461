# -*- coding: utf-8 -*-
"""keepalived_auth_pass is required with PASS only where it is used: a group whose
instances are all VRRPv3 (RFC 5798 has no authentication) renders without one and gets
no authentication block; a VRRPv2 group without one stops with the host and the variable
named."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import STAND_IN, render

INVENTORY = Path(__file__).resolve().parent / 'inventories' / 'three_nodes.yml'
NO_PASS = dict(STAND_IN, keepalived_auth_pass="''")


def test_vrrpv3_group_needs_no_password(tmp_path):
    out = render(INVENTORY, tmp_path, extra_vars=dict(NO_PASS, vrrp_version=3))
    assert sorted(out) == ['n1', 'n2', 'n3']
    for text in out.values():
        assert 'version 3' in text
        assert 'authentication' not in text and 'auth_pass' not in text


def test_vrrpv2_group_needs_a_password(tmp_path):
    with pytest.raises(AssertionError) as err:
        render(INVENTORY, tmp_path, extra_vars=dict(NO_PASS, vrrp_version=2))
    assert 'host n1: keepalived_auth_pass: empty' in str(err.value)
