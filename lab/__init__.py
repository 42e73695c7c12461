# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Docker lab's tools, one package run the same way by every caller (lab/lab.sh,
bench/, molecule/shared/, vagrant/): from the repository's root, `python -m lab.probe`,
`lab.load`, `lab.spec`, `lab.vip_holders`; bench imports them as `lab.probe` and so on.
The working directory is what puts the root on the import path, in every caller alike.

lab.keepalived_state runs inside a lab container, from a copy of this package and of
plugins/module_utils/vrrp_status.py laid out as in the repository (bench/lab.py ships it).
"""
