#!/bin/sh
# A throwaway PostgreSQL cluster for the tests and the bench.
#
#   tests/pg-cluster.sh run CMD [ARG...]
#       creates a cluster in a fresh temporary directory, starts it
#       listening only on a unix socket in that directory (no TCP), runs
#       CMD with the environment below, stops the cluster and removes the
#       directory (also on failure or interruption), and exits with CMD's
#       status; when CMD fails, the end of the server's log is printed.
#   tests/pg-cluster.sh start           prints "export ..." lines (eval them)
#   tests/pg-cluster.sh stop DIR        stops and removes a started cluster
#   tests/pg-cluster.sh pg_ctl ARG...   runs pg_ctl on the cluster of
#                                       $PWS_PG_DIR as its owner (restart,
#                                       stop -m fast, start, ...)
#
# Environment given to CMD:
#   PWS_PG_CONNINFO  libpq connection string of the cluster's "postgres"
#                    database ("host=DIR port=... dbname=postgres user=pws")
#   PWS_PG_DIR       the cluster's directory (socket, data/, log)
#   PWS_PG_CTL       a command running pg_ctl on the cluster as its owner:
#                    "$PWS_PG_CTL restart -m fast" restarts the server,
#                    "$PWS_PG_CTL stop -m fast" / "$PWS_PG_CTL start"
#   PWS_PG_BINDIR    the PostgreSQL programs used
#
# Finds PostgreSQL in $PWS_PG_BINDIR, else /usr/lib/postgresql/15/bin, else
# the newest /usr/lib/postgresql/*/bin (Debian: postgresql-15). Without it
# the script exits 77 (skip), unless PWS_REQUIRE_PG=1 (then it fails).
# Run as root, the server runs as the 'postgres' user if there is one, else
# as 'nobody' (PostgreSQL refuses to run as root).
# Extra server settings: PWS_PG_SERVER_OPTS (e.g. "-c fsync=on"); by
# default fsync is off (a test cluster need not survive a power loss; the
# server's crash and restart semantics are unchanged).
set -u

find_bindir() {
	for d in "${PWS_PG_BINDIR:-}" /usr/lib/postgresql/15/bin \
		$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
		[ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	done
	return 1
}

# Runs a command as the cluster's owner.
as_owner() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u "$PWS_PG_OWNER" -- "$@"
	else
		# su needs a shell: quote the arguments for it
		cmd=""
		for a in "$@"; do
			cmd="$cmd '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
		done
		su -s /bin/sh "$PWS_PG_OWNER" -c "$cmd"
	fi
}

pick_owner() {
	if [ "$(id -u)" != 0 ]; then
		id -un
	elif id postgres >/dev/null 2>&1; then
		echo postgres
	else
		echo nobody
	fi
}

# Creates and starts a cluster; sets PWS_PG_DIR, PWS_PG_CONNINFO, ...
cluster_start() {
	bindir=$(find_bindir) || {
		if [ "${PWS_REQUIRE_PG:-0}" = 1 ]; then
			echo "pg-cluster: PostgreSQL not found (initdb, pg_ctl) and PWS_REQUIRE_PG=1" >&2
			exit 1
		fi
		echo "pg-cluster: PostgreSQL not found (Debian: postgresql-15); skipping" >&2
		exit 77
	}
	PWS_PG_OWNER=$(pick_owner)
	dir=$(mktemp -d "${TMPDIR:-/tmp}/pws-pg.XXXXXX") || exit 99
	chmod 755 "$dir"
	[ "$(id -u)" = 0 ] && chown "$PWS_PG_OWNER" "$dir"
	port=${PWS_PG_PORT:-5432} # only names the socket file: no TCP
	if ! as_owner "$bindir/initdb" -D "$dir/data" -U pws --auth=trust -E UTF8 \
		--locale=C --no-sync > "$dir/initdb.log" 2>&1; then
		echo "pg-cluster: initdb failed:" >&2
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		exit 99
	fi
	opts="-k $dir -p $port -c listen_addresses= -c fsync=off -c max_connections=60"
	opts="$opts ${PWS_PG_SERVER_OPTS:-}"
	printf '%s\n' "$opts" > "$dir/opts"
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -o "$opts" -w -t 60 \
		start > /dev/null; then
		echo "pg-cluster: the server did not start:" >&2
		cat "$dir/log" >&2
		rm -rf "$dir"
		exit 99
	fi
	PWS_PG_DIR=$dir
	PWS_PG_BINDIR=$bindir
	PWS_PG_CONNINFO="host=$dir port=$port dbname=postgres user=pws"
	PWS_PG_CTL="$(cd "$(dirname "$0")" && pwd)/$(basename "$0") pg_ctl"
	export PWS_PG_DIR PWS_PG_BINDIR PWS_PG_CONNINFO PWS_PG_CTL PWS_PG_OWNER
}

cluster_stop() {
	d=$1
	bindir=${PWS_PG_BINDIR:-$(find_bindir)}
	if [ -d "$d/data" ]; then
		PWS_PG_OWNER=$(stat -c %U "$d/data")
		as_owner "$bindir/pg_ctl" -D "$d/data" -m immediate -w stop > /dev/null 2>&1
	fi
	rm -rf "$d"
}

case "${1:-}" in
run)
	shift
	[ $# -gt 0 ] || { echo "usage: $0 run CMD [ARG...]" >&2; exit 2; }
	cluster_start
	trap 'cluster_stop "$PWS_PG_DIR"' EXIT
	# in the background, so that a signal stops the cluster at once even
	# when CMD hangs (stdin passed on explicitly)
	"$@" <&0 &
	child=$!
	trap 'kill "$child" 2>/dev/null; exit 130' INT TERM HUP
	wait "$child"
	rc=$?
	# a failure's server side, for the test's log (a test log is all CI
	# keeps): what the server said last
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -f "$PWS_PG_DIR/log" ]; then
		echo "pg-cluster: the command exited $rc; the server's log ends with:"
		tail -n 60 "$PWS_PG_DIR/log"
	fi
	exit $rc
	;;
start)
	cluster_start
	for v in PWS_PG_DIR PWS_PG_BINDIR PWS_PG_CONNINFO PWS_PG_CTL PWS_PG_OWNER; do
		eval "val=\$$v"
		printf "export %s='%s'\n" "$v" "$val"
	done
	;;
stop)
	[ -n "${2:-}" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
	cluster_stop "$2"
	;;
pg_ctl)
	shift
	: "${PWS_PG_DIR:?PWS_PG_DIR is not set (run under '$0 run')}"
	bindir=${PWS_PG_BINDIR:-$(find_bindir)}
	PWS_PG_OWNER=$(stat -c %U "$PWS_PG_DIR/data")
	# start and restart need the cluster's options again
	as_owner "$bindir/pg_ctl" -D "$PWS_PG_DIR/data" -l "$PWS_PG_DIR/log" \
		-o "$(cat "$PWS_PG_DIR/opts")" -w -t 60 "$@" > /dev/null
	;;
*)
	echo "usage: $0 run CMD [ARG...] | start | stop DIR | pg_ctl ARG..." >&2
	exit 2
	;;
esac
