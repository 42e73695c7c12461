# -*- coding: utf-8 -*-
"""docs/topologies.md shows, for each example inventory, what the plan really makes of it
(docs/plan_tables.py writes the tables from the collection's plan)."""

from __future__ import annotations

import subprocess
import sys

from conftest import TOP


def test_topology_tables_match_the_plan():
    proc = subprocess.run([sys.executable, str(TOP / 'docs' / 'plan_tables.py'), '--check'],
                          cwd=str(TOP), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
