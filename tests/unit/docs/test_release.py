# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Release bookkeeping: galaxy.yml holds the version being made (the next release), and no
plugin, option or return value claims to be added in a version after it (antsibull-
changelog lists a plugin as new in the release whose version its version_added names)."""

from __future__ import absolute_import, division, print_function

from pathlib import Path

import pytest
import yaml


from ansible.module_utils.compat.version import LooseVersion

TOP = Path(__file__).resolve().parents[3]

GALAXY_VERSION = yaml.safe_load((TOP / 'galaxy.yml').read_text())['version']


def _versions_added(doc, where):
    """Every version_added in a documentation tree, with where it is."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == 'version_added':
                yield where, str(value)
            else:
                yield from _versions_added(value, '%s.%s' % (where, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _versions_added(value, '%s[%d]' % (where, i))


def _plugin_docs():
    for path in sorted((TOP / 'plugins' / 'modules').glob('*.py')):
        namespace = {}
        source = path.read_text()
        for name in ('DOCUMENTATION', 'RETURN'):
            start = source.index('%s = r\'\'\'' % name) + len(name) + 7
            namespace[name] = yaml.safe_load(source[start:source.index("'''", start)])
        yield path.relative_to(TOP), namespace
    for path in sorted((TOP / 'plugins' / 'filter').glob('*.yml')):
        yield path.relative_to(TOP), yaml.safe_load(path.read_text())


DOCS = list(_plugin_docs())


@pytest.mark.parametrize('path,doc', DOCS, ids=[str(p) for p, _d in DOCS])
def test_nothing_is_added_after_the_version_being_made(path, doc):
    found = list(_versions_added(doc, str(path)))
    assert found, '%s: no version_added' % path
    late = [(where, v) for where, v in found if LooseVersion(v) > LooseVersion(GALAXY_VERSION)]
    assert late == [], 'newer than galaxy.yml %s: %s' % (GALAXY_VERSION, late)


def test_every_version_added_is_a_release_or_the_version_being_made():
    releases = set(yaml.safe_load((TOP / 'changelogs' / 'changelog.yaml').read_text())['releases'])
    releases.add(GALAXY_VERSION)
    for path, doc in DOCS:
        for where, version in _versions_added(doc, str(path)):
            assert version in releases, '%s: version_added %s is no release (%s)' % (
                where, version, ', '.join(sorted(releases)))
