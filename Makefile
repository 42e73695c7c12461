# failover.keepalived: `make lab` (the two-host lab) and `make test` (every test).
# Each target installs what it needs: apt packages, a Python 3.11 venv, the Docker engine.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTION_LINK := .collections/ansible_collections/failover/keepalived
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(BIN):$(PATH)
# Every scenario under molecule/ (shared/ holds their common tasks); `default` first.
MOLECULE_SCENARIOS ?= default $(filter-out default,$(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))

.PHONY: help lab lab-up lab-failover lab-status lab-down test unit lint sanity build \
        molecule host-deps engine images venv collection bench bench-quick bench-deps \
        vagrant-test test-faults test-ee bench-converge bench-lb bench-fleet bench-handover docs

help:
	@echo "make lab           build the lab image, start web1/web2, run site.yml, show the VIP"
	@echo "make lab-failover  stop keepalived on the MASTER, time the takeover and the return"
	@echo "make lab-down      remove the lab's containers and network"
	@echo "make test          every test: unit, golden, keepalived -t, lint, sanity, build, Molecule, Vagrant"
	@echo "make docs          the collection's reference (antsibull-docs, offline) in build/docs"
	@echo "make test-faults   only the faults, bad_input and firewall scenarios (part of make test)"
	@echo "make test-ee       the AWX path: the EE image (ansible-builder), deploy + switchover as ansible-runner jobs in it"
	@echo "make vagrant-test  the Vagrant lab (docker provider): up, VIP, halt web1, up web1, destroy"
	@echo "make bench         failover benchmark on fresh labs (Debian 12, 13) with the soak; results in bench/results"
	@echo "make bench-lb      the balancer pair (molecule/load_balancer): the MASTER balancer frozen, K times"
	@echo "make bench-quick   the same, one repetition, no convergence run; results in build/bench-quick"
	@echo "make bench-converge  site.yml against a plain play of the seed's steps, fresh lab each time"
	@echo "make bench-fleet   1, 2, 4, 8 pairs in one site.yml run, 8 pairs against the reference play"
	@echo "make bench-handover  preemption against the handover, VIP moves on the running lab (make lab)"

# --- set-up ------------------------------------------------------------------------------
$(BIN)/.installed: tests/requirements.txt
	@echo "==> Python venv $(VENV) (ansible-core 2.19, netaddr, Molecule, linters)"
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is missing: install Python 3.11"; exit 1; }
	@# an existing venv (or a work tree's link to one) is updated, not made again
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	@touch $@

venv: $(BIN)/.installed

$(COLLECTION_LINK):
	@mkdir -p $(dir $@)
	@ln -sfn ../../.. $@

collection: $(COLLECTION_LINK)

host-deps:
	@tests/host-deps.sh

engine:
	@lab/engine.sh

images: engine
	@lab/image.sh bookworm >/dev/null
	@lab/image.sh trixie >/dev/null
	@lab/controller_image.sh >/dev/null

# --- the lab -----------------------------------------------------------------------------
lab: venv collection engine
	@lab/image.sh $${LAB_SUITE:-bookworm} >/dev/null
	@lab/lab.sh up
	@echo "==> ansible-playbook -i inventories/lab site.yml"
	@$(BIN)/ansible-playbook -i inventories/lab site.yml
	@lab/lab.sh status

lab-status:
	@lab/lab.sh status

lab-failover:
	@lab/lab.sh failover

lab-down:
	@lab/lab.sh down

# --- tests -------------------------------------------------------------------------------
# Stages (set-up, static checks side by side, Molecule scenarios MOLECULE_JOBS at a time,
# Vagrant) with a time table at the end: tests/suite.sh.
test:
	@tests/suite.sh

unit: venv collection host-deps
	@echo "==> pytest: unit tests, seed golden test, keepalived -t on rendered configs"
	$(BIN)/pytest -q tests/unit tests/render

lint: venv collection
	@echo "==> ansible-lint (production profile)"
	@# ANSIBLE_HOME in the tree: ansible-lint puts ANSIBLE_HOME/collections before .collections,
	@# and ~/.ansible/collections may hold a copy of this collection from another checkout.
	ANSIBLE_HOME=$(CURDIR)/.ansible $(BIN)/ansible-lint --profile production
	@echo "==> antsibull-docs lint-collection-docs --plugin-docs"
	@tests/docs.sh lint
	@echo "==> antsibull-changelog lint (changelogs/config.yaml, changelog.yaml, every fragment)"
	$(BIN)/antsibull-changelog lint

