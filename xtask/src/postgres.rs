//! A throwaway PostgreSQL cluster for the tests: Debian's `postgresql`
//! package installed when missing (CI runs as root on a fresh machine),
//! `initdb` into a temporary directory, the server started on 127.0.0.1 on
//! a free port as an unprivileged user (PostgreSQL refuses to run as root),
//! stopped and removed when dropped. `cargo xtask test` passes its URL to
//! the tests as `FERROGRAM_TEST_POSTGRES` and requires them to use it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// A running cluster; stopped and removed on drop.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication
    /// on the loopback address only).
    pub url: String,
}

/// The directory holding `initdb` and `pg_ctl`: Debian's
/// `/usr/lib/postgresql/<version>/bin` (the newest), else the `PATH`.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs Debian's `postgresql` (root only).
fn install() -> Result<(), String> {
    if !is_root() || !Path::new("/usr/bin/apt-get").exists() {
        return Err(
            "PostgreSQL is not installed (initdb not found), and this is not a \
                    Debian machine where `cargo xtask test` may install it as root: \
                    install PostgreSQL's server binaries"
                .into(),
        );
    }
    println!("xtask: installing Debian's postgresql for the session-store tests");
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "postgresql",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// A port free on 127.0.0.1 now.
fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

impl Cluster {
    /// Installs (if needed), initializes and starts a cluster.
    pub fn start() -> Result<Self, String> {
        let bin = match find_bin() {
            Some(b) => b,
            None => {
                install()?;
                find_bin().ok_or("postgresql installed, but initdb is still not found")?
            }
        };
        // Under the system's temporary directory: the server's user must be
        // able to reach it (a clone under /root is not).
        let dir = std::env::temp_dir().join(format!("ferrogram-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let as_postgres = is_root();
        let mut cluster = Cluster {
            dir,
            bin,
            as_postgres,
            url: String::new(),
        };
        if as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        cluster.run(cluster.command("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]))?;
        let port = free_port()?;
        // Throwaway data: no fsync; sockets in the cluster's directory.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections=200",
            cluster.dir.display()
        );
        cluster.run(
            cluster
                .command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(cluster.dir.join("server.log"))
                .args(["-w", "-t", "60", "-o", &options, "start"]),
        )?;
        cluster.url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        println!("xtask: PostgreSQL for the tests at {}", cluster.url);
        Ok(cluster)
    }

    /// Runs one of the cluster's programs in the cluster's directory (the
    /// server's user may not be able to enter the workspace).
    fn run(&self, cmd: &mut Command) -> Result<(), String> {
        let shown = format!("{cmd:?}");
        println!("xtask: running {shown}");
        let status = cmd
            .current_dir(&self.dir)
            .status()
            .map_err(|e| format!("{shown}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{shown} failed ({status})"))
        }
    }

    /// One of the cluster's programs, run as the server's user when we are
    /// root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            // util-linux's runuser where there is one; else setpriv, also
            // util-linux, with the server's ids.
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                .into_iter()
                .find(|p| Path::new(p).exists());
            let mut c = match runuser {
                Some(r) => {
                    let mut c = Command::new(r);
                    c.args(["-u", "postgres", "--"]);
                    c
                }
                None => {
                    let mut c = Command::new("setpriv");
                    c.args([
                        "--reuid=postgres",
                        "--regid=postgres",
                        "--init-groups",
                        "--",
                    ]);
                    c
                }
            };
            c.arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .current_dir(&self.dir)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `cargo xtask postgres COMMAND...`: COMMAND run with a throwaway cluster,
/// its URL in `FERROGRAM_TEST_POSTGRES` (and the tests told to require it).
pub fn with_cluster(command: &[&str]) -> Result<(), String> {
    let (program, args) = command
        .split_first()
        .ok_or("usage: cargo xtask postgres COMMAND...")?;
    let cluster = Cluster::start()?;
    run(Command::new(program)
        .args(args)
        .env("FERROGRAM_POSTGRES", "required")
        .env("FERROGRAM_TEST_POSTGRES", &cluster.url))
}
