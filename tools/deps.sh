#!/bin/sh
# Install what the build and the tests need: Debian packages (only when one
# is missing, so a second run is quiet) and the test suite's npm packages
# from the committed package-lock.json.
set -eu
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if ! command -v node >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ -f tests/package-lock.json ]; then
	if [ ! -d tests/node_modules ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
		echo "deps: installing npm packages of the test suite"
		(cd tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
fi
