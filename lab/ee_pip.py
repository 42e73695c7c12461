# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What pip installs when the execution environment is built, read from the build context
that `ansible-builder create` writes (from the repository's root):

    python -m lab.ee_pip requirements CONTEXT     one requirement a line

Containers on this machine do not reach PyPI (its TLS does not verify there), so the EE's
base image (lab/ee_base_image.sh) carries a wheelhouse that pip on the machine fills with
exactly these requirements. They come from ansible-builder's own Containerfile, so that the
definition (execution-environment.yml) stays the one source: the packages of every
`pip install` step (variables expanded from the Containerfile's ARG defaults: ansible-core
and ansible-runner), the builder's own tools (bindep, PyYAML, packaging), the init
(dumb-init) and the definition's Python dependencies (_build/requirements.txt, which the
builder stage introspects). Standard library only.
"""

from __future__ import absolute_import, division, print_function

import re
import shlex
import sys
from pathlib import Path

ARG = re.compile(r'^ARG\s+(\w+)(?:=(.*))?$')
VARIABLE = re.compile(r'\$(\w+)|\$\{(\w+)\}')
# pip options of the Containerfile's install steps that take a value as the next word
OPTIONS_WITH_VALUE = ('-r', '--requirement', '-c', '--constraint', '--cache-dir')


class ContextError(ValueError):
    """The build context is not one that `ansible-builder create` writes."""


def _unquote(value):
    words = shlex.split(value or '')
    return ' '.join(words)


def arg_defaults(lines):
    """The Containerfile's ARG NAME="default" values (the first one of each name)."""
    defaults = {}
    for line in lines:
        match = ARG.match(line.strip())
        if match and match.group(1) not in defaults and match.group(2) is not None:
            defaults[match.group(1)] = _unquote(match.group(2))
    return defaults


def _expand(word, defaults):
    return VARIABLE.sub(lambda m: defaults.get(m.group(1) or m.group(2), ''), word)


def install_step_packages(lines, defaults):
    """Requirements named by the `pip install` RUN steps (not their -r files)."""
    packages = []
    for line in lines:
        line = line.strip()
        if not line.startswith('RUN ') or ' pip install ' not in line:
            continue
        words = shlex.split(_expand(line.split(' pip install ', 1)[1], defaults))
        skip = False
        for word in words:
            if skip:
                skip = False
            elif word in ('&&', ';', '|'):
                break
            elif word in OPTIONS_WITH_VALUE:
                skip = True
            elif not word.startswith('-'):
                packages.append(word)
    return packages


def requirements_file(path):
    """The requirement lines of a requirements file (no comments, no blanks)."""
    lines = []
    for line in path.read_text().splitlines():
        line = line.split(' #', 1)[0].strip()
        if line and not line.startswith('#'):
            lines.append(line)
    return lines


def requirements(context):
    """Every requirement the EE build gives pip, in the order found, each once."""
    context = Path(context)
    containerfile = context / 'Containerfile'
    if not containerfile.is_file():
        raise ContextError('%s: no Containerfile (run ansible-builder create)' % context)
    lines = containerfile.read_text().splitlines()
    found = install_step_packages(lines, arg_defaults(lines))
    user = context / '_build' / 'requirements.txt'
    if user.is_file():
        found.extend(requirements_file(user))
    unique = []
    for requirement in found:
        if requirement not in unique:
            unique.append(requirement)
    if not unique:
        raise ContextError('%s: no pip install step found in the Containerfile' % containerfile)
    return unique


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != 'requirements':
        sys.stderr.write('usage: python -m lab.ee_pip requirements CONTEXT\n')
        return 2
    try:
        print('\n'.join(requirements(argv[1])))
    except (ContextError, OSError) as error:
        sys.stderr.write('ERROR: %s\n' % error)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
