//! Everything that touches the i386 CPU directly. Generic code reaches the
//! hardware only through this module.

pub mod boot;
pub mod common;
pub mod cpuinfo;
pub mod entry;
pub mod extable;
pub mod floor;
pub mod fpu;
pub mod fpu_signal;
pub mod gdt;
pub mod idt;
pub mod instructions;
pub mod ioport;
pub mod ldt;
pub mod paging;
pub mod pathtrace;
pub mod pic;
pub mod pit;
pub mod ptregs;
pub mod qemu;
pub mod rtc;
mod string;
pub mod switch;
pub mod sysenter;
pub mod traps;
pub mod tss;
