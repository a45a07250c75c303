# shellcheck shell=bash
# The system user our servers run as, and the directories they keep their files in, written once
# for scripts/pg-cluster, scripts/pgbouncer and scripts/ha. Sourced after common.sh.
#
# PostgreSQL, PgBouncer and Patroni refuse to run as root, so root delegates them to the
# 'postgres' system user; anyone else runs them as themselves. When that user cannot reach the
# directory asked for (a clone under /root is mode 700), root keeps the files in the user's home
# instead, at a path derived from the directory asked for, so that it always finds the same ones.

# Sets server_user. A function, not done on sourcing, so that --help works without the user.
server_user=""
choose_server_user() {
  if is_root; then
    server_user="postgres"
    getent passwd "$server_user" >/dev/null || die "system user '$server_user' is missing (run scripts/install-deps)"
  else
    server_user="$(id -un)"
  fi
}

# From /: PostgreSQL programs call getcwd() to find themselves and fail when the caller's
# directory is not accessible to the server user.
as_server() {
  if is_root; then
    (cd / && runuser -u "$server_user" -- "$@")
  else
    (cd / && "$@")
  fi
}

make_server_dir() {
  mkdir -p "$1"
  chmod 700 "$1"
  if is_root; then chown "$server_user:" "$1"; fi
}

# write_server_file FILE MODE: stdin to FILE, owned by the server user, who must read it.
write_server_file() {
  local file="$1" mode="$2"
  (umask 077 && cat >"$file")
  chmod "$mode" "$file"
  if is_root; then chown "$server_user:" "$file"; fi
}

# relocation_base NAME: the folder in the server user's home where root keeps NAME's relocated
# directories (coffeehouse-clusters, coffeehouse-pgbouncers, coffeehouse-ha).
relocation_base() {
  printf '%s/%s\n' "$(getent passwd "${server_user:-postgres}" | cut -d: -f6)" "$1"
}

# relocated_path NAME DIR: where DIR's files live once relocated.
relocated_path() {
  printf '%s/%s\n' "$(relocation_base "$1")" "$(printf '%s' "$2" | sha256sum | cut -c1-16)"
}

# resolve_linked_home NAME DIR WHAT: sets home to DIR, or to the relocated directory DIR links to.
# WHAT names DIR's contents in errors ("the PgBouncer").
home=""
resolve_linked_home() {
  local name="$1" dir="$2" what="$3"
  if [[ -L "$dir" ]]; then
    is_root || die "$what in $dir was created by root; run as root"
    home="$(readlink -- "$dir")"
    # Callers delete $home recursively: only ever a directory one of our scripts created.
    [[ "$(dirname -- "$home")" == "$(relocation_base "$name")" ]] || die "$dir is a symlink this script did not create"
  else
    home="$dir"
  fi
}

# make_linked_home NAME DIR: makes DIR (absent or empty) for the server user and sets home to it;
# when the server user cannot reach it, DIR becomes a link to a fresh relocated directory instead.
make_linked_home() {
  local name="$1" dir="$2"
  mkdir -p "$(dirname -- "$dir")"
  make_server_dir "$dir"
  home="$dir"
  if as_server test -w "$dir" -a -x "$dir"; then return 0; fi
  is_root || die "cannot write to $dir"
  home="$(relocated_path "$name" "$dir")"
  if [[ -e "$home" ]]; then
    note "removing $home, left behind by a deleted $dir"
    rm -rf -- "$home"
  fi
  rmdir -- "$dir"
  make_server_dir "$(relocation_base "$name")"
  make_server_dir "$home"
  ln -s -- "$home" "$dir"
  note "user '$server_user' cannot reach $dir; its files live in $home ($dir links to it)"
}
