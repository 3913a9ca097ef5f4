#!/bin/bash
# One shard of a seatplan sweep per Slurm array task.
#
#   jobid=$(sbatch --parsable --array=1-16 docs/deploy/slurm-sweep.sh path/to/sweep.toml)
#   sbatch --dependency=afterok:$jobid --wrap "seatplan merge shards/* --out merged"
#
# Run from the folder the shards go into (sbatch's working folder is the one it is called in):
# each task writes shards/<task>/ and its log seatplan-sweep-<job>_<task>.log there. Every task
# must see the same sweep file and base scenario (a shared file system); merge refuses shards
# whose inputs differ. The resources below are a starting point: options given to sbatch
# override them (--cpus-per-task=1 --mem=1G for small sweeps; tests/it/slurm.rs does so on a
# 2-CPU node). `seatplan` must be on the PATH sbatch is called with (sbatch passes it on).
#SBATCH --job-name=seatplan-sweep
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=seatplan-sweep-%A_%a.log
set -euo pipefail

sweep_file=${1:?usage: sbatch --array=1-N slurm-sweep.sh SWEEP.toml}
count=${SLURM_ARRAY_TASK_COUNT:?run as a job array (--array=1-N)}
index=${SLURM_ARRAY_TASK_ID:?run as a job array (--array=1-N)}

# Array ids must be 1..N for the shard numbers to line up.
if [ "${SLURM_ARRAY_TASK_MIN:-1}" != 1 ]; then
  echo "use --array=1-N (got ids from ${SLURM_ARRAY_TASK_MIN})" >&2
  exit 2
fi

mkdir -p shards
exec seatplan sweep "$sweep_file" -q \
  --shard "$index/$count" \
  --threads "${SLURM_CPUS_PER_TASK:-1}" \
  --out "shards/$index"
