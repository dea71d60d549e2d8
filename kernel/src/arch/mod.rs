//! Architecture support. This kernel has one: 32-bit x86.

pub mod x86;
