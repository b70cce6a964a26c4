//! The Python peers' venv: `target/peers/venv` with the pinned `peers/requirements.txt`.

use crate::root;
use std::path::PathBuf;
use std::process::Command;

/// Creates or refreshes the venv when missing or when the requirements changed, and
/// returns its interpreter. Fails with one clear line if it cannot be installed.
pub fn ensure_venv() -> Result<PathBuf, String> {
    let root = root();
    let venv = root.join("target/peers/venv");
    let python = venv.join("bin/python");
    let reqs_path = root.join("peers/requirements.txt");
    let reqs =
        std::fs::read_to_string(&reqs_path).map_err(|e| format!("{}: {e}", reqs_path.display()))?;
    let stamp = venv.join("ferrogram-requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(reqs.as_str()) {
        return Ok(python);
    }
    println!("xtask: installing the Python peers into {}", venv.display());
    let system_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&system_python)
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&reqs_path)
            .status()
            .is_ok_and(|s| s.success());
    if !ok {
        return Err(format!(
            "cannot install the Python peers (Telethon) from {} into {}: check that `{system_python} -m venv` and PyPI work",
            reqs_path.display(),
            venv.display()
        ));
    }
    std::fs::write(&stamp, reqs).map_err(|e| e.to_string())?;
    Ok(python)
}
