//! `/proc/cpuinfo` for the one CPU, from CPUID (Linux's
//! arch/x86/kernel/cpu/proc.c `show_cpuinfo`, with the 32-bit
//! `show_cpuinfo_misc` and the SMP `show_cpuinfo_core` lines, and the
//! feature names of arch/x86/include/asm/cpufeatures.h).
//!
//! Linux gathers `struct cpuinfo_x86` at boot; here CPUID is asked when the
//! file is read. The flags are printed in Linux's order (by capability
//! word) with Linux's names; names Linux hides (`""` in cpufeatures.h) are
//! left out. No CPU bug is claimed either way: `bugs` is empty.

use super::instructions::cpuid;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU32, Ordering};

/// `elf_hwcap2` (Linux's arch/x86/kernel/cpu/common.c): what the kernel
/// turned on for user space beyond CPUID, passed as `AT_HWCAP2`.
static HWCAP2: AtomicU32 = AtomicU32::new(0);
/// `HWCAP2_FSGSBASE` (arch/x86/include/uapi/asm/hwcap2.h).
const HWCAP2_FSGSBASE: u32 = 1 << 1;

/// At boot, as Linux's `identify_cpu`: where CPUID.7:EBX says the CPU has
/// the FSGSBASE instructions, CR4.FSGSBASE on and `HWCAP2_FSGSBASE` told
/// (they work only in 64-bit mode; Linux sets both on 32-bit kernels too).
pub fn init() {
    let (max_leaf, _, _, _) = cpuid(0, 0);
    if max_leaf >= 7 && cpuid(7, 0).1 & 1 != 0 {
        // SAFETY: CPUID says the bit exists; it only allows instructions
        // that 32-bit code cannot run anyway.
        unsafe {
            use x86::controlregs::{Cr4, cr4, cr4_write};
            cr4_write(cr4() | Cr4::CR4_ENABLE_FSGSBASE);
        }
        HWCAP2.store(HWCAP2_FSGSBASE, Ordering::Relaxed);
    }
}

/// `AT_HWCAP2`'s value.
pub fn elf_hwcap2() -> u32 {
    HWCAP2.load(Ordering::Relaxed)
}

