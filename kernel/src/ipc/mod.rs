//! System V IPC (Linux's ipc/): shared memory segments (`shm.rs`).

pub mod shm;
