#!/usr/bin/env python
# A dynamic inventory, as a cloud's would be: hosts tagged role=web, with their addresses,
# in a group named after the tag (tag_role_web). constructed.yml makes the group `web`
# from the tag, and group_vars/web.yml gives its VRRP settings; tests/build.sh plans it
# with the installed collection. No host is contacted; the addresses are RFC 2544 ones.
import json
import sys

HOSTS = {
    'dyn-web1': {'role': 'web', 'vrrp_address': '198.18.30.11', 'ansible_host': '198.18.30.11'},
    'dyn-web2': {'role': 'web', 'vrrp_address': '198.18.30.12', 'ansible_host': '198.18.30.12'},
    'dyn-db1': {'role': 'db', 'vrrp_address': '198.18.30.21', 'ansible_host': '198.18.30.21'},
}

if len(sys.argv) > 1 and sys.argv[1] == '--host':
    json.dump(HOSTS.get(sys.argv[2], {}), sys.stdout)
else:
    groups = {}
    for name, hostvars in HOSTS.items():
        groups.setdefault('tag_role_%s' % hostvars['role'], {'hosts': []})['hosts'].append(name)
    groups['_meta'] = {'hostvars': HOSTS}
    json.dump(groups, sys.stdout)
