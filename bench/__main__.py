# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench: the failover benchmark, see docs/bench.md."""

import sys

from bench.cli import main

sys.exit(main())
