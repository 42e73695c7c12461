# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/lab.py's reader of keepalived's live state, shipped to a host: the archive it
sends and the command that runs it, run here with this machine's python3 and no path into
the repository (as in a container)."""

from __future__ import absolute_import, division, print_function

import io
import os
import subprocess
import tarfile

from bench import lab


def test_the_archive_holds_the_reader_and_the_module_utils_file_as_laid_out_in_the_repository():
    with tarfile.open(fileobj=io.BytesIO(lab.reader_archive())) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ['lab/__init__.py', 'lab/keepalived_state.py',
                                         'plugins/module_utils/vrrp_status.py']
    assert all(m.uid == 0 and m.mode == 0o644 for m in members)


def test_the_shipped_reader_runs_from_its_own_copy(tmp_path):
    directory = str(tmp_path / 'reader')
    res = subprocess.run(lab.reader_command(directory, '--pid-file', str(tmp_path / 'none.pid')),
                         input=lab.reader_archive(), capture_output=True, cwd=str(tmp_path),
                         env={'PATH': os.environ['PATH']}, timeout=60, check=False)
    # keepalived does not run here: the reader says so (exit 3), after importing
    # plugins.module_utils.vrrp_status from the copy
    assert res.returncode == 3, res.stderr
    assert b'no pid file %s' % str(tmp_path / 'none.pid').encode() in res.stderr
    assert sorted(os.listdir(directory)) == ['lab', 'plugins']