/// Names of CPUID 1 EDX (word 0).
const WORD0: [&str; 32] = [
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "", "sep", "mtrr", "pge",
    "mca", "cmov", "pat", "pse36", "pn", "clflush", "", "dts", "acpi", "mmx", "fxsr", "sse",
    "sse2", "ss", "ht", "tm", "ia64", "pbe",
];
/// Names of CPUID 0x80000001 EDX (word 1): only what word 0 has not.
const WORD1: [&str; 32] = [
    "", "", "", "", "", "", "", "", "", "", "", "syscall", "", "", "", "", "", "", "", "mp", "nx",
    "", "mmxext", "", "", "fxsr_opt", "pdpe1gb", "rdtscp", "", "lm", "3dnowext", "3dnow",
];
/// Names of CPUID 1 ECX (word 4).
const WORD4: [&str; 32] = [
    "pni",
    "pclmulqdq",
    "dtes64",
    "monitor",
    "ds_cpl",
    "vmx",
    "smx",
    "est",
    "tm2",
    "ssse3",
    "cid",
    "sdbg",
    "fma",
    "cx16",
    "xtpr",
    "pdcm",
    "",
    "pcid",
    "dca",
    "sse4_1",
    "sse4_2",
    "x2apic",
    "movbe",
    "popcnt",
    "tsc_deadline_timer",
    "aes",
    "xsave",
    "",
    "avx",
    "f16c",
    "rdrand",
    "hypervisor",
];
/// Names of CPUID 0x80000001 ECX (word 6).
const WORD6: [&str; 32] = [
    "lahf_lm",
    "cmp_legacy",
    "svm",
    "extapic",
    "cr8_legacy",
    "abm",
    "sse4a",
    "misalignsse",
    "3dnowprefetch",
    "osvw",
    "ibs",
    "xop",
    "skinit",
    "wdt",
    "",
    "lwp",
    "fma4",
    "tce",
    "",
    "nodeid_msr",
    "",
    "tbm",
    "topoext",
    "perfctr_core",
    "perfctr_nb",
    "",
    "bpext",
    "ptsc",
    "perfctr_llc",
    "mwaitx",
    "",
    "",
];
/// Names of CPUID 7.0 EBX (word 9).
const WORD9: [&str; 32] = [
    "fsgsbase",
    "tsc_adjust",
    "sgx",
    "bmi1",
    "hle",
    "avx2",
    "",
    "smep",
    "bmi2",
    "erms",
    "invpcid",
    "rtm",
    "cqm",
    "",
    "mpx",
    "rdt_a",
    "avx512f",
    "avx512dq",
    "rdseed",
    "adx",
    "smap",
    "avx512ifma",
    "",
    "clflushopt",
    "clwb",
    "intel_pt",
    "avx512pf",
    "avx512er",
    "avx512cd",
    "sha_ni",
    "avx512bw",
    "avx512vl",
];
/// Names of CPUID 7.0 ECX (word 16).
const WORD16: [&str; 32] = [
    "",
    "avx512vbmi",
    "umip",
    "pku",
    "ospke",
    "waitpkg",
    "avx512_vbmi2",
    "",
    "gfni",
    "vaes",
    "vpclmulqdq",
    "avx512_vnni",
    "avx512_bitalg",
    "tme",
    "avx512_vpopcntdq",
    "",
    "la57",
    "",
    "",
    "",
    "",
    "",
    "rdpid",
    "",
    "bus_lock_detect",
    "cldemote",
    "",
    "movdiri",
    "movdir64b",
    "enqcmd",
    "sgx_lc",
    "",
];
/// Names of CPUID 7.0 EDX (word 18).
const WORD18: [&str; 32] = [
    "",
    "",
    "avx512_4vnniw",
    "avx512_4fmaps",
    "fsrm",
    "",
    "",
    "",
    "avx512_vp2intersect",
    "",
    "md_clear",
    "",
    "",
    "",
    "serialize",
    "",
    "tsxldtrk",
    "",
    "pconfig",
    "arch_lbr",
    "ibt",
    "",
    "amx_bf16",
    "avx512_fp16",
    "amx_tile",
    "amx_int8",
    "",
    "",
    "flush_l1d",
    "arch_capabilities",
    "",
    "",
];
/// CPUID 0x80000007 EDX (`x86_power_flags`).
const POWER: [&str; 13] = [
    "ts",
    "fid",
    "vid",
    "ttp",
    "tm",
    "stc",
    "100mhzsteps",
    "hwpstate",
    "",
    "cpb",
    "eff_freq_ro",
    "proc_feedback",
    "acc_power",
];

fn put_flags(m: &mut impl Write, names: &[&str; 32], bits: u32) -> fmt::Result {
    for (i, name) in names.iter().enumerate() {
        if bits & (1 << i) != 0 && !name.is_empty() {
            write!(m, " {name}")?;
        }
    }
    Ok(())
}

/// Twelve or sixteen bytes of a CPUID string, from registers.
fn regs_bytes(regs: &[u32], out: &mut [u8]) {
    for (i, r) in regs.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&r.to_le_bytes());
    }
}

