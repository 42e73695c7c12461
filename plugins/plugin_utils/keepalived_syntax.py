# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What keepalived's configuration parser reads as one word, as keepalived.conf(5) says:
the one place where the collection checks a string that it writes into keepalived.conf.

keepalived splits a line at blanks; '#' and '!' start a comment anywhere in a line; '"'
and "'" start a quoted string; '{' and '}' open and close blocks; a backslash escapes the
next character; '$NAME' and '${NAME}' are replaced by a parameter of that name (keepalived
defines some itself, starting with '_'). Lengths are in bytes: keepalived takes at most 8
bytes of auth_pass and an interface name of at most 15 (IFNAMSIZ less its NUL).

Controller only (the plan and the filter keepalived_token_problem), plain Python.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

AUTH_PASS_MAX_BYTES = 8
INTERFACE_MAX_BYTES = 15

# What ends or changes a bare word, with the reason a user reads.
_REASONS = (
    (re.compile(r'[ \t]'), 'a blank, which ends a word'),
    (re.compile(r'[\r\n\x0b\x0c]'), 'a line break'),
    (re.compile(r'[\x00-\x08\x0e-\x1f\x7f]'), 'a control character'),
    (re.compile(r'[#!]'), "'#' or '!', which starts a comment"),
    (re.compile(r'\$[{A-Za-z_]'), "'$' before a name, which keepalived replaces by a parameter"),
    (re.compile(r'["\']'), 'a quote, which starts a quoted string'),
    (re.compile(r'[{}]'), 'a brace, which opens or closes a block'),
    (re.compile(r'\\'), 'a backslash, which escapes the next character'),
)


def token_problem(text, max_bytes=None):
    """Why keepalived would not read text as this one word, or None when it would.
    max_bytes: the most bytes (UTF-8) keepalived takes of it."""
    if not isinstance(text, str):
        return 'not a string: %r' % (text,)
    if not text:
        return 'empty'
    for pattern, reason in _REASONS:
        if pattern.search(text):
            return 'holds %s in keepalived.conf' % reason
    size = len(text.encode('utf-8'))
    if max_bytes is not None and size > max_bytes:
        return ('is %d bytes (%d characters); keepalived takes at most %d bytes'
                % (size, len(text), max_bytes))
    return None
