# Jumpgate's front door: installs what the build needs (as root), bootstraps the
# autotools, configures an out-of-tree build in $(BUILD) and delegates to it.
#   make            build            make check       unit and end-to-end tests
#   make run        the whole stack  make check-asan  the same under ASan, UBSan and LSan
#   make run DRIVER=softlayer   the stack on the SoftLayer driver, against SoftLayer's API simulator
#                   (or SL_API_URL, SL_USERNAME, SL_API_KEY); make tempest DRIVER=softlayer runs Tempest there
#   make run DRIVER=openstack UPSTREAM=http://host:5000/v3   Jumpgate in front of that OpenStack (no UPSTREAM:
#                   in front of a second stack on the local driver); make tempest DRIVER=openstack runs Tempest there
#   make install    (DESTDIR, PREFIX honoured)        make clean / distclean
#   make bench      throughput against nginx and a bare libfcgi responder (bench/results.md)
#   make tempest    Tempest's interop list against the stack (TESTS=regex: a subset)
#   make tempest-full  every tempest.api test of the configured services (state in var-tempest/)
#   make horizon    Debian's Horizon against the stack in headless Chromium (STEPS=...: some steps; state,
#                   screenshots and report in var-horizon/)
#   make fuzz       the libFuzzer targets of tests/fuzz/, FUZZ_SECONDS each (make fuzz-short: a CI pass)
#   make format     clang-format the C++ sources (.clang-format)   make format-check  only say what differs
BUILD ?= build
# One sanitized build serves check-asan and the fuzz targets: clang's, so that libFuzzer links.
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-bench
PREFIX ?= /usr/local
PORT ?= 8080
# Every service's driver for make run and make tempest: local (empty), softlayer or openstack.
DRIVER ?=
# DRIVER=openstack: the upstream OpenStack's identity URL (empty: a local-driver stack started for it).
UPSTREAM ?=
STATE ?= var$(if $(DRIVER),-$(DRIVER))
WORKERS ?= 2
CONFIGURE_FLAGS ?=
# -O1 as libFuzzer advises (the tests under the sanitizers wait on the clients, not on the
# worker); line tables only, enough for the reports' line numbers.
ASAN_CXXFLAGS ?= -O1 -gline-tables-only
# Seconds each of the eight targets runs, two at a time: about 28 minutes, past ten million
# executions in all on two cores (the request targets give most; a service target some 500-1500/s).
FUZZ_SECONDS ?= 420
FUZZ_SHORT_SECONDS ?= 10
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TESTS ?=
CONCURRENCY ?= 2
# Image uploads may hold half the workers: two Tempest workers uploading at once need four.
TEMPEST_WORKERS ?= $(if $(filter command line,$(origin WORKERS)),$(WORKERS),4)
# `make tempest STATE=dir` chooses its state directory; left alone, it is not `make run`'s.
TEMPEST_STATE = $(if $(filter file,$(origin STATE)),var-tempest$(if $(DRIVER),-$(DRIVER)),$(STATE))
# make horizon's steps (tests/horizon/run: overview, member, panels; empty: all) and state directory.
STEPS ?=
HORIZON_STATE = $(if $(filter file,$(origin STATE)),var-horizon,$(STATE))

# Debian packages the build, the tests and `make run` need.
DEBIAN_DEPS = autoconf autoconf-archive automake libtool pkg-config make g++ \
	libfcgi-dev libcgicc-dev nlohmann-json3-dev libboost-program-options-dev \
	libboost-test-dev libssl-dev libsqlite3-dev nginx spawn-fcgi multiwatch curl python3 \
	python3-openstackclient clang libclang-rt-dev llvm clang-format \
	libcurl4-openssl-dev python3-softlayer keystone glance-api mandoc groff-base

# Debian packages `make horizon` needs besides: Horizon, served by uWSGI, and Chromium driven through Selenium.
HORIZON_DEPS = openstack-dashboard uwsgi-core uwsgi-plugin-python3 chromium chromium-driver python3-selenium

# Debian's Tempest for `make tempest` and `make tempest-full` (its subunit-trace comes with it).
TEMPEST_DEPS = tempest
# What the OpenStack packages' maintainer scripts would otherwise be free to do: the tests run Keystone and
# Glance instances of their own (tests/e2e/upstream_openstack.py), so the packages set up no database, admin,
# endpoint or message queue of the system's, and start no daemon (a policy-rc.d that refuses, for the install
# only, where the machine has none: Debian's way to keep maintainer scripts from starting services).
DEBCONF_SELECTIONS = keystone/configure_db=false keystone/create-admin-tenant=false \
	keystone/register-endpoint=false glance/configure_db=false glance/configure_rabbit=false \
	glance/configure_ksat=false glance/configure_api-endpoint=false

.PHONY: all deps horizon-deps tempest-deps horizon check sanitized check-asan fuzz fuzz-short format format-check install uninstall run clean distclean coverage bench tempest tempest-full

all: $(BUILD)/Makefile
	$(MAKE) -C $(BUILD) -j$(JOBS)

