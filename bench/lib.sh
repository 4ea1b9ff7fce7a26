# Shared by the bench scripts: build the release binary and run it over a throwaway private
# PostgreSQL cluster (no DATABASE_URL) on a loopback port. Source it from the repository root.

port="${BENCH_PORT:-38571}"
base="http://127.0.0.1:$port"
# BENCH_DEBUG=1: the debug build instead (to try a script quickly; its figures mean nothing).
if [ "${BENCH_DEBUG:-0}" = 1 ]; then
  cargo build --quiet
  binary="${CARGO_TARGET_DIR:-target}/debug/forum-portal"
else
  cargo build --release --quiet
  binary="${CARGO_TARGET_DIR:-target}/release/forum-portal"
fi
data=$(mktemp -d /tmp/forum-portal-bench.XXXXXX)
chmod 755 "$data"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Start the portal; set $elapsed to the milliseconds until GET / answers 200.
start_and_time() {
  local started; started=$(now_ms)
  env -u DATABASE_URL PORTAL_DATA_DIR="$data/data" PORTAL_ADDR="127.0.0.1:$port" RUST_LOG=error "$binary" &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/")" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "the portal exited during start-up" >&2; exit 1; }
    sleep 0.01
  done
  elapsed=$(( $(now_ms) - started ))
}

stop() { kill "$pid"; wait "$pid" || true; pid=; }
