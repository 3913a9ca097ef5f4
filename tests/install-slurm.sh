#!/usr/bin/env bash
# Installs Debian's Slurm (slurmctld, slurmd, the client commands) and MUNGE for the test that
# runs the shipped job array on a real scheduler on this machine (tests/it/slurm.rs runs this
# when Slurm is missing and it runs as root; .ci/run runs it too). Needs root and apt-get.
# Only the packages are installed: the test writes its own slurm.conf and MUNGE key in a
# temporary folder and starts and stops the daemons itself (nothing is enabled as a service).
set -euo pipefail
found() {
  for cmd in slurmctld slurmd sbatch squeue sinfo scontrol munged; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || return 1
  done
}
found && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-slurm: needs root and apt-get; install Slurm yourself (Debian: apt-get install -y slurmctld slurmd slurm-client munge)" >&2
  exit 1
fi
echo "install-slurm: installing Debian's slurmctld, slurmd, slurm-client and munge for the Slurm test" >&2
# No service is started by the packages' scripts: the test runs the daemons itself.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  made_policy=1
fi
trap 'if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  slurmctld slurmd slurm-client munge >/dev/null
# A package whose binary was removed by hand is "already installed": put it back.
found || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall --no-install-recommends \
  slurmctld slurmd slurm-client munge >/dev/null
found
