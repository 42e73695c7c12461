# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter keepalived_token_problem: the collection's one check of a string that goes
into keepalived.conf (plugin_utils/keepalived_syntax.py), for the roles' validation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.failover.keepalived.plugins.plugin_utils.keepalived_syntax import (
    token_problem,
)


def keepalived_token_problem(value, max_bytes=None):
    """Why keepalived would not read value as one word ('' when it would)."""
    return token_problem(value if isinstance(value, str) else str(value), max_bytes) or ''


class FilterModule(object):
    def filters(self):
        return {'keepalived_token_problem': keepalived_token_problem}
