# shellcheck shell=bash
# Helpers shared by the scripts in scripts/. Sourced, never executed.
#
# Every diagnostic goes to stderr so that stdout stays machine-readable
# (`scripts/pg-cluster url` is captured by other scripts).

# The name the user typed, for error messages.
PROG="${PROG:-$(basename "${BASH_SOURCE[-1]}")}"

# The repository root, whatever the caller's working directory. Used by the sourcing scripts.
# shellcheck disable=SC2034
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

note() {
  printf '%s: %s\n' "$PROG" "$*" >&2
}

# A visible header between phases, so a CI log can be skimmed for the phase that failed, stamped
# with the script's elapsed time so it also shows where the minutes went. Bold only on a terminal:
# CI logs stay free of escape codes.
section() {
  local stamp
  printf -v stamp '[%dm%02ds]' $((SECONDS / 60)) $((SECONDS % 60))
  if [[ -t 2 ]]; then
    printf '\n\033[1m==> %s\033[0m %s\n' "$*" "$stamp" >&2
  else
    printf '\n==> %s %s\n' "$*" "$stamp" >&2
  fi
}

is_root() {
  [[ "$(id -u)" -eq 0 ]]
}

# Hex only: safe unquoted in URLs, SQL literals and shell words, and still 144 bits of entropy.
random_secret() {
  od -An -tx1 -N18 /dev/urandom | tr -d ' \n'
}

# Roles, databases and passwords we generate are plain identifiers; refusing anything else means
# none of them ever needs quoting in SQL, libpq URLs or shell words.
require_plain_word() {
  local what="$1" value="$2"
  [[ "$value" =~ ^[A-Za-z0-9_]+$ ]] || die "$what must match [A-Za-z0-9_]+, got '$value'"
}

# Whether anything listens on TCP PORT (IPv4 or IPv6), read from /proc so no extra tools are needed.
port_in_use() {
  local hex table tables=()
  printf -v hex '%04X' "$1"
  # tcp6 is absent when IPv6 is disabled.
  for table in /proc/net/tcp /proc/net/tcp6; do
    if [[ -r "$table" ]]; then tables+=("$table"); fi
  done
  # Column 2 is local_address as HEXIP:HEXPORT, column 4 the state; 0A is LISTEN.
  awk -v hex="$hex" 'FNR > 1 { split($2, a, ":"); if (a[2] == hex && $4 == "0A") found = 1 }
                     END { exit !found }' "${tables[@]}"
}

# A random port nobody listens on, below the kernel's ephemeral range (32768+) so that outgoing
# connections cannot take it between this check and the bind.
pick_free_port() {
  local attempt port
  for attempt in {1..50}; do
    port=$((20000 + RANDOM % 12000))
    if ! port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free TCP port found after $attempt attempts"
}

# ccache (installed by install-deps, picked up by CMakeLists.txt): hash paths relative to the
# checkout so a fresh clone elsewhere reuses the cache, and accept CMake's precompiled headers.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$REPO_ROOT}"
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
