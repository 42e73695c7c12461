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
    for kind in ('filter', 'test'):
        for path in sorted((TOP / 'plugins' / kind).glob('*.yml')):
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


RELEASES = yaml.safe_load((TOP / 'changelogs' / 'changelog.yaml').read_text())['releases']


def _released_in(version):
    """Names of the modules and plugins (KIND:NAME) that the release VERSION first shipped."""
    release = RELEASES.get(version, {})
    names = set('module:%s' % m['name'] for m in release.get('modules', []))
    for kind, plugins in release.get('plugins', {}).items():
        names.update('%s:%s' % (kind, p['name']) for p in plugins)
    return names


def _kind_and_name(path, doc):
    if path.parts[1] == 'modules':
        return 'module:%s' % path.stem
    return '%s:%s' % (path.parts[1], doc['DOCUMENTATION']['name'])


@pytest.mark.parametrize('path,doc', DOCS, ids=[str(p) for p, _d in DOCS])
def test_a_plugin_claims_the_release_it_first_shipped_in(path, doc):
    """A plugin's version_added is a release that lists it as new, or the version being
    made: a plugin added since the last release and labelled with that release would be
    listed as new in no release at all."""
    docs = doc['DOCUMENTATION']
    version = str(docs['version_added'])
    if version != GALAXY_VERSION:
        assert _kind_and_name(path, doc) in _released_in(version), (
            '%s: version_added %s, but the changelog of %s does not list it as new (added since: %s)'
            % (path, version, version, GALAXY_VERSION))


def test_the_check_sees_a_version_newer_than_galaxy_yml():
    late = '%s.1' % GALAXY_VERSION
    found = list(_versions_added({'options': {'x': {'version_added': late}}}, 'doc'))
    assert [v for _w, v in found if LooseVersion(v) > LooseVersion(GALAXY_VERSION)] == [late]
