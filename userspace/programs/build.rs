//! Links every binary of this package with `userspace/user.ld` (static
//! ET_EXEC at 0x08048000, one PT_LOAD per permission). The argument is scoped
//! to this package's binaries, so the kernel keeps its own linker script.

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let script = manifest_dir.join("../user.ld");
    let script = script
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    // A plain static executable: no build-id note, no dynamic sections.
    println!("cargo:rustc-link-arg-bins=--build-id=none");
    println!("cargo:rustc-link-arg-bins=-static");
}
