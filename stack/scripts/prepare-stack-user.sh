#!/usr/bin/env bash
# Started as root, the stack runs its processes as a system user of their own (no login, no home),
# created here once; that user owns the state its processes write (Kafka's log, Prometheus' TSDB,
# nginx's temporary files). Started as anyone else, the stack runs as that user and this only
# makes the directories.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

user=$(stack_os_user)
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
    step "created system user $user: the stack's processes run as it, not as root"
  fi
  # It reads the code and configs in place: every directory above the repository must let it in.
  runuser -u "$user" -- test -r "$REPO_DIR/package.json" ||
    die "user $user cannot read $REPO_DIR (a directory above it is closed to other users); clone the repository where other users may enter (e.g. under /srv or /opt), or run make up as a regular user"
fi

for dir in kafka-data prometheus nginx; do
  mkdir -p "$RUN_DIR/$dir"
  # Owned by root from before the stack ran as its own user: handed over once, with its contents.
  owner=$(stat -c %U "$RUN_DIR/$dir")
  [ "$owner" = "$user" ] && continue
  [ "$(id -u)" -eq 0 ] || die "$RUN_DIR/$dir belongs to $owner from a run as root: run make up as root again, or make clean to start afresh as $user"
  chown -R "$user:" "$RUN_DIR/$dir"
done
