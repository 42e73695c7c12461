#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write each role's reference (entry points and variables) into its README.md from the
role's meta/argument_specs.yml, so that the README cannot drift from the specs.

    .venv/bin/python docs/role_docs.py            # rewrite roles/*/README.md
    .venv/bin/python docs/role_docs.py --check    # exit 1 when one is out of date

Only the block between ``<!-- reference: meta/argument_specs.yml -->`` and
``<!-- end reference -->`` is written; the rest of a README (what the role is for, an
example) is prose kept by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

TOP = Path(__file__).resolve().parents[1]
BEGIN = '<!-- reference: meta/argument_specs.yml -->'
END = '<!-- end reference -->'
BLOCK = re.compile(re.escape(BEGIN) + r'\n.*?' + re.escape(END), re.S)
# Ansible's documentation markup -> Markdown: C(x), O(x), V(x), RV(x), M(x) as code.
MARKUP = re.compile(r'\b(?:C|O|V|RV|M|P)\(([^()]*)\)')
ITALIC = re.compile(r'\bI\(([^()]*)\)')


def text(value):
    """A description (a string or a list of paragraphs) as one Markdown paragraph."""
    parts = value if isinstance(value, list) else [value or '']
    joined = ' '.join(' '.join(str(p).split()) for p in parts)
    return ITALIC.sub(r'*\1*', MARKUP.sub(r'`\1`', joined)).replace('|', '\\|')


def default_of(option):
    if 'default' not in option:
        return 'see meaning'
    value = option['default']
    shown = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    if shown.endswith('\n...'):
        shown = shown[:-4].strip()
    if shown.endswith('...'):
        shown = shown[:-3].strip()
    return '`%s`' % (shown if shown != "''" else '""')


def type_of(option):
    kind = option.get('type', 'str')
    if kind == 'list' and option.get('elements'):
        kind = 'list of %s' % option['elements']
    if option.get('choices'):
        kind += ': ' + ', '.join('`%s`' % c for c in option['choices'])
    return kind


def entry_point(name, spec, main_options):
    """One entry point: its descriptions, and a table of its variables (those it shares
    with main as names only)."""
    lines = ['### `%s`' % name, '', text(spec.get('short_description', '')) + '.', '']
    if spec.get('description'):
        lines += [text(spec['description']), '']
    options = spec.get('options') or {}
    own = dict((k, v) for k, v in options.items() if name == 'main' or main_options.get(k) != v)
    shared = [k for k in options if k not in own]
    if own:
        lines += ['| variable | type | default | meaning |', '| --- | --- | --- | --- |']
        lines += ['| `%s` | %s | %s | %s |' % (k, type_of(v), default_of(v), text(v.get('description')))
                  for k, v in own.items()]
        lines.append('')
    if shared:
        lines += ['Variables as for `main`: %s.' % ', '.join('`%s`' % k for k in shared), '']
    return lines


def reference(role_dir):
    """The generated block of a role's README."""
    specs = yaml.safe_load((role_dir / 'meta' / 'argument_specs.yml').read_text())['argument_specs']
    main_options = specs.get('main', {}).get('options') or {}
    lines = [BEGIN, '', '## Entry points and variables', '',
             'Generated from `meta/argument_specs.yml` by `docs/role_docs.py`; every default is in',
             '`defaults/main.yml`. "see meaning": the default is computed, as the meaning says.', '']
    for name in ['main'] + sorted(k for k in specs if k != 'main'):
        if name in specs:
            lines += entry_point(name, specs[name], main_options)
    return '\n'.join(lines) + END


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--check', action='store_true', help='exit 1 when a README is out of date')
    args = parser.parse_args(argv)
    stale = []
    for role_dir in sorted((TOP / 'roles').iterdir()):
        readme = role_dir / 'README.md'
        if not (role_dir / 'meta' / 'argument_specs.yml').is_file():
            continue
        old = readme.read_text() if readme.is_file() else ''
        if not BLOCK.search(old):
            print('%s: no %s ... %s block' % (readme.relative_to(TOP), BEGIN, END), file=sys.stderr)
            stale.append(readme)
            continue
        new = BLOCK.sub(lambda _m: reference(role_dir), old)
        if new != old:
            stale.append(readme)
            if not args.check:
                readme.write_text(new)
    if args.check and stale:
        print('out of date (run docs/role_docs.py): %s' % ', '.join(str(p.relative_to(TOP)) for p in stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
