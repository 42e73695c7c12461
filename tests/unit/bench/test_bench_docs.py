# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/docs.py: every result table of docs/bench.md is what the benchmark's analysis
makes of the committed JSON in bench/results, verdicts included."""

from __future__ import absolute_import, division, print_function

import pytest

from bench import docs


def test_docs_bench_md_is_computed_from_the_committed_results():
    text = docs.DOC.read_text(encoding='utf-8')
    assert len(docs.BLOCK.findall(text)) == 10
    assert docs.refresh(text) == text, 'run python -m bench.docs'
    assert docs.main(['--check']) == 0


def test_a_hand_edited_verdict_is_found():
    text = docs.DOC.read_text(encoding='utf-8')
    row = '| crash | fast | median takeover (journal), ms | 3 | 384 | takeover (journal) median <= 379 ms | **MISSED** |'
    assert row in text
    edited = text.replace(row, row.replace('**MISSED**', 'met'))
    assert docs.refresh(edited) == text


def test_an_unknown_table_is_an_error():
    with pytest.raises(ValueError, match="unknown table kind 'nonsense'"):
        docs.table('nonsense', {'profiles': {}})
