# -*- coding: utf-8 -*-
"""A small reader of keepalived.conf, to compare two configurations by meaning: comments,
blank lines, indentation and the order of options and list entries do not count, and a
virtual IP without a prefix is the same as one with /32 (/128)."""

from __future__ import annotations

import netaddr

LIST_BLOCKS = ('virtual_ipaddress', 'virtual_ipaddress_excluded', 'unicast_peer',
               'track_script', 'track_interface', 'group')


def _lines(text):
    for raw in text.splitlines():
        line = raw.split('#', 1)[0].split('!', 1)[0].strip()
        if line:
            yield line


def parse(text):
    """keepalived.conf -> nested tuples: ((keyword, args, children or None), ...)."""
    root = []
    stack = [('', root)]
    for line in _lines(text):
        if line == '}':
            name, children = stack.pop()
            continue
        opens = line.endswith('{')
        tokens = line.rstrip('{').split()
        if opens:
            children = []
            stack[-1][1].append((tokens[0], tuple(tokens[1:]), children))
            stack.append((tokens[0], children))
        else:
            parent = stack[-1][0]
            if parent in ('virtual_ipaddress', 'virtual_ipaddress_excluded'):
                tokens[0] = str(netaddr.IPNetwork(tokens[0]))
            stack[-1][1].append((tokens[0], tuple(tokens[1:]), None))
    if len(stack) != 1:
        raise ValueError('unbalanced braces: block %s is not closed' % stack[-1][0])
    return normalise(root)


def normalise(entries):
    out = []
    for keyword, args, children in entries:
        out.append((keyword, args, None if children is None else normalise(children)))
    return tuple(sorted(out, key=repr))


def options(parsed, block):
    """The options of the first block named `block`, as a dict keyword -> args or children."""
    for keyword, args, children in parsed:
        if keyword == block:
            return dict((k, c if c is not None else a) for k, a, c in children)
    raise KeyError(block)
