//! Build script: links the kernel with `linker.ld` and builds the vDSO.
//!
//! The vDSO is a real ELF shared object assembled from
//! `userspace/vdso/vdso.S`; like Linux's `vdso2c`, its build also emits the
//! offsets of the symbols the kernel needs (`vdso_syms.rs`), so no address is
//! typed by hand.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());

    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "none" {
        let script = root.join("linker.ld");
        println!("cargo:rustc-link-arg=-T{}", script.display());
        println!("cargo:rerun-if-changed={}", script.display());
    }

    let vdso_dir = root.join("userspace/vdso");
    let status = Command::new("bash")
        .arg(vdso_dir.join("build.sh"))
        .arg(out.join("vdso.so"))
        .arg(out.join("vdso_syms.rs"))
        .status()
        .expect("cannot run bash for userspace/vdso/build.sh");
    assert!(status.success(), "userspace/vdso/build.sh failed");
    for f in [
        "vdso.S",
        "vclock_gettime.c",
        "vvar.h",
        "vdso.lds",
        "build.sh",
    ] {
        println!("cargo:rerun-if-changed={}", vdso_dir.join(f).display());
    }
}
