# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keepalived_syntax: a string is one word of keepalived.conf exactly when keepalived's
parser would read it so (keepalived.conf(5): blanks, comments, quotes, braces, escapes,
parameter substitution, byte lengths)."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.failover.keepalived.plugins.plugin_utils.keepalived_syntax import (
    AUTH_PASS_MAX_BYTES,
    INTERFACE_MAX_BYTES,
    token_problem,
)


@pytest.mark.parametrize('text', ['vi_web', 'eth0.77', 'bond0:1', 'p4ss-w0rd', 'web-1_a', 'x$', 'a$1', 'héllo'])
def test_words_keepalived_reads_as_written(text):
    assert token_problem(text) is None


@pytest.mark.parametrize('text,reason', [
    ('vi web', 'a blank, which ends a word'),
    ('vi\tweb', 'a blank, which ends a word'),
    ('vi\nweb', 'a line break'),
    ('vi\x07web', 'a control character'),
    ('web#1', "'#' or '!', which starts a comment"),
    ('web!', "'#' or '!', which starts a comment"),
    ('we"b', 'a quote, which starts a quoted string'),
    ("we'b", 'a quote, which starts a quoted string'),
    ('web{', 'a brace, which opens or closes a block'),
    ('}', 'a brace, which opens or closes a block'),
    ('we\\b', 'a backslash, which escapes the next character'),
    ('$PRIORITY', "'$' before a name, which keepalived replaces by a parameter"),
    ('pa${_RANDOM}', "'$' before a name, which keepalived replaces by a parameter"),
])
def test_what_keepalived_reads_otherwise_is_named(text, reason):
    assert token_problem(text) == 'holds %s in keepalived.conf' % reason


def test_lengths_count_bytes_as_keepalived_does():
    # 8 letters of two bytes each: 8 characters, 16 bytes
    assert token_problem('äöüäöüäö', AUTH_PASS_MAX_BYTES) == (
        'is 16 bytes (8 characters); keepalived takes at most 8 bytes')
    assert token_problem('abcdefgh', AUTH_PASS_MAX_BYTES) is None
    assert token_problem('a' * 16, INTERFACE_MAX_BYTES) == (
        'is 16 bytes (16 characters); keepalived takes at most 15 bytes')
    assert token_problem('a' * 15, INTERFACE_MAX_BYTES) is None


@pytest.mark.parametrize('value', ['', None, 5])
def test_nothing_or_no_string_is_no_word(value):
    assert token_problem(value) in ('empty', 'not a string: %r' % (value,))
