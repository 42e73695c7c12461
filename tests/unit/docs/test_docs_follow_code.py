# -*- coding: utf-8 -*-
"""The documentation follows the code: every setting the plan reads is documented in the
vrrp_plan module and the README, the timer profiles are described as the plan defines
them, every role default is the one its argument spec documents, and the role READMEs
hold what docs/role_docs.py makes of the specs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml


from ansible_collections.failover.keepalived.plugins.modules import vrrp_plan as plan_module
from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    GROUP_SETTINGS,
    GROUPS_VAR,
    HOST_SETTINGS,
    PROFILES,
    VAR_PREFIX,
)

TOP = Path(__file__).resolve().parents[3]

ROLES = ('keepalived', 'apache', 'haproxy')
DOCUMENTATION = yaml.safe_load(plan_module.DOCUMENTATION)


def _flat(value):
    parts = value if isinstance(value, list) else [value]
    return ' '.join(' '.join(str(p).split()) for p in parts)


def _readme_section(title):
    readme = (TOP / 'README.md').read_text()
    start = readme.index(title)
    end = readme.index('\n#', start + len(title))
    return readme[start:end]


def profile_phrase(name):
    """How the docs describe a timer profile: the plan's PROFILES in words."""
    profile = PROFILES[name]
    check = profile['health_check']
    return ('VRRPv%d, advert_int %g s, health check every %g s, timeout %g s, fall %d, rise %d'
            % (profile['version'] or 2, profile['advert_int'], check['interval'], check['timeout'],
               check['fall'], check['rise']))


@pytest.mark.parametrize('key', sorted(GROUP_SETTINGS) + sorted(HOST_SETTINGS))
def test_every_plan_setting_is_in_the_module_description_and_the_readme(key):
    assert 'C(%s%s)' % (VAR_PREFIX, key) in _flat(DOCUMENTATION['description'])
    assert '`%s%s`' % (VAR_PREFIX, key) in _readme_section('### Plan variables')


def test_the_per_group_settings_mapping_is_documented():
    assert 'C(%s)' % GROUPS_VAR in _flat(DOCUMENTATION['description'])
    assert '`%s`' % GROUPS_VAR in _readme_section('### Plan variables')


@pytest.mark.parametrize('key', sorted(GROUP_SETTINGS))
def test_every_group_setting_is_an_override_of_the_groups_option(key):
    assert 'C(%s)' % key in _flat(DOCUMENTATION['options']['groups']['description'])


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_timer_profiles_are_described_as_the_plan_defines_them(name):
    phrase = profile_phrase(name)
    assert 'C(%s): %s' % (name, phrase) in _flat(DOCUMENTATION['description'])
    row = [line for line in _readme_section('### Plan variables').splitlines() if line.startswith('| `vrrp_profile`')]
    assert len(row) == 1 and '`%s`: %s' % (name, phrase) in row[0]


def test_profile_phrase_says_what_the_seed_profile_is():
    # the phrase itself, so that a change of its wording cannot hide a wrong number
    assert profile_phrase('seed') == 'VRRPv2, advert_int 1 s, health check every 1 s, timeout 1 s, fall 2, rise 2'


def _role(role):
    defaults = yaml.safe_load((TOP / 'roles' / role / 'defaults' / 'main.yml').read_text())
    specs = yaml.safe_load((TOP / 'roles' / role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']
    return defaults, specs


@pytest.mark.parametrize('role', ROLES)
def test_role_defaults_are_the_ones_the_argument_spec_documents(role):
    defaults, specs = _role(role)
    options = specs['main']['options']
    assert sorted(defaults) == sorted(options), 'defaults/main.yml and argument_specs main list other variables'
    for name, value in defaults.items():
        option = options[name]
        if 'default' in option:
            assert option['default'] == value, '%s: argument_specs says %r, defaults/main.yml %r' % (
                name, option['default'], value)
        else:
            # no default in the spec: the default is computed, and the description says how
            assert isinstance(value, str) and '{{' in value, '%s: %r is not documented as its default' % (name, value)
            assert 'default' in _flat(option['description']).lower(), name


@pytest.mark.parametrize('role', ROLES)
def test_entry_point_variables_are_main_variables_of_the_same_type(role):
    _defaults, specs = _role(role)
    main = specs['main']['options']
    for entry, spec in specs.items():
        for name, option in (spec.get('options') or {}).items():
            assert name in main, '%s: %s is not a variable of main' % (entry, name)
            assert option.get('type') == main[name].get('type'), '%s: %s' % (entry, name)


def test_role_readmes_hold_the_reference_of_their_argument_specs():
    proc = subprocess.run([sys.executable, str(TOP / 'docs' / 'role_docs.py'), '--check'],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
