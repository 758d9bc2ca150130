# Ridgeline — the two commands a new user needs:
#   make run     install what is missing, build, make a demo workspace on first use, open the app
#   make check   install what is missing, build with ASan/UBSan, run every test (GUI tests under Xvfb)
# Both are meant to be run as root on Debian 12 (apt-get installs the packages);
# as another user with the packages present they work the same.

SHELL := /bin/bash

# Debian 12 packages for building, testing and running.
PACKAGES := meson ninja-build pkg-config gcc g++ clang libclang-rt-14-dev \
	libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev \
	libsqlite3-dev sqlite3 libsoup-3.0-dev glib-networking libgnutls28-dev libjson-glib-dev libcairo2-dev \
	libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev \
	gettext adwaita-icon-theme fonts-cantarell xvfb xauth xdotool desktop-file-utils appstream appstream-util

CHECK_BUILD := build
RUN_BUILD   := build-release
XDG_DATA_HOME ?= $(HOME)/.local/share
RIDGELINE_DB ?= $(XDG_DATA_HOME)/ridgeline/workspace.db
DEMO_IDENTITIES ?= 100

.PHONY: run check deps build-check build-run bench clean demo

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "Run as root to install the missing packages:$$missing" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq -o DPkg::Lock::Timeout=600 && \
	  apt-get install -y -qq -o DPkg::Lock::Timeout=600 $$missing; \
	fi

build-run: deps
	@[ -f $(RUN_BUILD)/build.ninja ] || meson setup $(RUN_BUILD) --buildtype=release -Dgui_tests=false
	ninja -C $(RUN_BUILD)

build-check: deps
	@[ -f $(CHECK_BUILD)/build.ninja ] || CC=clang CXX=clang++ meson setup $(CHECK_BUILD) \
	  --buildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(CHECK_BUILD)

demo: build-run
	@if [ ! -f "$(RIDGELINE_DB)" ]; then \
	  mkdir -p "$$(dirname "$(RIDGELINE_DB)")"; \
	  echo "Creating a demo workspace at $(RIDGELINE_DB) ($(DEMO_IDENTITIES) identities)…"; \
	  ./$(RUN_BUILD)/app/ridgeline-cli demo --identities $(DEMO_IDENTITIES) --seed 1 --db "$(RIDGELINE_DB)"; \
	fi

run: demo
	RIDGELINE_DB="$(RIDGELINE_DB)" ./$(RUN_BUILD)/app/ridgeline

check: build-check
	rm -f $(CHECK_BUILD)/meson-logs/testlog.json
	xvfb-run -a -s "-screen 0 1280x1024x24" \
	  meson test -C $(CHECK_BUILD) --print-errorlogs --num-processes 2 $(TESTARGS)

bench: build-run
	@echo "Benchmarks: see docs/benchmarks.md"

clean:
	rm -rf $(CHECK_BUILD) $(RUN_BUILD)
