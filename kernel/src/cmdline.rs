//! The kernel command line, read the way Linux reads it.
//!
//! Words are separated by spaces; double quotes group words into one
//! (`"arg two"`). `init=PATH` chooses the first program, `loglevel=N` the
//! console log level, `strace` turns on system-call tracing. Everything after
//! `--` goes to init's `argv[1..]`. As on Linux, words the kernel does not
//! know are handed to init too: `name=value` into its environment, plain
//! words into its arguments. QEMU's Multiboot loader (and GRUB's `multiboot`)
//! put the kernel's own file name first; a first word that looks like one
//! (a `/` or a `.`, and no `=`) is skipped. No kernel option looks like that.

use alloc::string::String;
use alloc::vec::Vec;

/// What the kernel understood from its command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmdline {
    /// Path of the first program (`init=`, default `/init`).
    pub init: String,
    /// `argv[1..]` for init.
    pub init_args: Vec<String>,
    /// Environment for init (`HOME=/`, `TERM=linux` plus unknown `a=b`).
    pub init_env: Vec<String>,
    /// `loglevel=N`.
    pub loglevel: Option<u32>,
    /// `strace`: log every system call.
    pub strace: bool,
    /// `pathtrace=NAME` or `=NR`: draw the entry path of that call
    /// (`arch/x86/pathtrace.rs`).
    pub pathtrace: Option<String>,
    /// `bench_floor`: install the bare entry points `make bench` measures.
    pub bench_floor: bool,
}

/// Split a command line into words, honouring double quotes.
pub fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' | '\t' | '\n' if !quoted => {
                if in_word {
                    words.push(core::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

impl Cmdline {
    /// Parse a raw command line.
    pub fn parse(raw: &str) -> Self {
        let mut c = Cmdline {
            init: String::from("/init"),
            init_args: Vec::new(),
            init_env: Vec::from([String::from("HOME=/"), String::from("TERM=linux")]),
            loglevel: None,
            strace: false,
            pathtrace: None,
            bench_floor: false,
        };
        let mut words = split_words(raw).into_iter().peekable();
        if let Some(first) = words.peek()
            && (first.contains('/') || first.contains('.'))
            && !first.contains('=')
        {
            words.next();
        }
        let mut after_dashes = false;
        for w in words {
            if after_dashes {
                c.init_args.push(w);
            } else if w == "--" {
                after_dashes = true;
            } else if let Some(path) = w.strip_prefix("init=") {
                c.init = String::from(path);
            } else if let Some(level) = w.strip_prefix("loglevel=") {
                c.loglevel = level.parse().ok();
            } else if w == "strace" {
                c.strace = true;
            } else if let Some(call) = w.strip_prefix("pathtrace=") {
                c.pathtrace = Some(String::from(call));
            } else if w == "bench_floor" {
                c.bench_floor = true;
            } else if w.contains('=') {
                c.init_env.push(w);
            } else {
                c.init_args.push(w);
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn skips_qemu_kernel_path_and_reads_init_args() {
        let c = Cmdline::parse("/build/kernel.elf init=/bin/prog -- a1 \"arg two\" x=y");
        assert_eq!(c.init, "/bin/prog");
        assert_eq!(c.init_args, ["a1", "arg two", "x=y"]);
        assert!(!c.strace);
    }

    #[test_case]
    fn skips_a_kernel_file_name_without_a_slash() {
        let c = Cmdline::parse("kernel.elf init=/bin/usertests -- tls");
        assert_eq!(c.init, "/bin/usertests");
        assert_eq!(c.init_args, ["tls"]);
        let c = Cmdline::parse("quiet strace");
        assert_eq!(
            c.init_args,
            ["quiet"],
            "a plain first word is an option, not a file name"
        );
    }

    #[test_case]
    fn options_and_defaults() {
        let c = Cmdline::parse("strace loglevel=7 FOO=bar quiet");
        assert_eq!(c.init, "/init");
        assert!(c.strace);
        assert_eq!(c.loglevel, Some(7));
        assert!(c.init_env.iter().any(|e| e == "FOO=bar"));
        assert_eq!(c.init_args, ["quiet"]);
    }

    #[test_case]
    fn quotes_group_and_empty_quotes_make_a_word() {
        assert_eq!(split_words("a \"b  c\" \"\" d"), ["a", "b  c", "", "d"]);
        assert!(split_words("   ").is_empty());
    }
}