# install_missing PACKAGES,TARGET[,APT-OPTIONS]: installs those of the Debian PACKAGES that are missing (as root),
# or names them and the TARGET that installs them.
define install_missing
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing: $$missing"; \
			for s in $(DEBCONF_SELECTIONS); do \
				echo "$${s%%/*} $${s%%=*} boolean $${s#*=}"; \
			done | debconf-set-selections || exit 1; \
			added=""; \
			if [ ! -e /usr/sbin/policy-rc.d ]; then \
				printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && added=1; \
			fi; \
			rc=0; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(3) $$missing || rc=$$?; \
			[ -z "$$added" ] || rm -f /usr/sbin/policy-rc.d; \
			exit $$rc; \
		else \
			echo "missing Debian packages (run 'sudo make $(2)'): $$missing" >&2; \
		fi; \
	fi
endef

deps:
	$(call install_missing,$(DEBIAN_DEPS),deps)

horizon-deps:
	$(call install_missing,$(HORIZON_DEPS),horizon-deps,--no-install-recommends)

tempest-deps:
	$(call install_missing,$(TEMPEST_DEPS),tempest-deps)

configure: configure.ac Makefile.am m4/jumpgate.m4 drivers/*/Makefile.inc.am | deps
	autoreconf -fi

$(BUILD)/Makefile: configure
	mkdir -p $(BUILD)
	cd $(BUILD) && ../configure --prefix=$(PREFIX) $(CONFIGURE_FLAGS)

$(ASAN_BUILD)/Makefile: configure
	mkdir -p $(ASAN_BUILD)
	cd $(ASAN_BUILD) && ../configure --prefix=$(PREFIX) --enable-fuzz CC=clang CXX=clang++ \
		CXXFLAGS="$(ASAN_CXXFLAGS)" $(CONFIGURE_FLAGS)

# The C++ sources clang-format keeps in the house style.
FORMAT_SOURCES = $(shell find src drivers include tests bench -name '*.cpp' -o -name '*.hpp')

format: | deps
	clang-format -i $(FORMAT_SOURCES)

format-check: | deps
	clang-format --dry-run --Werror $(FORMAT_SOURCES)

check: all
	$(MAKE) -C $(BUILD) -j$(JOBS) check

# ASan's quarantine of freed memory (256 MB by default) is cut to 16 MB: a password's PBKDF2 in OpenSSL frees
# and allocates at every round, and with the whole quarantine each token issued took a second (ten times more than
# without the sanitizer); a use after free still shows while the last 16 MB freed are held back.
# The sanitized build alone, its test programs too (an empty TESTS runs none): check-asan and the fuzz targets
# run from it, and CI builds it while the plain tests run.
sanitized: $(ASAN_BUILD)/Makefile
	$(MAKE) -C $(ASAN_BUILD) -j$(JOBS) check TESTS=

check-asan: sanitized
	ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16 UBSAN_OPTIONS=print_stacktrace=1 JUMPGATE_E2E_SANITIZED=1 \
		$(MAKE) -C $(ASAN_BUILD) -j$(JOBS) check

fuzz fuzz-short: sanitized
	FUZZ_FRESH=$(if $(filter fuzz-short,$@),1,0) tests/fuzz/run $(ASAN_BUILD) \
		$(if $(filter fuzz-short,$@),$(FUZZ_SHORT_SECONDS),$(FUZZ_SECONDS))

$(BENCH_BUILD)/Makefile: configure
	mkdir -p $(BENCH_BUILD)
	cd $(BENCH_BUILD) && ../configure --prefix=$(PREFIX) CXXFLAGS="-O2 -DNDEBUG" $(CONFIGURE_FLAGS)

bench: $(BENCH_BUILD)/Makefile
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(MAKE) -C $(BENCH_BUILD) -j$(JOBS)
	$(CXX) -O2 -std=c++20 bench/responder.cpp -o $(BENCH_BUILD)/bench-responder \
		$$(pkg-config --cflags --libs fcgi cgicc)
	BUILD=$(abspath $(BENCH_BUILD)) /usr/bin/python3 bench/bench.py

tempest tempest-full: all tempest-deps
	@{ command -v tempest && command -v subunit-trace; } >/dev/null || \
		{ echo "Debian's tempest package is missing (run 'sudo make tempest-deps')" >&2; exit 1; }
	BUILD=$(BUILD) STATE=$(TEMPEST_STATE) WORKERS=$(TEMPEST_WORKERS) TESTS='$(TESTS)' CONCURRENCY=$(CONCURRENCY) DRIVER=$(DRIVER) \
		/usr/bin/python3 scripts/jumpgate-tempest $(if $(filter tempest-full,$@),--full)

horizon: all horizon-deps
	BUILD=$(BUILD) STATE=$(HORIZON_STATE) WORKERS=$(WORKERS) /usr/bin/python3 tests/horizon/run $(STEPS)

install uninstall: all
	$(MAKE) -C $(BUILD) $@

coverage: all
	@mkdir -p $(BUILD)/coverage-state && $(BUILD)/jumpgate-fcgi --general.module_dir=$(abspath $(BUILD))/drivers/.libs \
		--general.state_dir=$(abspath $(BUILD))/coverage-state --coverage

run: all
	PORT=$(PORT) STATE=$(STATE) WORKERS=$(WORKERS) BUILD=$(BUILD) DRIVER=$(DRIVER) UPSTREAM=$(UPSTREAM) \
		scripts/jumpgate-stack run

clean:
	-[ -f $(BUILD)/Makefile ] && $(MAKE) -C $(BUILD) clean

distclean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) autom4te.cache build-aux configure aclocal.m4 \
		Makefile.in config.h.in m4/libtool.m4 m4/lt*.m4
