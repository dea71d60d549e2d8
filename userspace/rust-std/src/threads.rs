//! A Rust `std` program with threads (issue 12): `std::thread` spawn and
//! join, `Mutex` and `Arc`, an `mpsc` channel, a `Condvar`, a `Barrier`,
//! `thread_local!`, scoped threads and a panicking thread. Prints
//! "rust_threads: all ok" when every check passes, "FAIL: ..." per failure.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

static FAILURES: AtomicUsize = AtomicUsize::new(0);

fn check(ok: bool, what: &str) {
    if !ok {
        FAILURES.fetch_add(1, Ordering::SeqCst);
        println!("FAIL: {what}");
    }
}

thread_local! {
    static LOCAL: Cell<u32> = const { Cell::new(7) };
}

fn main() {
    // 8 threads adding under a Mutex, each returning a value from join.
    let total = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..8u64)
        .map(|i| {
            let total = Arc::clone(&total);
            thread::spawn(move || {
                for _ in 0..10_000 {
                    *total.lock().unwrap() += 1;
                }
                i * 3
            })
        })
        .collect();
    let mut rets = 0;
    for h in handles {
        rets += h.join().expect("a summing thread panicked");
    }
    check(*total.lock().unwrap() == 80_000, "Mutex sum of 8 threads");
    check(rets == 3 * (0..8).sum::<u64>(), "join return values");

    // mpsc: several producers, one consumer.
    let (tx, rx) = mpsc::channel();
    for p in 0..4u32 {
        let tx = tx.clone();
        thread::spawn(move || {
            for k in 0..100u32 {
                tx.send(p * 1000 + k).unwrap();
            }
        });
    }
    drop(tx);
    let got: Vec<u32> = rx.iter().collect();
    check(got.len() == 400, "mpsc received 400 messages");
    check(
        got.iter().map(|&v| u64::from(v)).sum::<u64>()
            == (0..4u64).map(|p| p * 1000 * 100 + 4950).sum::<u64>(),
        "mpsc message contents",
    );
    // A timeout on an empty channel.
    let (_tx2, rx2) = mpsc::channel::<u8>();
    check(
        rx2.recv_timeout(Duration::from_millis(20)) == Err(mpsc::RecvTimeoutError::Timeout),
        "recv_timeout on an empty channel",
    );

    // Condvar: wait for a flag another thread sets.
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let p2 = Arc::clone(&pair);
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(10));
        *p2.0.lock().unwrap() = true;
        p2.1.notify_all();
    });
    let mut ready = pair.0.lock().unwrap();
    while !*ready {
        ready = pair.1.wait(ready).unwrap();
    }
    drop(ready);
    t.join().unwrap();

    // Barrier: one leader per round.
    let barrier = Arc::new(Barrier::new(4));
    let leaders = Arc::new(AtomicUsize::new(0));
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let (b, l) = (Arc::clone(&barrier), Arc::clone(&leaders));
            thread::spawn(move || {
                for _ in 0..3 {
                    if b.wait().is_leader() {
                        l.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    check(
        leaders.load(Ordering::SeqCst) == 3,
        "one Barrier leader per round",
    );

    // thread_local!: each thread starts from the initial value.
    LOCAL.with(|l| l.set(1));
    let seen = thread::spawn(|| {
        let first = LOCAL.with(Cell::get);
        LOCAL.with(|l| l.set(99));
        first
    })
    .join()
    .unwrap();
    check(
        seen == 7 && LOCAL.with(Cell::get) == 1,
        "thread_local! per thread",
    );

    // Scoped threads borrowing the stack.
    let mut data = [1u32, 2, 3, 4];
    thread::scope(|s| {
        for x in data.iter_mut() {
            s.spawn(move || *x *= 10);
        }
    });
    check(data == [10, 20, 30, 40], "thread::scope");

    // A panicking thread: join reports it, the process goes on.
    let r = thread::Builder::new()
        .name("panicker".into())
        .spawn(|| {
            std::panic::set_hook(Box::new(|_| {}));
            panic!("on purpose")
        })
        .unwrap()
        .join();
    let _ = std::panic::take_hook();
    check(r.is_err(), "join of a panicked thread is Err");

    // available_parallelism and the thread's name.
    let name = thread::Builder::new()
        .name("worker-1".into())
        .spawn(|| thread::current().name().map(str::to_owned))
        .unwrap()
        .join()
        .unwrap();
    check(name.as_deref() == Some("worker-1"), "thread name");

    let n = FAILURES.load(Ordering::SeqCst);
    if n == 0 {
        println!("rust_threads: all ok");
    } else {
        println!("rust_threads: {n} failed");
        std::process::exit(1);
    }
}
