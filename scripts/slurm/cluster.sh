#!/bin/sh
# Starts a one-node Slurm cluster on this machine (as root): installs slurm-wlm and munge
# when missing, writes a munge key and a minimal slurm.conf naming this host, starts
# munged, slurmctld and slurmd, and waits (bounded) until the node is idle. Every failure
# exits non-zero with a message; nothing is skipped silently. `cluster.sh stop` ends the
# daemons it started.
#   STATE: folder for the configuration, logs and state (default /tmp/certify-cluster)
set -eu
STATE=${STATE:-/tmp/certify-cluster}
die() { echo "cluster.sh: $*" >&2; [ -d "$STATE/log" ] && tail -n 20 "$STATE"/log/*.log >&2 2>/dev/null; exit 1; }

if [ "${1:-}" = stop ]; then
  for d in slurmd slurmctld munged; do
    [ -f "$STATE/$d.pid" ] || continue
    pid=$(cat "$STATE/$d.pid")
    kill "$pid" 2>/dev/null || continue
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
  done
  exit 0
fi

[ "$(id -u)" = 0 ] || die "needs root (slurmd runs jobs as any user)"
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "installing slurm-wlm munge"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; } ||
    die "apt-get install slurm-wlm munge failed"
fi

mkdir -p "$STATE/log" "$STATE/ctld" "$STATE/d" "$STATE/munge"
chmod 755 "$STATE" "$(dirname "$STATE")" # munged wants its socket's folders searchable
if command -v ss >/dev/null 2>&1 && ss -ltn | grep -Eq ':681[78] '; then
  die "port 6817 or 6818 is in use (another Slurm running? cluster.sh stop with its STATE)"
fi
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024*0.8)}' /proc/meminfo)

# munge: a key of its own and a socket in STATE, so that a system munged is left alone.
KEY=$STATE/munge/munge.key
[ -f "$KEY" ] || { dd if=/dev/urandom of="$KEY" bs=1 count=1024 2>/dev/null; }
chmod 0400 "$KEY"
SOCK=$STATE/munge/munge.socket
if ! [ -S "$SOCK" ] || ! munge -n -S "$SOCK" >/dev/null 2>&1; then
  munged --force -S "$SOCK" --key-file "$KEY" --pid-file "$STATE/munged.pid" \
    --log-file "$STATE/log/munged.log" --seed-file "$STATE/munge/seed" || die "munged did not start"
fi
munge -n -S "$SOCK" | unmunge -S "$SOCK" >/dev/null || die "munge does not round-trip"

cat > "$STATE/slurm.conf" <<CONF
ClusterName=certify
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCK
CredType=cred/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
MinJobAge=600
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
rm -f "$STATE/cgroup.conf" # no cgroup plugin in use (proctrack/linuxproc, task/none)
export SLURM_CONF=$STATE/slurm.conf

if ! scontrol ping 2>/dev/null | grep -q UP; then
  slurmctld -f "$SLURM_CONF" || die "slurmctld did not start"
fi
if ! [ -f "$STATE/slurmd.pid" ] || ! kill -0 "$(cat "$STATE/slurmd.pid")" 2>/dev/null; then
  slurmd -f "$SLURM_CONF" || die "slurmd did not start"
fi
i=0
until sinfo -h -N -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; do
  i=$((i + 1))
  [ $i -le 60 ] || die "the node is not idle after 60 s: $(sinfo -h -N -o '%N %t %E' 2>&1)"
  [ $i -eq 5 ] && scontrol update nodename="$HOST" state=resume 2>/dev/null || true
  sleep 1
done
echo "slurm up: node $HOST, $CPUS CPUs; export SLURM_CONF=$SLURM_CONF"
