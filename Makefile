# jianding — the two commands a newcomer needs: `make run` and `make test`.
# Every tool is installed here when missing (and skipped when present at the right version);
# nothing downloads a prebuilt binary at run time.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
BIN := $(TARGET_DIR)/release/jianding
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_SITE_ROOT := $(CURDIR)/target/site

.PHONY: run test tools rust-tools node-tools chromium mail-tools fonts build site-files site-tools fmt-check clippy rust-test e2e serve bench

## make run: install what is missing, build (release), migrate, load demo data, serve on :3000.
run: fonts build
	mkdir -p data
	$(BIN) serve --seed-demo

## make test: format, clippy (warnings denied), all Rust tests, then Playwright in Chromium.
test: tools fmt-check clippy rust-test build e2e

tools: rust-tools node-tools chromium mail-tools site-tools

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)" || cargo install --locked cargo-leptos --version $(CARGO_LEPTOS_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# wasm-opt comes from npm's binaryen (Debian's binaryen 108 breaks the WASM); Playwright and
# Lighthouse (make bench) from npm.
node-tools:
	@[ -x end2end/node_modules/.bin/wasm-opt ] && [ -d end2end/node_modules/@playwright/test ] && [ -x end2end/node_modules/.bin/lighthouse ] || (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)

# Debian's Chromium; Playwright never downloads a browser. poppler-utils' pdftotext checks that the
# opinion's PDF holds extractable Chinese text.
chromium: fonts
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils)

# A real SMTP server for the e-mail notice tests (Debian's aiosmtpd, run by /usr/bin/python3).
mail-tools:
	@/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd)

# brotli precompresses the site's files; python3 runs end2end/site_files.py.
site-tools:
	@command -v brotli >/dev/null && command -v python3 >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli python3)

# The Chinese fonts the server embeds (subset) in the opinion's PDF.
fonts:
	@[ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk)

build: rust-tools node-tools
	cargo leptos build --release --split
	@$(MAKE) --no-print-directory site-files

# The site's files of this build (names with content hashes from hash.txt beside the binary;
# the split loader names the WASM chunks): precompressed once at brotli -q 11 and gzip -9 and
# served as such, older builds' files removed, and the brotli size of each file and of each
# group of pages' first load printed.
PKG := target/site/pkg
HASHES := $(TARGET_DIR)/release/hash.txt
site-files: site-tools
	@python3 end2end/site_files.py $(PKG) $(HASHES)

fmt-check:
	cargo fmt --all -- --check

# The app is linted twice: as the server uses it (ssr, with its tests) and as the browser does.
clippy:
	cargo clippy -p app -p server --all-targets -- -D warnings
	cargo clippy -p app -p frontend --target wasm32-unknown-unknown -- -D warnings

# Store and server tests run on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
rust-test:
	cargo test -p app --features ssr
	cargo test -p server

e2e: chromium
	JIANDING_BIN=$(BIN) bash end2end/run.sh

## make bench: the dashboards and the registry on 100,000 generated cases (SQLite, release build),
## the e-mail drain rate, and Lighthouse's mobile first load of the sign-in page and the sheet.
bench: build mail-tools chromium
	JIANDING_BIN=$(BIN) bash end2end/bench.sh
	JIANDING_BIN=$(BIN) bash end2end/run.sh --config bench.config.ts
	cargo test -p server --test mail -- --ignored --nocapture bench_drain_rate
