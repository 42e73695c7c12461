#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module is implemented as an action plugin (plugins/action/vrrp_plan.py): the plan
# needs the hostvars of every member, which only the controller has.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: vrrp_plan
short_description: Compute each host's keepalived VRRP instances from the inventory
version_added: "0.1.0"
description:
  - "Reads the members of one or more inventory groups, in inventory order, and their
    C(vrrp_*) variables, and computes for every member its VRRP instances: C(state),
    C(priority), C(unicast_src_ip), C(unicast_peers), C(virtual_router_id) and the
    virtual IPs. Nobody writes a priority, a state or a peer list by hand."
  - "Defaults reproduce the classic pair: the first member is MASTER with priority 101,
    the next BACKUP with 100, then 99, and so on."
  - Validates everything first and changes nothing. Any bad input fails the task with a
    message that names the host and the variable, so a play that runs this task first
    (with C(any_errors_fatal)) stops before any host is touched.
  - Runs on the controller (it is an action plugin); it never connects to a host, so
    an inventory of addresses that are not reachable can be planned.
  - "Variables read from each member (group_vars unless said otherwise):
    C(vrrp_vips) (list of virtual IPs, each C(ADDRESS) or C(ADDRESS/PREFIX), or a dict
    with C(addresses), optional C(name) and C(vrid));
    C(vrrp_interface) (required);
    C(vrrp_vrid) (1..255; default derived from the group name with CRC-32, moved to
    the next free VRID up when another group on the same L2 has that one, see the notes);
    C(vrrp_mode) (C(single): one instance for all VIPs, as the seed; C(spread): one
    instance per VIP, MASTERs rotated over the members in inventory order; default C(single));
    C(vrrp_profile) (timer profile, default C(seed), the seed's timers;
    C(seed): VRRPv2, advert_int 1 s, health check every 1 s, timeout 1 s, fall 2, rise 2;
    or C(fast): VRRPv3, advert_int 0.02 s, health check every 0.1 s, timeout 0.25 s,
    fall 2, rise 2, where a frozen MASTER is replaced in about 0.08 s);
    C(vrrp_advert_int) (seconds, default the profile's; sub-second needs version 3);
    C(vrrp_version) (2 or 3, default the profile's; always 3 for IPv6);
    C(vrrp_priority_base) (default 101); C(vrrp_priority_step) (default 1);
    C(vrrp_unicast) (default true); C(vrrp_nopreempt) (default false; all states BACKUP);
    C(vrrp_instance_name) (default C(vi_GROUP)); C(vrrp_sync_group) (default false: put
    the instances that share a MASTER in one C(vrrp_sync_group) so that they move
    together, see the notes);
    C(vrrp_backends) (the inventory group of web servers behind the VIP: the members
    then balance requests over them instead of serving the VIP themselves, see
    RV(instances[].load_balancer); default none, the seed's pair);
    C(vrrp_backend_port) (the backends' port, default 80);
    C(vrrp_lb_mode) (who balances: C(haproxy) on the members, the default, or keepalived's own
    LVS, C(lvs_nat) or C(lvs_dr), as C(virtual_server) blocks; LVS needs the kernel's IPVS);
    C(vrrp_master) (the member preferred as MASTER, default the first one: priorities
    rotate so that it gets the base priority; a planned switchover is a re-run of the
    playbook with another C(vrrp_master))."
  - "Variables of one member (host_vars): C(vrrp_address) (the host's address on the VRRP
    interface, or a list with one address per family, or for a host in groups on several
    interfaces a mapping of group names to those; default C(ansible_host) when that
    is an IP address); C(vrrp_priority) (a fixed priority, single mode only);
    C(vrrp_interface) (the host's own NIC name, when it differs from the group's; or a
    mapping of group names to NIC names); C(vrrp_drain) (true: the host is never the
    MASTER, it gets the lowest priorities, run after run, until it is set back);
    C(vrrp_leave) (true: the host leaves every group it is in: its VIPs move to the
    planned MASTER, keepalived stops there and the role's files go, and the other
    members are planned without it)."
  - Group-level variables must be equal on every member of the group.
  - "C(vrrp_groups) (in group_vars/all, the same on every host) maps a group name to its
    settings, the group-level ones without the C(vrrp_) prefix (C(vips), C(interface),
    ...): they win over the members' variables, so that groups that share hosts each have
    their own settings (a host's own variables hold one C(vrrp_vips)). A group with an
    entry there is an HA group."
  - "A host in several HA groups gets the instances of every one of them, whichever group
    a run deploys: the groups that share a host with a deployed group are planned too
    (RV(plan.groups) marks them C(deployed=false)), and the text written for them is the
    same as in a run that deploys them. Extra vars (C(-e)) apply to every group; only
    C(vrrp_master) is taken for the deployed groups alone."
  - "A name in O(groups) that is no HA group (its members' settings differ or they have
    none) stands for the HA groups all of whose hosts it holds, each deployed as its own
    VRRP group: a parent group of a fleet."
  - A VIP given with a prefix must contain every member's address; a member address given
    with a prefix must contain every VIP.
  - Two instances with the same VRID and address family are an error when they share a
    host and interface, or when an address of one lies in the VIP subnet of the other.
options:
  groups:
    description:
      - The inventory groups to plan, in order.
      - Each item is a group name, whose settings are read from its members' C(vrrp_*)
        variables, or a dict with C(name) and any of the group-level settings without the
        C(vrrp_) prefix (C(vips), C(interface), C(vrid), C(mode), C(profile), C(advert_int),
        C(version), C(priority_base), C(priority_step), C(unicast), C(nopreempt),
        C(instance_name), C(sync_group), C(master), C(backends), C(backend_port),
        C(lb_mode)), which win over the members' variables; a dict
        may also give C(members), a list of host names, instead of the group's hosts.
      - A host in two groups gets the instances of both.
      - A string of group names separated by commas is a list.
    type: list
    elements: raw
    required: true
  drain:
    description:
      - "Hosts to plan as if they had C(vrrp_drain) (never the MASTER, the lowest
        priorities), for a what-if plan: the task then returns RV(plan) and RV(instances)
        only, and the fact C(keepalived_vrrp_plan) stays as it was.
        C(playbooks/upgrade.yml) moves a MASTER's VIPs away with the views of such a plan."
    type: list
    elements: str
    default: []
    version_added: "0.2.0"
attributes:
  check_mode:
    support: full
    description: The module never changes anything, so check mode runs it as usual.
  diff_mode:
    support: none
    description: The module changes nothing, so it has no diff to show.
  action:
    support: full
    description: Implemented as an action plugin that runs on the controller.
  platform:
    support: full
    platforms: all
    description: Runs on the controller only.
requirements:
  - netaddr (on the controller)
notes:
  - "VRIDs are planned over the whole inventory: every group whose members all have
    C(vrrp_vips) is read for its VRRP instances (only their VIPs, interface, VRIDs, mode
    and instance names; its other settings are not checked). A VRID of a deployed
    group that is also the VRID of another group on the same L2 (a shared host and
    interface, or an address in the other's VIP subnet) fails the task naming both groups
    and their hosts. Derived VRIDs are settled in the inventory's order of groups:
    explicit VRIDs first, then each derived one takes its CRC-32 value or the next free
    one up. A group added at the end of the inventory never moves an existing group's
    VRID; a group inserted before one that it collides with does, so pin C(vrrp_vrid)
    (RV(plan.vrid_moves) lists the moves) where that must never happen."
  - "Use it once per play with C(run_once=true): the returned fact C(keepalived_vrrp_plan)
    holds the plan of every host, and is set on every host of the play. Read it as
    C(ansible_facts.keepalived_vrrp_plan): a fact is a top-level variable only while
    C(INJECT_FACTS_AS_VARS) is on, which ansible-core deprecates."
  - "In C(spread) mode, VIP entry I (counted from 0) of a group of N members has member
    I mod N (counted from C(vrrp_master), else from the first member) as MASTER and the
    next members in inventory order as its BACKUPs, so M VIPs give every member
    floor(M/N) or ceil(M/N) MASTERs; its VRID is C(vrrp_vrid) + I unless the entry gives
    C(vrid). An entry with IPv4 and IPv6 addresses gives two instances, C(NAME)
    (VRRP version 2 unless C(vrrp_version) says 3) and C(NAME_v6) (version 3), with the
    same VRID and MASTER."
  - "C(vrrp_sync_group) joins only instances with the same priorities: in C(single) mode
    the group's IPv4 and IPv6 instances (C(vg_GROUP)); in C(spread) mode the instances of
    VIP entries K, K + N, K + 2N, ... (counted from 1) and their C(_v6) twins, which
    share a MASTER (C(vg_GROUP_K)). One sync group over instances with different
    MASTERs would undo spread mode (a host preempts only when every instance of its
    sync group wants MASTER, so one host keeps every VIP), and keepalived refuses a sync
    group of one instance, so an instance alone in its slot is in no sync group."
  - The C(failover.keepalived.keepalived) role reads C(ansible_facts.keepalived_vrrp_plan.hosts[inventory_hostname]).
seealso:
  - name: RFC 5798 (VRRP version 3)
    description: Master_Down_Interval and skew time.
    link: https://www.rfc-editor.org/rfc/rfc5798
author:
  - failover.keepalived contributors (@failover)
'''

EXAMPLES = r'''
# group_vars/web.yml:
#   vrrp_vips: [192.168.56.69/24]
#   vrrp_interface: eth1
#   vrrp_vrid: 77
- name: Plan VRRP for the web group before touching any host
  hosts: web
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: Compute states, priorities and peers
      failover.keepalived.vrrp_plan:
        groups: [web]
      run_once: true

    - name: Show this host's instances
      ansible.builtin.debug:
        var: ansible_facts.keepalived_vrrp_plan.hosts[inventory_hostname]

- name: Two VIPs, each with its own MASTER (active/active), settings given in the task
  hosts: web
  gather_facts: false
  tasks:
    - name: Plan an active/active pair
      failover.keepalived.vrrp_plan:
        groups:
          - name: web
            mode: spread
            interface: eth0
            vrid: 51
            vips: [198.18.77.68/24, 198.18.77.69/24]
      run_once: true
'''

RETURN = r'''
plan:
  description: The whole plan.
  returned: success
  type: dict
  contains:
    groups:
      description: Per planned group (the deployed ones, and those that share a host with
        them), its members, its instances (name, family, version, vrid, vips and the
        priority of each member), C(backends), the host names of its C(vrrp_backends)
        group in inventory order (empty without C(vrrp_backends)), and C(deployed) (false
        for a group planned because it shares a host); with C(vrrp_sync_group), also
        C(sync_groups), a dict of sync group name to its instance names.
      type: dict
      sample: {"web": {"members": ["web1", "web2"], "instances": [{"name": "vi_1",
        "family": "ipv4", "version": 2, "vrid": 77, "vips": ["192.168.56.69/32"],
        "priorities": {"web1": 101, "web2": 100}}], "backends": [], "deployed": true}}
    hosts:
      description: Per host of the deployed groups (the members that stay), the list of
        its VRRP instances of every group it is in, each as in RV(instances).
      type: dict
    leaving:
      description: Per member that leaves its groups (C(vrrp_leave)), its farewell
        instances, each as in RV(instances), as a drained member (the lowest priority, the
        old peers) would have them, so that a run hands the VIPs it holds to the planned
        MASTER before keepalived stops there.
      type: dict
      version_added: "0.2.0"
    vrid_moves:
      version_added: "0.2.0"
      description: >-
        The instances of the deployed groups whose derived VRID is not their first
        candidate (CRC-32 of the name) because an explicit VRID or an earlier group in
        the inventory holds it on the same L2; each with C(group), C(instance), C(vrid)
        (the one planned), C(derived) (the first candidate) and C(taken_by). Pin
        C(vrrp_vrid) to the planned value to keep it whatever groups are added later.
      type: list
      elements: dict
      sample: [{"group": "db", "instance": "vi_db", "vrid": 78, "derived": 77, "taken_by": "web"}]
    rollout:
      version_added: "0.2.0"
      description: >-
        Who a rolling deploy changes when, as the plan's hosts (in the order the plan first
        sees them): C(backups), the hosts that are MASTER of no instance (every host with
        C(vrrp_nopreempt)); C(masters), the hosts that are MASTER of at least one, and
        C(master_rounds), the same in rounds of at most one host of each group;
        C(balancers), the hosts with a RV(instances[].load_balancer); C(backends), the
        backends of every load balancer, each once; C(leaving), the members that leave.
      type: dict
      contains:
        backups:
          description: The hosts whose instances are all BACKUP.
          type: list
          elements: str
        masters:
          description: The hosts that are MASTER of at least one instance.
          type: list
          elements: str
        master_rounds:
          description: The masters in rounds that hold at most one host of each group, so
            that the groups of a fleet roll side by side and each group's MASTERs one at a time.
          type: list
          elements: list
          version_added: "0.2.0"
        leaving:
          description: The members that leave their groups (C(vrrp_leave)).
          type: list
          elements: str
          version_added: "0.2.0"
        balancers:
          description: The hosts with a load balancer (C(vrrp_backends)).
          type: list
          elements: str
        backends:
          description: The host names of the load balancers' backends, in order, each once.
          type: list
          elements: str
      sample: {"backups": ["lb2"], "masters": ["lb1"], "master_rounds": [["lb1"]], "balancers": ["lb1", "lb2"],
        "backends": ["web1", "web2"], "leaving": []}
instances:
  description: The VRRP instances of the host the task ran for.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The C(vrrp_instance) name.
      type: str
      sample: vi_1
    group:
      description: The inventory group the instance belongs to.
      type: str
      sample: web
    interface:
      description: The interface that carries VRRP and the VIPs.
      type: str
      sample: eth1
    family:
      description: C(ipv4) or C(ipv6).
      type: str
      sample: ipv4
    version:
      description: The VRRP version (2 or 3).
      type: int
      sample: 2
    virtual_router_id:
      description: The VRID.
      type: int
      sample: 77
    state:
      description: The initial state, C(MASTER) for the preferred host, C(BACKUP) for the rest.
      type: str
      sample: MASTER
    priority:
      description: This host's priority, 1..254.
      type: int
      sample: 101
    advert_int:
      description: Advertisement interval in seconds.
      type: float
      sample: 1
    profile:
      version_added: "0.2.0"
      description: The timer profile of the group (C(vrrp_profile)).
      type: str
      sample: seed
    health_check:
      version_added: "0.2.0"
      description: The health check that matches the profile's timers, in seconds and
        counts (C(interval), C(timeout), C(fall), C(rise)); the keepalived role's
        C(keepalived_health_check_*) defaults. Sub-second values need keepalived 2.3.2 or
        later; the role raises them to 1 s on older versions.
      type: dict
      sample: {"interval": 1, "timeout": 1, "fall": 2, "rise": 2}
    nopreempt:
      description: Whether a returning higher-priority host waits instead of taking over.
      type: bool
      sample: false
    unicast_src_ip:
      description: This host's own address, or null for multicast.
      type: str
      sample: 192.168.56.11
    unicast_peers:
      description: Every other member's address (empty for multicast).
      type: list
      elements: str
      sample: ["192.168.56.12"]
    vips:
      description: The virtual IPs in CIDR form.
      type: list
      elements: str
      sample: ["192.168.56.69/32"]
    advertised_vips:
      version_added: "0.2.0"
      description: The VIPs that go into the instance's adverts (C(virtual_ipaddress)), the
        first of RV(instances[].vips); a host drops adverts whose list differs from its own.
      type: list
      elements: str
      sample: ["192.168.56.69/32"]
    excluded_vips:
      version_added: "0.2.0"
      description: The other VIPs (C(virtual_ipaddress_excluded)), which can be added and
        removed host by host without a BACKUP taking over.
      type: list
      elements: str
      sample: []
    pass_auth:
      version_added: "0.2.0"
      description: Whether the instance can carry PASS authentication (VRRPv2; VRRPv3 has
        none).
      type: bool
      sample: true
    restart_delay:
      version_added: "0.2.0"
      description: Seconds a restart of a keepalived that died should wait, longer than a
        peer needs to take over (master_down_interval plus one advert_int, rounded up);
        the keepalived role's default C(RestartSec).
      type: int
      sample: 5
    master:
      description: The host that is MASTER when every member is healthy.
      type: str
      sample: web1
    master_down_interval:
      description: Seconds this host waits without adverts before it takes over, 3 x
        advert_int + skew, with keepalived's skew for the version.
      type: float
      sample: 3.6094
    load_balancer:
      version_added: "0.2.0"
      description: With C(vrrp_backends), what the members balance to.
      type: dict
      returned: when the group has C(vrrp_backends)
      contains:
        mode:
          description: C(haproxy), C(lvs_nat) or C(lvs_dr) (C(vrrp_lb_mode)).
          type: str
        lvs_kind:
          description: keepalived's C(lb_kind) of the virtual servers, C(NAT) or C(DR); null with C(haproxy).
          type: str
        backends_group:
          description: The inventory group of the backends.
          type: str
        port:
          description: The backends' port.
          type: int
        backends:
          description: Every backend's C(name) and C(address) (its IPv4 one when it has both), in inventory order.
          type: list
          elements: dict
        virtual_servers:
          description: Per VIP of the instance, the LVS virtual server (C(address), C(port)) and its
            C(real_servers), the backends' addresses of the VIP's family.
          type: list
          elements: dict
      sample: {"mode": "haproxy", "lvs_kind": null, "backends_group": "backends", "port": 80,
               "backends": [{"name": "be1", "address": "198.18.17.21"}],
               "virtual_servers": [{"address": "198.18.17.69", "port": 80, "real_servers": ["198.18.17.21"]}]}
    sync_group:
      description: The C(vrrp_sync_group) of the instance, when C(vrrp_sync_group) is set
        and another instance of the group shares its priorities.
      type: str
      returned: when the instance is in a sync group
      sample: vg_web
    sync_group_instances:
      version_added: "0.2.0"
      description: The instances of that sync group on this host, in plan order.
      type: list
      elements: str
      returned: when the instance is in a sync group
      sample: [vi_web, vi_web_v6]
ansible_facts:
  description: Facts set on every host of the play when run with C(run_once), read as
    C(ansible_facts.keepalived_vrrp_plan) (a top-level variable only while C(INJECT_FACTS_AS_VARS) is on).
  returned: success
  type: dict
  contains:
    keepalived_vrrp_plan:
      description: Same as RV(plan).
      type: dict
bad_host:
  description: On bad input, the host the error is about.
  returned: failure
  type: str
  sample: web2
bad_variable:
  description: On bad input, the variable the error is about.
  returned: failure
  type: str
  sample: vrrp_vips[0]
'''
