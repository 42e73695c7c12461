# -*- coding: utf-8 -*-
"""The plan reaches the roles and plays without facts injected as variables.

failover.keepalived.vrrp_plan returns the plan as a fact (ansible_facts of its result):
a top-level variable keepalived_vrrp_plan only while INJECT_FACTS_AS_VARS is on, which
ansible-core 2.20 deprecates and 2.24 turns off. Every render of tests/render runs with
it off (conftest.render); here the seed renders the same with it on, and no play, role
or documented example reads the plan as a top-level variable."""

from __future__ import annotations

import re

import yaml

from conftest import TOP, render

# The plan's name read as a variable (keepalived_vrrp_plan, hostvars[h].keepalived_vrrp_plan,
# hostvars[h]['keepalived_vrrp_plan']) other than through ansible_facts (ansible_facts.X,
# ansible_facts['X']) or in the roles' fallback to a variable set by hand, which reads it by
# lookup: a guard (`X if 'keepalived_vrrp_plan' in ansible_facts else keepalived_vrrp_plan`)
# is not enough, since Jinja looks up every name a template mentions before it evaluates
# any branch (ansible-core 2.21 warned of the injected fact on such a guarded read).
NAME = re.compile(r"(?<!\w)keepalived_vrrp_plan\b")
THROUGH_FACTS = re.compile(r"ansible_facts(\.|\[')$")
FALLBACK = ("'keepalived_vrrp_plan' in ansible_facts | default({}) "
            "else lookup('ansible.builtin.vars', 'keepalived_vrrp_plan', default={})")


def top_level(text):
    """Whether the expression reads the plan as a top-level (injected) variable."""
    text = ' '.join(text.split()).replace(FALLBACK, '')
    return any(not THROUGH_FACTS.search(text[:m.start()]) for m in NAME.finditer(text))


# keys whose values are Jinja expressions without {{ }}
EXPRESSIONS = ('when', 'that', 'var', 'changed_when', 'failed_when', 'until', 'loop', 'with_items')


def expressions(node, key=None):
    """Every templated string (or bare expression) in a YAML document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from expressions(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from expressions(item, key)
    elif isinstance(node, str) and ('{{' in node or '{%' in node or key in EXPRESSIONS):
        yield node


def documents():
    """(name, YAML documents) of the plays, roles' YAML files, Molecule's and the render's plays,
    filters' docs and modules' EXAMPLES."""
    for path in sorted(TOP.glob('playbooks/**/*.yml')) + sorted(TOP.glob('roles/*/*/*.yml')) \
            + sorted(TOP.glob('plugins/filter/*.yml')) + sorted(TOP.glob('molecule/**/*.yml')) \
            + sorted(TOP.glob('tests/render/*.yml')) + [TOP / 'site.yml']:
        if any(part.startswith('.') for part in path.relative_to(TOP).parts):
            continue  # Molecule's own state (molecule/*/.molecule)
        yield path.relative_to(TOP), list(yaml.safe_load_all(path.read_text()))
    for path in sorted(TOP.glob('plugins/modules/*.py')):
        text = path.read_text()
        examples = re.search(r"^EXAMPLES = r\'\'\'\n(.*?)^\'\'\'", text, re.S | re.M)
        if examples:
            yield path.relative_to(TOP), [yaml.safe_load(examples.group(1))]


def test_seed_renders_the_same_with_facts_injected(seed_rendered, tmp_path):
    assert render(TOP / 'inventories' / 'seed', tmp_path, inject_facts=True) == seed_rendered


def test_no_play_role_or_example_reads_the_plan_as_a_top_level_variable():
    found, seen = [], 0
    for name, docs in documents():
        for text in expressions(docs):
            seen += 'keepalived_vrrp_plan' in text
            if top_level(text):
                found.append('%s: %s' % (name, ' '.join(text.split())))
    assert seen > 10 and found == []


def test_the_check_sees_a_top_level_read():
    docs = [{'when': 'inventory_hostname in keepalived_vrrp_plan.hosts'}, {'x': '{{ hostvars[h].keepalived_vrrp_plan }}'},
            {'x': "{{ ansible_facts['keepalived_vrrp_plan'] if 'keepalived_vrrp_plan' in ansible_facts | default({})"
                  " else keepalived_vrrp_plan | default({}) }}"}]
    assert [top_level(t) for t in expressions(docs)] == [True, True, True]
    docs = [{'when': 'inventory_hostname in ansible_facts.keepalived_vrrp_plan.hosts'},
            {'x': "{{ hostvars[h].ansible_facts['keepalived_vrrp_plan'] }}"}]
    assert [top_level(t) for t in expressions(docs)] == [False, False]
