//! `#!` scripts (Linux's fs/binfmt_script.c): the first line of an
//! executable that starts with `#!` names its interpreter and at most one
//! argument; `execve` then runs the interpreter with the script's path.

use abi::errno::{ENOEXEC, Errno};

/// How much of a file `execve` looks at (Linux's `BINPRM_BUF_SIZE`).
const BINPRM_BUF_SIZE: usize = 256;

/// A script's `#!` line: byte ranges of `file` for the interpreter's path
/// and its optional argument.
#[derive(Debug, PartialEq, Eq)]
pub struct Shebang {
    pub interp: core::ops::Range<usize>,
    pub arg: Option<core::ops::Range<usize>>,
}

fn spacetab(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Parse `file`'s `#!` line as Linux's `load_script` does: `Ok(None)` when
/// it is no script, `ENOEXEC` when the line names no interpreter or the
/// interpreter's name runs past the 256 bytes looked at (an empty name,
/// as `#!` alone gives, is the caller's to refuse). A line longer
/// than that without a newline is cut there (the argument with it); the
/// argument is everything after the name's blanks, inner blanks kept,
/// trailing ones dropped, up to a NUL.
pub fn parse(file: &[u8]) -> Result<Option<Shebang>, Errno> {
    if !file.starts_with(b"#!") {
        return Ok(None);
    }
    // bprm->buf: the file's first bytes, zeros after a short file.
    let mut buf = [0u8; BINPRM_BUF_SIZE];
    let n = file.len().min(BINPRM_BUF_SIZE);
    buf[..n].copy_from_slice(&file[..n]);
    let buf_end = BINPRM_BUF_SIZE - 1;
    let next_non_spacetab = |first: usize, last: usize| (first..=last).find(|&i| !spacetab(buf[i]));
    let next_terminator =
        |first: usize, last: usize| (first..=last).find(|&i| spacetab(buf[i]) || buf[i] == 0);
    // strnchr stops at a NUL as well as at the newline.
    let newline = buf
        .iter()
        .position(|&c| c == b'\n' || c == 0)
        .filter(|&i| buf[i] == b'\n');
    let mut i_end = match newline {
        Some(i) => i,
        None => {
            let i = next_non_spacetab(2, buf_end).ok_or(ENOEXEC)?;
            // Without a later blank or NUL the name may be truncated.
            next_terminator(i, buf_end).ok_or(ENOEXEC)?;
            buf_end
        }
    };
    while spacetab(buf[i_end - 1]) {
        i_end -= 1;
    }
    let i_name = match next_non_spacetab(2, i_end) {
        Some(i) if i != i_end => i,
        _ => return Err(ENOEXEC),
    };
    let i_sep = next_terminator(i_name, i_end);
    let i_arg = match i_sep {
        Some(s) if buf[s] != 0 => next_non_spacetab(s, i_end),
        _ => None,
    };
    buf[i_end] = 0;
    if let (Some(_), Some(s)) = (i_arg, i_sep) {
        buf[s] = 0;
    }
    // Both are C strings in buf: they end at the first NUL, within the
    // file's bytes (buf is zero past them).
    let cstr = |start: usize| start..start + buf[start..].iter().position(|&c| c == 0).unwrap_or(0);
    Ok(Some(Shebang {
        interp: cstr(i_name),
        arg: i_arg.map(cstr),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Line<'a> = (&'a [u8], Option<&'a [u8]>);

    fn strs(file: &[u8]) -> Result<Option<Line<'_>>, Errno> {
        Ok(parse(file)?.map(|s| (&file[s.interp], s.arg.map(|a| &file[a]))))
    }

    #[test_case]
    fn not_a_script() {
        assert_eq!(strs(b"\x7fELF"), Ok(None));
        assert_eq!(strs(b"#"), Ok(None));
        assert_eq!(strs(b""), Ok(None));
    }

    #[test_case]
    fn name_and_argument() {
        assert_eq!(strs(b"#!/bin/sh\necho"), Ok(Some((&b"/bin/sh"[..], None))));
        assert_eq!(
            strs(b"#!/bin/sh -e\n"),
            Ok(Some((&b"/bin/sh"[..], Some(&b"-e"[..]))))
        );
        assert_eq!(
            strs(b"#! \t/usr/bin/env  python3 -u \t\n"),
            Ok(Some((&b"/usr/bin/env"[..], Some(&b"python3 -u"[..]))))
        );
        assert_eq!(strs(b"#!/bin/sh"), Ok(Some((&b"/bin/sh"[..], None))));
        assert_eq!(strs(b"#!/bin/sh \n"), Ok(Some((&b"/bin/sh"[..], None))));
    }

    #[test_case]
    fn no_interpreter() {
        assert_eq!(strs(b"#!\n"), Err(ENOEXEC));
        assert_eq!(strs(b"#!  \t\n"), Err(ENOEXEC));
        let mut f = alloc::vec::Vec::from(&b"#!"[..]);
        f.resize(300, b'/');
        assert_eq!(strs(&f), Err(ENOEXEC));
        // An empty name, which the caller resolves as Linux's open_exec.
        assert_eq!(strs(b"#!"), Ok(Some((&b""[..], None))));
        assert_eq!(strs(b"#!\0/bin/sh\n"), Ok(Some((&b""[..], None))));
    }

    #[test_case]
    fn long_line_is_cut() {
        let mut f = alloc::vec::Vec::from(&b"#!/bin/sh "[..]);
        f.resize(400, b'y');
        let (name, arg) = strs(&f).unwrap().unwrap();
        assert_eq!(name, b"/bin/sh");
        assert_eq!(arg.unwrap().len(), 255 - 10);
    }
}