/// Write the one processor's block of `/proc/cpuinfo`.
pub fn show_cpuinfo(m: &mut impl Write) -> fmt::Result {
    let (max_leaf, b, c, d) = cpuid(0, 0);
    let mut vendor = [0u8; 12];
    regs_bytes(&[b, d, c], &mut vendor);
    let vendor = core::str::from_utf8(&vendor).unwrap_or("unknown");
    let (eax1, ebx1, ecx1, edx1) = if max_leaf >= 1 {
        cpuid(1, 0)
    } else {
        (0, 0, 0, 0)
    };
    // `cpu_detect`: the family, with the extended family for 0xf; the
    // model, with the extended model from family 6 on.
    let mut family = (eax1 >> 8) & 0xf;
    let mut model = (eax1 >> 4) & 0xf;
    let stepping = eax1 & 0xf;
    if family == 0xf {
        family += (eax1 >> 20) & 0xff;
    }
    if family >= 6 {
        model += ((eax1 >> 16) & 0xf) << 4;
    }
    let (max_ext, ..) = cpuid(0x8000_0000, 0);
    let ext = |leaf: u32| {
        if max_ext >= leaf {
            cpuid(leaf, 0)
        } else {
            (0, 0, 0, 0)
        }
    };
    // `get_model_name`: the brand string, leading spaces trimmed.
    let mut brand = [0u8; 48];
    if max_ext >= 0x8000_0004 {
        for (i, leaf) in (0x8000_0002..=0x8000_0004).enumerate() {
            let (a, b, c, d) = cpuid(leaf, 0);
            regs_bytes(&[a, b, c, d], &mut brand[i * 16..i * 16 + 16]);
        }
    }
    let len = brand.iter().position(|&b| b == 0).unwrap_or(48);
    let name = core::str::from_utf8(&brand[..len]).unwrap_or("").trim();
    let name = if name.is_empty() { "unknown" } else { name };

    writeln!(m, "processor\t: 0")?;
    writeln!(m, "vendor_id\t: {vendor}")?;
    writeln!(m, "cpu family\t: {family}")?;
    writeln!(m, "model\t\t: {model}")?;
    writeln!(m, "model name\t: {name}")?;
    writeln!(m, "stepping\t: {stepping}")?;
    if edx1 & (1 << 4) != 0 {
        let khz = crate::time::tsc_khz();
        writeln!(m, "cpu MHz\t\t: {}.{:03}", khz / 1000, khz % 1000)?;
    }
    // `cpu_detect_cache_sizes`: the L2 size from 0x80000006.
    let (_, _, l2, _) = ext(0x8000_0006);
    if l2 >> 16 != 0 {
        writeln!(m, "cache size\t: {} KB", l2 >> 16)?;
    }
    let apicid = ebx1 >> 24;
    writeln!(m, "physical id\t: 0")?;
    writeln!(m, "siblings\t: 1")?;
    writeln!(m, "core id\t\t: 0")?;
    writeln!(m, "cpu cores\t: 1")?;
    writeln!(m, "apicid\t\t: {apicid}")?;
    writeln!(m, "initial apicid\t: {apicid}")?;
    let fpu = if edx1 & 1 != 0 { "yes" } else { "no" };
    writeln!(m, "fdiv_bug\t: no")?;
    writeln!(m, "f00f_bug\t: no")?;
    writeln!(m, "coma_bug\t: no")?;
    writeln!(m, "fpu\t\t: {fpu}")?;
    writeln!(m, "fpu_exception\t: {fpu}")?;
    writeln!(m, "cpuid level\t: {max_leaf}")?;
    writeln!(m, "wp\t\t: yes")?;

    write!(m, "flags\t\t:")?;
    put_flags(m, &WORD0, edx1)?;
    let (_, _, ecx81, edx81) = ext(0x8000_0001);
    put_flags(m, &WORD1, edx81)?;
    // Word 3, Linux's own: every CPU that answers CPUID has `cpuid`.
    write!(m, " cpuid")?;
    put_flags(m, &WORD4, ecx1)?;
    put_flags(m, &WORD6, ecx81)?;
    if max_leaf >= 7 {
        let (_, b7, c7, d7) = cpuid(7, 0);
        put_flags(m, &WORD9, b7)?;
        put_flags(m, &WORD16, c7)?;
        put_flags(m, &WORD18, d7)?;
    }
    write!(m, "\nbugs\t\t:")?;

    // BogoMIPS from loops_per_jiffy, which the TSC calibration gives
    // (`lpj_fine` = tsc_khz * 1000 / HZ).
    let hz = u64::from(super::pit::HZ);
    let lpj = crate::time::tsc_khz() * 1000 / hz;
    writeln!(
        m,
        "\nbogomips\t: {}.{:02}",
        lpj / (500_000 / hz),
        (lpj / (5000 / hz)) % 100
    )?;
    let clflush = if edx1 & (1 << 19) != 0 {
        ((ebx1 >> 8) & 0xff) * 8
    } else {
        32
    };
    writeln!(m, "clflush size\t: {clflush}")?;
    writeln!(m, "cache_alignment\t: {clflush}")?;
    // `get_cpu_address_sizes`: from 0x80000008, else 32 bits (36 with PAE
    // or PSE-36) physical and 32 virtual.
    let (sizes, ..) = ext(0x8000_0008);
    let (phys, virt) = if sizes != 0 {
        (sizes & 0xff, (sizes >> 8) & 0xff)
    } else if edx1 & (1 << 6 | 1 << 17) != 0 {
        (36, 32)
    } else {
        (32, 32)
    };
    writeln!(
        m,
        "address sizes\t: {phys} bits physical, {virt} bits virtual"
    )?;
    write!(m, "power management:")?;
    let (.., power) = ext(0x8000_0007);
    for i in 0..32 {
        if power & (1 << i) != 0 {
            match POWER.get(i) {
                Some(&"") => {}
                Some(name) => write!(m, " {name}")?,
                None => write!(m, " [{i}]")?,
            }
        }
    }
    write!(m, "\n\n")
}
