//! The shipped Slurm job array (`docs/deploy/slurm-sweep.sh`) on a real scheduler: a one-node
//! Slurm cluster on this machine (Debian's `slurmctld`, `slurmd` and `munge`), started from a
//! `slurm.conf` and a MUNGE key written into a temporary folder, with its own ports and sockets,
//! so it touches no system configuration and can run beside another copy of itself. The job
//! array runs the county's 18-point what-if sweep in 4 shards, the dependent job of
//! `docs/sweeps.md` merges them, and the merged files must be byte for byte those of a
//! single-machine sweep. The daemons are stopped when the test ends, whether it passes or not.
//!
//! Needs root (slurmd starts jobs as their user). When Slurm is missing and the test runs as
//! root, `tests/install-slurm.sh` installs Debian's packages (`.ci/run` does too); when it is not
//! root, or Slurm cannot be installed, the test prints why and passes without running.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::util::{scenario_dir, seatplan};

/// How long the job array and the merge may take together.
const JOB_TIMEOUT: Duration = Duration::from_secs(240);

/// Where a Slurm or MUNGE program is: on PATH, or in `/usr/sbin` (daemons, off a user's PATH).
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

const PROGRAMS: [&str; 8] = [
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "sinfo",
    "scontrol",
    "scancel",
    "munged",
];

/// Whether the test can run here; installs Slurm as root when it is missing. `Err` says why not.
fn slurm_available() -> Result<(), String> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err(
            "not running as root (slurmd must start the jobs as their user): run the test as \
             root to run the shipped job array on a local Slurm cluster"
                .into(),
        );
    }
    let missing = || PROGRAMS.iter().any(|p| program(p).is_none());
    if missing() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/install-slurm.sh");
        let status = Command::new("bash").arg(&script).status();
        if missing() {
            return Err(format!(
                "Slurm is missing and tests/install-slurm.sh could not install it ({status:?})"
            ));
        }
    }
    Ok(())
}