# The collection's reference: plugin pages from DOCUMENTATION, role pages from
# meta/argument_specs.yml (antsibull-docs, offline), in build/docs.
docs: venv collection
	@echo "==> antsibull-docs collection --use-current -> build/docs"
	@tests/docs.sh build

sanity: venv
	@echo "==> ansible-test sanity"
	@tests/sanity.sh

build: venv
	@echo "==> ansible-galaxy collection build + install"
	@tests/build.sh

molecule: venv collection images
	@echo "==> Molecule scenarios"
	@for s in $(MOLECULE_SCENARIOS); do \
	  echo "==> molecule test -s $$s"; \
	  $(BIN)/molecule test -s $$s || exit 1; \
	done

# Issue 5's bad days on their own (make test runs them with every other scenario):
# faults under load, bad input and secrets, the VRRP peer filter.
test-faults: MOLECULE_SCENARIOS := faults bad_input firewall
test-faults: molecule

# The AWX path (issue 30) on its own (make test runs it with every other scenario):
# molecule/ee builds the execution environment from execution-environment.yml with
# lab/ee_image.sh (reused while its inputs are unchanged), then runs the deploy, the deploy
# again and the switchover as ansible-runner jobs with the EE as their container.
test-ee: venv collection engine
	@lab/image.sh bookworm >/dev/null
	@echo "==> molecule test -s ee"
	@$(BIN)/molecule test -s ee

# The Vagrant lab (vagrant/Vagrantfile) with the docker provider, end to end, in
# 198.18.56.0/24; `vagrant validate` for virtualbox and libvirt (needs the vagrant-libvirt
# plugin: Debian's, without its recommends, which would pull in a kernel and qemu).
vagrant-test: venv collection engine
	@if ! command -v vagrant >/dev/null || ! dpkg -s vagrant-libvirt >/dev/null 2>&1; then \
	  echo "==> apt-get install --no-install-recommends vagrant vagrant-libvirt"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q --no-install-recommends vagrant vagrant-libvirt \
	    || { apt-get update -q && apt-get install -y -q --no-install-recommends vagrant vagrant-libvirt; }; \
	fi
	@lab/image.sh bookworm >/dev/null
	@echo "==> vagrant/test.sh"
	@vagrant/test.sh

# --- the failover benchmark (bench/: its own fresh labs, Debian 12 then 13; not part of `make test`)
BENCH_ARGS ?=

$(BIN)/.bench-installed: bench/requirements.txt $(BIN)/.installed
	@echo "==> bench requirements (matplotlib) into $(VENV)"
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	@touch $@

bench-deps: venv $(BIN)/.bench-installed

bench: bench-deps collection engine images
	@BENCH_COMMAND="make bench $(BENCH_ARGS)" $(BIN)/python -m bench $(BENCH_ARGS)
	@BENCH_COMMAND="make bench-lb $(BENCH_LB_ARGS)" $(BIN)/python -m bench.topology $(BENCH_LB_ARGS)

# The freeze row of the balancer pair (molecule/load_balancer's four containers, made,
# converged and destroyed by Molecule); results in bench/results/load-balancer.
bench-lb: bench-deps collection engine images
	@BENCH_COMMAND="make bench-lb $(BENCH_LB_ARGS)" $(BIN)/python -m bench.topology $(BENCH_LB_ARGS)

# site.yml against the reference play of the seed's steps (bench/reference), fresh
# containers for each first converge; results in bench/results/converge.
bench-converge: venv collection engine
	@lab/image.sh $${LAB_SUITE:-bookworm} >/dev/null
	@BENCH_COMMAND="make bench-converge $(BENCH_CONVERGE_ARGS)" $(BIN)/python -m bench.converge $(BENCH_CONVERGE_ARGS)

# 1, 2, 4 and 8 pairs in one run (fresh containers each), the 8 pairs against the
# reference play grown to 8 pairs; results in bench/results/fleet.
# keepalived's preemption against the collection's handover on the running lab (make lab)
bench-handover: venv collection engine
	@$(BIN)/python -m bench.handover $(BENCH_HANDOVER_ARGS)

bench-fleet: venv collection engine
	@lab/image.sh bookworm >/dev/null
	@BENCH_COMMAND="make bench-fleet $(BENCH_FLEET_ARGS)" $(BIN)/python -m bench.fleet $(BENCH_FLEET_ARGS)

bench-quick: bench-deps collection engine
	@BENCH_COMMAND="make bench-quick $(BENCH_ARGS)" $(BIN)/python -m bench --reps 1 --soak 5 --no-stress \
	  --suites bookworm --soak-suites bookworm --soak-only '' \
	  --no-convergence --scale-no-playbook --out build/bench-quick $(BENCH_ARGS)
