//! The exception table (Linux's `__ex_table`): for the few kernel
//! instructions that may fault *because of what user space left behind* — a
//! user-memory access, a segment register reloaded from the user's frame,
//! the `iret` back to user mode — a fixup address to continue at instead of
//! panicking.
//!
//! Each such instruction emits, right where it is written, a pair of
//! addresses into the `.ex_table` section with the [`ex_table!`] macro (in
//! `entry_32.S`, its gas twin `_ASM_EXTABLE`); `linker.ld` gathers them
//! between `__ex_table_start` and `__ex_table_end`, and the trap handler
//! looks a faulting EIP up with [`fixup_for`].

/// One entry: `insn` may fault; resume at `fixup`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ExTableEntry {
    pub insn: u32,
    pub fixup: u32,
}

/// Asm text adding an entry: `ex_table!("2b", "3f")` after the
/// instruction at local label 2 with its fixup at local label 3.
#[macro_export]
macro_rules! ex_table {
    ($insn:literal, $fixup:literal) => {
        concat!(
            "
        .pushsection .ex_table, \"a\"
        .balign 4
        .long ",
            $insn,
            ", ",
            $fixup,
            "
        .popsection
        "
        )
    };
}

unsafe extern "C" {
    static __ex_table_start: ExTableEntry;
    static __ex_table_end: ExTableEntry;
}

/// All entries.
pub fn entries() -> &'static [ExTableEntry] {
    let start = &raw const __ex_table_start;
    let end = &raw const __ex_table_end;
    // SAFETY: the linker script places whole entries (8 bytes, 4-aligned)
    // between the two symbols, in read-only data that lives forever.
    unsafe {
        core::slice::from_raw_parts(
            start,
            (end as usize - start as usize) / size_of::<ExTableEntry>(),
        )
    }
}

/// Where to resume if the kernel faults at `ip`, if anywhere.
pub fn fixup_for(ip: usize) -> Option<usize> {
    entries()
        .iter()
        .find(|e| e.insn as usize == ip)
        .map(|e| e.fixup as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn table_covers_user_copies_segment_reloads_and_iret() {
        // 2 user-access instructions, 6 conditional segment reloads (4 on
        // the iret path, 2 on the sysexit path) and the iret.
        let e = entries();
        assert!(e.len() >= 9, "only {} exception-table entries", e.len());
        for x in e {
            assert!(
                x.insn >= 0xC010_0000 && x.fixup >= 0xC010_0000,
                "entry outside the kernel: {x:?}"
            );
            assert_ne!(x.insn, x.fixup);
        }
    }
}