/// A free TCP port on this machine (bound, read and released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A one-node cluster: munged, slurmctld and slurmd, all children of this process, with every
/// file in `dir`. Dropping it cancels what is left of its jobs and stops the three daemons.
struct Cluster {
    dir: PathBuf,
    conf: PathBuf,
    daemons: Vec<(&'static str, Child)>,
}

impl Cluster {
    fn start(dir: &Path) -> Cluster {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path, m: u32| std::fs::set_permissions(p, PermissionsExt::from_mode(m));
        // munged wants its socket's folders searchable by all and its key readable by it alone.
        std::fs::create_dir_all(dir).unwrap();
        mode(dir, 0o755).unwrap();
        for sub in ["run", "log", "state", "spool", "munge"] {
            std::fs::create_dir(dir.join(sub)).unwrap();
            mode(&dir.join(sub), 0o755).unwrap();
        }
        mode(&dir.join("munge"), 0o700).unwrap();
        let key = dir.join("munge/munge.key");
        let mut bytes = vec![0u8; 1024];
        std::io::Read::read_exact(
            &mut std::fs::File::open("/dev/urandom").unwrap(),
            &mut bytes,
        )
        .unwrap();
        std::fs::write(&key, bytes).unwrap();
        mode(&key, 0o600).unwrap();
        let socket = dir.join("run/munge.sock");

        // This machine as slurmd sees it: its node name, real CPUs and memory.
        let node = Command::new(program("slurmd").unwrap())
            .arg("-C")
            .output()
            .unwrap();
        let node = String::from_utf8_lossy(&node.stdout);
        let node_line = node
            .lines()
            .find(|l| l.starts_with("NodeName="))
            .unwrap_or_else(|| panic!("slurmd -C printed no node: {node}"))
            .to_string();
        let node_name = node_line["NodeName=".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let d = dir.display();
        let conf = dir.join("slurm.conf");
        std::fs::write(
            &conf,
            format!(
                "ClusterName=seatplan-test
SlurmctldHost={node_name}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={socket}
CredType=cred/munge
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/run/slurmctld.pid
SlurmdPidFile={d}/run/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=600
KillWait=5
SchedulerType=sched/backfill
{node_line} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes={node_name} Default=YES MaxTime=INFINITE State=UP
",
                ctld_port = free_port(),
                slurmd_port = free_port(),
                socket = socket.display(),
                node_line = node_line
                    .split_whitespace()
                    .filter(|f| !f.starts_with("UpTime="))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        )
        .unwrap();

        let mut cluster = Cluster {
            dir: dir.to_path_buf(),
            conf,
            daemons: Vec::new(),
        };
        let d = dir;
        let mut munged = Command::new(program("munged").unwrap());
        munged
            .arg("--foreground")
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--key-file={}", key.display()))
            .arg(format!("--log-file={}", d.join("log/munged.log").display()))
            .arg(format!("--pid-file={}", d.join("run/munged.pid").display()))
            .arg(format!("--seed-file={}", d.join("munge/seed").display()));
        cluster.spawn("munged", &mut munged);
        cluster.wait_for("the MUNGE socket", Duration::from_secs(20), |_| {
            socket.exists()
        });
        let mut ctld = Command::new(program("slurmctld").unwrap());
        ctld.args(["-D", "-i"]);
        cluster.spawn("slurmctld", &mut ctld);
        let mut slurmd = Command::new(program("slurmd").unwrap());
        slurmd.args(["-D", "-N", &node_name]);
        cluster.spawn("slurmd", &mut slurmd);
        cluster.wait_for("the node to be idle", Duration::from_secs(60), |c| {
            let o = c.client("sinfo", &["-h", "-N", "-o", "%T"]);
            String::from_utf8_lossy(&o.stdout).trim() == "idle"
        });
        cluster
    }

    /// Starts a daemon with the cluster's configuration, its output into `log/<name>.out`.
    fn spawn(&mut self, name: &'static str, cmd: &mut Command) {
        let out = std::fs::File::create(self.dir.join(format!("log/{name}.out"))).unwrap();
        let child = cmd
            .env("SLURM_CONF", &self.conf)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        self.daemons.push((name, child));
    }

    /// Runs a client command (`sbatch`, `squeue`, …) against the cluster.
    fn client(&self, name: &str, args: &[&str]) -> Output {
        self.command(name).args(args).output().unwrap()
    }

    fn command(&self, name: &str) -> Command {
        let mut cmd = Command::new(program(name).unwrap());
        cmd.env("SLURM_CONF", &self.conf);
        cmd
    }

    /// Polls `ready` every 200 ms; panics with the daemons' logs after `timeout`, or at once if
    /// a daemon has exited.
    fn wait_for(&mut self, what: &str, timeout: Duration, ready: impl Fn(&Cluster) -> bool) {
        let t = Instant::now();
        loop {
            if ready(self) {
                return;
            }
            let exited = self
                .daemons
                .iter_mut()
                .find_map(|(name, child)| Some((*name, child.try_wait().ok()??)));
            if let Some((name, status)) = exited {
                panic!(
                    "{name} exited ({status}) while waiting for {what}\n{}",
                    self.logs()
                );
            }
            if t.elapsed() > timeout {
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n{}",
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The last lines of every log of the cluster (and of the jobs, in `jobs`).
    fn logs(&self) -> String {
        let mut text = String::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("log"))
            .into_iter()
            .flatten()
            .chain(
                std::fs::read_dir(self.dir.join("jobs"))
                    .into_iter()
                    .flatten(),
            )
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let body = std::fs::read_to_string(&f).unwrap_or_default();
            let lines: Vec<&str> = body.lines().collect();
            let tail = &lines[lines.len().saturating_sub(30)..];
            text.push_str(&format!("==> {} <==\n{}\n", f.display(), tail.join("\n")));
        }
        text
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Jobs left by a failure first, then the daemons: SIGTERM, and SIGKILL if one lingers.
        let _ = self.command("scancel").arg("--user=root").output();
        for (_, child) in self.daemons.iter().rev() {
            // SAFETY: the pid is our own child's, not yet reaped.
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        }
        let t = Instant::now();
        for (_, child) in self.daemons.iter_mut().rev() {
            while matches!(child.try_wait(), Ok(None)) && t.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `sbatch --parsable` with `args` from `cwd`, with the test's `seatplan` first on PATH; the job id.
fn submit(cluster: &Cluster, cwd: &Path, args: &[&str]) -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_seatplan")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = cluster
        .command("sbatch")
        .arg("--parsable")
        .args(args)
        .current_dir(cwd)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sbatch {args:?}: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        cluster.logs()
    );
    let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
    // `--parsable` prints `id` or `id;cluster`.
    id.split(';').next().unwrap().to_string()
}

/// The state of every job (and array task) the controller knows of `job`.
fn job_states(cluster: &Cluster, job: &str) -> Vec<String> {
    let o = cluster.client("scontrol", &["-o", "show", "job", job]);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|f| f.strip_prefix("JobState="))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn shipped_job_array_on_a_local_slurm_cluster_merges_into_the_single_machine_sweep() {
    if let Err(why) = slurm_available() {
        eprintln!("skipping the Slurm test: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let sweep = scenario_dir("county").join("sweeps/what-if.toml");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy/slurm-sweep.sh");

    let whole = tmp.path().join("whole");
    let o = seatplan(&[
        "sweep",
        sweep.to_str().unwrap(),
        "-q",
        "--out",
        whole.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut cluster = Cluster::start(&tmp.path().join("cluster"));
    let jobs = cluster.dir.join("jobs");
    std::fs::create_dir(&jobs).unwrap();
    // The commands of docs/sweeps.md, with 4 shards; the node has fewer CPUs than the script's
    // default 4 per task, so each task asks for one (and little memory).
    let array = submit(
        &cluster,
        &jobs,
        &[
            "--array=1-4",
            "--cpus-per-task=1",
            "--mem=1G",
            script.to_str().unwrap(),
            sweep.to_str().unwrap(),
        ],
    );
    let merge = submit(
        &cluster,
        &jobs,
        &[
            &format!("--dependency=afterok:{array}"),
            "--mem=1G",
            "--output=merge-%j.log",
            "--wrap",
            "seatplan merge shards/* --out merged",
        ],
    );
    let ids = format!("{array},{merge}");
    cluster.wait_for("the job array and the merge", JOB_TIMEOUT, |c| {
        let o = c.client("squeue", &["-h", "-j", &ids, "-o", "%i"]);
        o.status.success() && String::from_utf8_lossy(&o.stdout).trim().is_empty()
    });
    let mut states = job_states(&cluster, &array);
    states.extend(job_states(&cluster, &merge));
    assert!(
        states.len() == 5 && states.iter().all(|s| s == "COMPLETED"),
        "job states {states:?}\n{}",
        cluster.logs()
    );
    for i in 1..=4 {
        assert!(jobs.join(format!("shards/{i}/sweep.json")).is_file());
    }

    for name in [
        "points.csv",
        "districts.csv",
        "cutoffs.csv",
        "sweep.json",
        "report.html",
    ] {
        let merged = std::fs::read(jobs.join("merged").join(name))
            .unwrap_or_else(|e| panic!("merged/{name}: {e}\n{}", cluster.logs()));
        assert!(
            merged == std::fs::read(whole.join(name)).unwrap(),
            "merged {name} differs from the single-machine sweep's"
        );
    }
    drop(cluster);
}
