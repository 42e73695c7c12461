# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test keepalived_token: the collection's one check of a string that goes into
keepalived.conf (plugin_utils/keepalived_syntax.py), for the roles' validation; the filter
keepalived_token_problem says why a string fails it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.failover.keepalived.plugins.plugin_utils.keepalived_syntax import (
    token_problem,
)


def keepalived_token(value, max_bytes=None):
    """Whether keepalived reads value as this one word (of at most max_bytes bytes)."""
    return token_problem(value if isinstance(value, str) else str(value), max_bytes) is None


class TestModule(object):
    def tests(self):
        return {'keepalived_token': keepalived_token}
