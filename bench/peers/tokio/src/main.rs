//! Tokio peer of the tokio-cpp bench suite.
//!
//! Runs the workloads of bench/README.md on Tokio's multi-thread runtime and prints, for each
//! selected workload, one line `NAME MEDIAN_NS_PER_OP` to stdout (`idle_task_bytes`: bytes per
//! task, not ns); progress goes to stderr.
//!
//! Usage: tokio-peer [PREFIX]      (only workloads whose name starts with PREFIX)
//! Env:   TOKIO_BENCH_WORKERS=N    (worker threads; default: Tokio's default, one per CPU)
//!
//! `tokio-peer --idle-task-bytes-child` (internal) is one run of idle_task_bytes in a fresh
//! process: it prints only the bytes per task on stdout.
//!
//! Must keep compiling with rustc 1.63 (Debian bookworm's toolchain): no let-else, no
//! `OnceLock`, no std APIs newer than 1.63.
//!
//! To add a workload: write `fn name(rt: &Runtime)` that performs exactly one repetition and
//! returns once it is complete, then add a row to `WORKLOADS` (idle_task_bytes is measured in
//! fresh processes instead, see `Measure`).

use std::env;
use std::process;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::runtime::{Builder, Runtime};

/// How a workload is measured.
enum Measure {
    /// `run` performs one repetition of `ops` operations on the shared runtime; the value is ns
    /// per op (one warm-up repetition is discarded first).
    NsPerOp(fn(&Runtime)),
    /// Each repetition calls `run`, which re-executes this program (e.g. with
    /// `--idle-task-bytes-child`) and returns the one value the child printed; the child builds
    /// its own runtime. No warm-up (every run is a fresh process).
    FreshProcess(fn() -> f64),
}

/// One benchmark: `reps` repetitions of `ops` operations, measured as `measure` says.
struct Workload {
    name: &'static str,
    reps: usize,
    ops: u64,
    measure: Measure,
}

const SPAWN_MANY: usize = 10_000;
const YIELD_TASKS: usize = 200;
const YIELD_COUNT: usize = 1_000;
const PING_PONGS: usize = 1_000;
const CHAIN_LEN: usize = 1_000;
const MPSC_PRODUCERS: usize = 10;
const MPSC_SENDS: usize = 10_000;
const MPSC_CAPACITY: usize = 1_024;
const TIMER_CANCEL_OPS: usize = 100_000;
const SLEEP_TASKS: usize = 10_000;
const BLOCKING_TASKS: usize = 100;
const BLOCKING_JOBS: usize = 100;
const IDLE_TASKS: usize = 1_000_000;
const MUTEX_TASKS: usize = 100;
const MUTEX_LOCKS: usize = 1_000;
const ECHO_CLIENTS: usize = 50;
const ECHO_ROUND_TRIPS: usize = 2_000;
const ECHO_MESSAGE: usize = 64;
const ECHO_READ_BUFFER: usize = 4 * 1024;
const BULK_CHUNKS: usize = 4_096;
const BULK_CHUNK: usize = 64 * 1024;
const UDP_CLIENTS: usize = 50;
const UDP_ROUND_TRIPS: usize = 2_000;
const UDP_MESSAGE: usize = 64;
const UDP_RECV_BUFFER: usize = 2 * 1024;
const FS_FILES: usize = 1_000;
const FS_FILE_SIZE: usize = 4 * 1024;
const FS_BULK_CHUNKS: usize = 1_024;
const FS_BULK_CHUNK: usize = 64 * 1024;
const PROCESS_SPAWNS: usize = 200;
const STREAM_ITEMS: usize = 1_000_000;
const FRAMED_LINES: usize = 1_000_000;
const FRAMED_DUPLEX: usize = 64 * 1024;
const CANCEL_CHILDREN: usize = 10_000;

/// The hidden argument that makes this program one run of idle_task_bytes.
const IDLE_TASK_BYTES_CHILD: &str = "--idle-task-bytes-child";

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "spawn_many_local",
        reps: 21,
        ops: SPAWN_MANY as u64,
        measure: Measure::NsPerOp(spawn_many_local),
    },
    Workload {
        name: "spawn_many_remote",
        reps: 21,
        ops: SPAWN_MANY as u64,
        measure: Measure::NsPerOp(spawn_many_remote),
    },
    Workload {
        name: "yield_many",
        reps: 11,
        ops: (YIELD_TASKS * YIELD_COUNT) as u64,
        measure: Measure::NsPerOp(yield_many),
    },
    Workload {
        name: "ping_pong",
        reps: 21,
        ops: PING_PONGS as u64,
        measure: Measure::NsPerOp(ping_pong),
    },
    Workload {
        name: "chained_spawn",
        reps: 21,
        ops: CHAIN_LEN as u64,
        measure: Measure::NsPerOp(chained_spawn),
    },
    Workload {
        name: "mpsc_bounded",
        reps: 11,
        ops: (MPSC_PRODUCERS * MPSC_SENDS) as u64,
        measure: Measure::NsPerOp(mpsc_bounded),
    },
    Workload {
        name: "mpsc_unbounded",
        reps: 11,
        ops: (MPSC_PRODUCERS * MPSC_SENDS) as u64,
        measure: Measure::NsPerOp(mpsc_unbounded),
    },
    Workload {
        name: "mutex_contended",
        reps: 11,
        ops: (MUTEX_TASKS * MUTEX_LOCKS) as u64,
        measure: Measure::NsPerOp(mutex_contended),
    },
    Workload {
        name: "timer_cancel",
        reps: 11,
        ops: TIMER_CANCEL_OPS as u64,
        measure: Measure::NsPerOp(timer_cancel),
    },
    Workload {
        name: "sleep_many",
        reps: 11,
        ops: SLEEP_TASKS as u64,
        measure: Measure::NsPerOp(sleep_many),
    },
    Workload {
        name: "blocking_many",
        reps: 11,
        ops: (BLOCKING_TASKS * BLOCKING_JOBS) as u64,
        measure: Measure::NsPerOp(blocking_many),
    },
    Workload {
        name: "idle_task_bytes",
        reps: 3,
        ops: IDLE_TASKS as u64,
        measure: Measure::FreshProcess(idle_task_bytes_run),
    },
    Workload {
        name: "tcp_echo_rr",
        reps: 5,
        ops: (ECHO_CLIENTS * ECHO_ROUND_TRIPS) as u64,
        measure: Measure::NsPerOp(tcp_echo_rr),
    },
    Workload {
        name: "tcp_stream_bulk",
        reps: 5,
        ops: BULK_CHUNKS as u64,
        measure: Measure::NsPerOp(tcp_stream_bulk),
    },
    Workload {
        name: "udp_echo_rr",
        reps: 5,
        ops: (UDP_CLIENTS * UDP_ROUND_TRIPS) as u64,
        measure: Measure::NsPerOp(udp_echo_rr),
    },
    Workload {
        name: "fs_read_small",
        reps: 11,
        ops: FS_FILES as u64,
        measure: Measure::NsPerOp(fs_read_small),
    },
    Workload {
        name: "fs_write_bulk",
        reps: 5,
        ops: FS_BULK_CHUNKS as u64,
        measure: Measure::NsPerOp(fs_write_bulk),
    },
    Workload {
        name: "process_spawn_wait",
        reps: 5,
        ops: PROCESS_SPAWNS as u64,
        measure: Measure::NsPerOp(process_spawn_wait),
    },
    Workload {
        name: "stream_pipeline",
        reps: 11,
        ops: STREAM_ITEMS as u64,
        measure: Measure::NsPerOp(stream_pipeline),
    },
    Workload {
        name: "framed_lines",
        reps: 5,
        ops: FRAMED_LINES as u64,
        measure: Measure::NsPerOp(framed_lines),
    },
    Workload {
        name: "cancel_tree",
        reps: 11,
        ops: CANCEL_CHILDREN as u64,
        measure: Measure::NsPerOp(cancel_tree),
    },
];

/// Shared countdown: the task that brings it to zero signals the waiting (non-runtime) thread
/// over a std channel.
struct Countdown {
    remaining: AtomicUsize,
    done: Mutex<mpsc::Sender<()>>,
}

impl Countdown {
    fn new(n: usize) -> (Arc<Countdown>, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        let cd = Countdown {
            remaining: AtomicUsize::new(n),
            done: Mutex::new(tx),
        };
        (Arc::new(cd), rx)
    }

    fn count_down(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.done.lock().unwrap().send(()).unwrap();
        }
    }
}

/// From inside one task, spawn 10,000 tasks that each decrement a shared counter; the last one
/// signals the outside thread. (block_on only launches the spawning task, as in Tokio's own
/// benches/rt_multi_threaded.rs; the main thread then waits on the std channel.)
fn spawn_many_local(rt: &Runtime) {
    let (cd, rx) = Countdown::new(SPAWN_MANY);
    rt.block_on(async move {
        tokio::spawn(async move {
            for _ in 0..SPAWN_MANY {
                let cd = cd.clone();
                tokio::spawn(async move { cd.count_down() });
            }
        });
    });
    rx.recv().unwrap();
}

/// The same 10,000 spawns, made from the main thread (outside the runtime) through its handle.
fn spawn_many_remote(rt: &Runtime) {
    let (cd, rx) = Countdown::new(SPAWN_MANY);
    for _ in 0..SPAWN_MANY {
        let cd = cd.clone();
        rt.spawn(async move { cd.count_down() });
    }
    rx.recv().unwrap();
}

/// 200 tasks spawned from outside, each yields 1,000 times, then counts down; the last signals.
fn yield_many(rt: &Runtime) {
    let (cd, rx) = Countdown::new(YIELD_TASKS);
    for _ in 0..YIELD_TASKS {
        let cd = cd.clone();
        rt.spawn(async move {
            for _ in 0..YIELD_COUNT {
                tokio::task::yield_now().await;
            }
            cd.count_down();
        });
    }
    rx.recv().unwrap();
}

/// One task spawns 1,000 tasks; each makes two oneshot channels, spawns a partner that awaits
/// the first and sends on the second, sends on the first, awaits the second, then counts down;
/// the last signals the outside thread. (As in Tokio's own benches/rt_multi_threaded.rs, block_on
/// only launches the spawning task; the main thread then waits on the std channel.)
fn ping_pong(rt: &Runtime) {
    let (cd, rx) = Countdown::new(PING_PONGS);
    rt.block_on(async move {
        tokio::spawn(async move {
            for _ in 0..PING_PONGS {
                let cd = cd.clone();
                tokio::spawn(async move {
                    let (ping_tx, ping_rx) = tokio::sync::oneshot::channel::<()>();
                    let (pong_tx, pong_rx) = tokio::sync::oneshot::channel::<()>();
                    tokio::spawn(async move {
                        ping_rx
                            .await
                            .expect("ping_pong: the ping sender was dropped");
                        pong_tx
                            .send(())
                            .expect("ping_pong: the pong receiver was dropped");
                    });
                    ping_tx
                        .send(())
                        .expect("ping_pong: the ping receiver was dropped");
                    pong_rx
                        .await
                        .expect("ping_pong: the pong sender was dropped");
                    cd.count_down();
                });
            }
        });
    });
    rx.recv().unwrap();
}

/// Task `remaining` of the chain: the last one (remaining == 1) signals, every other one spawns
/// the next.
fn chain_link(done: mpsc::Sender<()>, remaining: usize) {
    if remaining == 1 {
        done.send(()).unwrap();
    } else {
        tokio::spawn(async move { chain_link(done, remaining - 1) });
    }
}

/// A chain of 1,000 tasks, each spawning the next; the last signals. The head is spawned from
/// the main thread; the other 999 spawns happen on the runtime.
fn chained_spawn(rt: &Runtime) {
    let (tx, rx) = mpsc::channel();
    rt.spawn(async move { chain_link(tx, CHAIN_LEN) });
    rx.recv().unwrap();
}

/// Inside block_on, a tokio::sync::mpsc channel of capacity 1,024; 10 spawned producers each
/// `send(i).await` 10,000 integers; the block_on body drops its own Sender and receives until
/// `recv()` returns None (every producer has finished and dropped its Sender); check 100,000.
fn mpsc_bounded(rt: &Runtime) {
    let received = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<usize>(MPSC_CAPACITY);
        for _ in 0..MPSC_PRODUCERS {
            let tx = tx.clone();
            tokio::spawn(async move {
                for i in 0..MPSC_SENDS {
                    tx.send(i)
                        .await
                        .expect("mpsc_bounded: the receiver was dropped");
                }
            });
        }
        drop(tx);
        let mut received = 0usize;
        while rx.recv().await.is_some() {
            received += 1;
        }
        received
    });
    assert_eq!(
        received,
        MPSC_PRODUCERS * MPSC_SENDS,
        "mpsc_bounded: wrong number of received values"
    );
}

/// The same with tokio::sync::mpsc::unbounded_channel (its `send` never waits, so it is not
/// awaited).
fn mpsc_unbounded(rt: &Runtime) {
    let received = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<usize>();
        for _ in 0..MPSC_PRODUCERS {
            let tx = tx.clone();
            tokio::spawn(async move {
                for i in 0..MPSC_SENDS {
                    tx.send(i)
                        .expect("mpsc_unbounded: the receiver was dropped");
                }
            });
        }
        drop(tx);
        let mut received = 0usize;
        while rx.recv().await.is_some() {
            received += 1;
        }
        received
    });
    assert_eq!(
        received,
        MPSC_PRODUCERS * MPSC_SENDS,
        "mpsc_unbounded: wrong number of received values"
    );
}

/// Inside block_on, spawn 100 tasks that each lock one tokio::sync::Mutex (in an Arc) 1,000
/// times and increment the guarded counter; await every JoinHandle; check 100,000.
fn mutex_contended(rt: &Runtime) {
    let count = rt.block_on(async {
        let mutex = Arc::new(tokio::sync::Mutex::new(0usize));
        let handles: Vec<_> = (0..MUTEX_TASKS)
            .map(|_| {
                let mutex = mutex.clone();
                tokio::spawn(async move {
                    for _ in 0..MUTEX_LOCKS {
                        let mut guard = mutex.lock().await;
                        *guard += 1;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("mutex_contended: a task failed");
        }
        let count = *mutex.lock().await;
        count
    });
    assert_eq!(
        count,
        MUTEX_TASKS * MUTEX_LOCKS,
        "mutex_contended: wrong final count"
    );
}

/// Inside block_on, 100,000 times `timeout(10 s, an already-ready future)` then `yield_now()`.
/// Tokio's Timeout polls the inner future first; the 10 s Sleep is created (its entry holds the
/// deadline) but, since the future is ready on the first poll, never inserted into the timer
/// wheel. Dropping it still takes the time driver's lock once (TimerEntry::cancel, 1.24).
fn timer_cancel(rt: &Runtime) {
    let sum = rt.block_on(async {
        let mut sum = 0usize;
        for _ in 0..TIMER_CANCEL_OPS {
            let ready = async { 1usize };
            match tokio::time::timeout(Duration::from_secs(10), ready).await {
                Ok(v) => sum += v,
                Err(_) => panic!("timer_cancel: a timeout around a ready future elapsed"),
            }
            tokio::task::yield_now().await;
        }
        sum
    });
    assert_eq!(
        sum, TIMER_CANCEL_OPS,
        "timer_cancel: wrong number of completed timeouts"
    );
}

/// Inside block_on, spawn 10,000 tasks that each `sleep(1 ms)`; await every JoinHandle.
fn sleep_many(rt: &Runtime) {
    let joined = rt.block_on(async {
        let handles: Vec<_> = (0..SLEEP_TASKS)
            .map(|_| tokio::spawn(tokio::time::sleep(Duration::from_millis(1))))
            .collect();
        let mut joined = 0usize;
        for handle in handles {
            handle.await.expect("sleep_many: a sleeping task failed");
            joined += 1;
        }
        joined
    });
    assert_eq!(
        joined, SLEEP_TASKS,
        "sleep_many: wrong number of joined tasks"
    );
}

/// Inside block_on, spawn 100 tasks; each awaits, one after another, 100
/// `tokio::task::spawn_blocking` jobs that return their index (0..99) and sums them; await every
/// JoinHandle and check the total (100 * 4,950); ns per job. The jobs run on Tokio's blocking
/// pool (default limit 512 threads, spawned on demand and kept alive 10 s when idle, so after
/// the warm-up the pool is already populated).
fn blocking_many(rt: &Runtime) {
    let sum = rt.block_on(async {
        let handles: Vec<_> = (0..BLOCKING_TASKS)
            .map(|_| {
                tokio::spawn(async {
                    let mut sum = 0usize;
                    for i in 0..BLOCKING_JOBS {
                        sum += tokio::task::spawn_blocking(move || i)
                            .await
                            .expect("blocking_many: a blocking job failed");
                    }
                    sum
                })
            })
            .collect();
        let mut sum = 0usize;
        for handle in handles {
            sum += handle.await.expect("blocking_many: a task failed");
        }
        sum
    });
    assert_eq!(
        sum,
        BLOCKING_TASKS * (BLOCKING_JOBS * (BLOCKING_JOBS - 1) / 2),
        "blocking_many: wrong sum of the blocking jobs' results"
    );
}

/// Resident set size of this process in bytes: resident pages (the second field of
/// /proc/self/statm) times the page size.
fn resident_bytes() -> u64 {
    let statm =
        std::fs::read_to_string("/proc/self/statm").expect("idle_task_bytes: cannot read statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.parse().ok())
        .expect("idle_task_bytes: malformed /proc/self/statm");
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { sysconf(SC_PAGESIZE) };
    assert!(page > 0, "idle_task_bytes: sysconf(_SC_PAGESIZE) failed");
    pages * page as u64
}

// libc's sysconf, declared here (no libc crate in the dependencies); _SC_PAGESIZE is 30 on Linux.
extern "C" {
    fn sysconf(name: i32) -> i64;
}
const SC_PAGESIZE: i32 = 30;

/// idle_task_bytes, one run (in the child process, on its own freshly built runtime): RSS
/// before; inside block_on, spawn 1,000,000 tasks that each increment a shared counter and then
/// await a tokio::sync::oneshot receiver (the 1,000,000 senders kept in a Vec reserved up
/// front); yield until the counter reaches 1,000,000 (every task has started waiting), read RSS
/// again; then send on every sender and wait until every task has finished (a countdown).
/// Returns the RSS growth per task in bytes (the senders' Vec, 8 bytes per task, is counted:
/// keeping the senders is part of the workload).
fn idle_task_bytes_child(rt: &Runtime) -> f64 {
    let before = resident_bytes();
    let after = rt.block_on(async {
        let waiting = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let mut senders = Vec::with_capacity(IDLE_TASKS);
        for _ in 0..IDLE_TASKS {
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            senders.push(tx);
            let waiting = waiting.clone();
            let finished = finished.clone();
            tokio::spawn(async move {
                waiting.fetch_add(1, Ordering::AcqRel);
                rx.await.expect("idle_task_bytes: a sender was dropped");
                finished.fetch_add(1, Ordering::AcqRel);
            });
        }
        while waiting.load(Ordering::Acquire) < IDLE_TASKS {
            tokio::task::yield_now().await;
        }
        let after = resident_bytes();
        for tx in senders {
            tx.send(())
                .expect("idle_task_bytes: a receiver was dropped");
        }
        while finished.load(Ordering::Acquire) < IDLE_TASKS {
            tokio::task::yield_now().await;
        }
        after
    });
    (after as f64 - before as f64) / IDLE_TASKS as f64
}

/// idle_task_bytes, one repetition in the parent: re-executes this program with
/// `--idle-task-bytes-child` (same environment, so the same TOKIO_BENCH_WORKERS) and parses the
/// one value it prints.
fn idle_task_bytes_run() -> f64 {
    let exe = env::current_exe().expect("idle_task_bytes: current_exe failed");
    let output = process::Command::new(exe)
        .arg(IDLE_TASK_BYTES_CHILD)
        .stdin(process::Stdio::null())
        .stderr(process::Stdio::inherit())
        .output()
        .expect("idle_task_bytes: cannot run the child process");
    assert!(
        output.status.success(),
        "idle_task_bytes: the child process failed: {}",
        output.status
    );
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("idle_task_bytes: the child printed {:?}", text))
}

// Both TCP workloads set up their listener and server task once per repetition (inside the
// timed repetition: a bind and 50 or 1 connects are negligible next to the 100,000 round trips
// or 256 MiB streamed); the repetition ends when every client and every server task is done.

/// Byte `i` of round trip `round` of client `client`: every message differs, so an echo of the
/// wrong message (or of stale bytes) is caught.
fn echo_byte(client: usize, round: usize, i: usize) -> u8 {
    ((client * 131 + round * 7 + i) & 0xff) as u8
}

/// tcp_echo_rr, one server connection: TCP_NODELAY, a 4 KiB read buffer; reads what is
/// available and write_all's it back until the client closes.
async fn echo_connection(mut stream: TcpStream) {
    stream
        .set_nodelay(true)
        .expect("tcp_echo_rr: set_nodelay failed");
    let mut buf = [0u8; ECHO_READ_BUFFER];
    loop {
        let n = stream
            .read(&mut buf)
            .await
            .expect("tcp_echo_rr: a server read failed");
        if n == 0 {
            break;
        }
        stream
            .write_all(&buf[..n])
            .await
            .expect("tcp_echo_rr: a server write failed");
    }
}

/// The echo server: accepts the 50 connections, spawning a task for each, then awaits them.
async fn echo_server(listener: TcpListener) {
    let mut connections = Vec::with_capacity(ECHO_CLIENTS);
    for _ in 0..ECHO_CLIENTS {
        let (stream, _) = listener.accept().await.expect("tcp_echo_rr: accept failed");
        connections.push(tokio::spawn(echo_connection(stream)));
    }
    for connection in connections {
        connection
            .await
            .expect("tcp_echo_rr: a server connection failed");
    }
}

/// One client: connects (TCP_NODELAY), then 2,000 times write_all's a 64-byte message and
/// read_exact's the echo, checking every byte. Returns the number of bytes echoed.
async fn echo_client(addr: std::net::SocketAddr, client: usize) -> usize {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("tcp_echo_rr: connect failed");
    stream
        .set_nodelay(true)
        .expect("tcp_echo_rr: set_nodelay failed");
    let mut out = [0u8; ECHO_MESSAGE];
    let mut input = [0u8; ECHO_MESSAGE];
    let mut echoed = 0usize;
    for round in 0..ECHO_ROUND_TRIPS {
        for (i, b) in out.iter_mut().enumerate() {
            *b = echo_byte(client, round, i);
        }
        stream
            .write_all(&out)
            .await
            .expect("tcp_echo_rr: a client write failed");
        echoed += stream
            .read_exact(&mut input)
            .await
            .expect("tcp_echo_rr: a client read failed");
        assert!(
            input == out,
            "tcp_echo_rr: the echoed bytes differ from the message sent"
        );
    }
    echoed
}

/// An echo server on 127.0.0.1 and 50 client tasks doing 2,000 round trips of 64 bytes each;
/// ns per round trip.
fn tcp_echo_rr(rt: &Runtime) {
    let echoed = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("tcp_echo_rr: bind failed");
        let addr = listener
            .local_addr()
            .expect("tcp_echo_rr: local_addr failed");
        let server = tokio::spawn(echo_server(listener));
        let clients: Vec<_> = (0..ECHO_CLIENTS)
            .map(|c| tokio::spawn(echo_client(addr, c)))
            .collect();
        let mut echoed = 0usize;
        for client in clients {
            echoed += client.await.expect("tcp_echo_rr: a client failed");
        }
        server.await.expect("tcp_echo_rr: the server failed");
        echoed
    });
    assert_eq!(
        echoed,
        ECHO_CLIENTS * ECHO_ROUND_TRIPS * ECHO_MESSAGE,
        "tcp_echo_rr: wrong number of echoed bytes"
    );
}

/// tcp_stream_bulk, the server: accepts one connection and reads it until EOF with a 64 KiB
/// buffer; returns the byte count.
async fn bulk_server(listener: TcpListener) -> usize {
    let (mut stream, _) = listener
        .accept()
        .await
        .expect("tcp_stream_bulk: accept failed");
    let mut buf = vec![0u8; BULK_CHUNK];
    let mut received = 0usize;
    loop {
        let n = stream
            .read(&mut buf)
            .await
            .expect("tcp_stream_bulk: a server read failed");
        if n == 0 {
            break;
        }
        received += n;
    }
    received
}

/// One connection on 127.0.0.1 streams 4,096 chunks of 64 KiB (write_all); the server task
/// reads until EOF and checks the count; ns per chunk.
fn tcp_stream_bulk(rt: &Runtime) {
    let received = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("tcp_stream_bulk: bind failed");
        let addr = listener
            .local_addr()
            .expect("tcp_stream_bulk: local_addr failed");
        let server = tokio::spawn(bulk_server(listener));
        let mut stream = TcpStream::connect(addr)
            .await
            .expect("tcp_stream_bulk: connect failed");
        let chunk = vec![0x5au8; BULK_CHUNK];
        for _ in 0..BULK_CHUNKS {
            stream
                .write_all(&chunk)
                .await
                .expect("tcp_stream_bulk: a write failed");
        }
        stream
            .shutdown()
            .await
            .expect("tcp_stream_bulk: shutdown failed");
        server.await.expect("tcp_stream_bulk: the server failed")
    });
    assert_eq!(
        received,
        BULK_CHUNKS * BULK_CHUNK,
        "tcp_stream_bulk: the server received the wrong number of bytes"
    );
}

/// udp_echo_rr, the server: one socket; `recv_from` into a 2 KiB buffer and `send_to` the
/// datagram back to its sender, until a zero-length datagram arrives (sent by the body once every
/// client is done). Returns the number of datagrams echoed.
async fn udp_echo_server(socket: UdpSocket) -> usize {
    let mut buf = [0u8; UDP_RECV_BUFFER];
    let mut echoed = 0usize;
    loop {
        let (n, peer) = socket
            .recv_from(&mut buf)
            .await
            .expect("udp_echo_rr: a server recv_from failed");
        if n == 0 {
            break;
        }
        let sent = socket
            .send_to(&buf[..n], peer)
            .await
            .expect("udp_echo_rr: a server send_to failed");
        assert_eq!(sent, n, "udp_echo_rr: the server sent a short datagram");
        echoed += 1;
    }
    echoed
}

/// One client: its own socket bound to 127.0.0.1:0 and connected to the server; 2,000 times
/// sends a 64-byte datagram and receives the echo into a 64-byte buffer, checking every byte
/// (the messages differ as in tcp_echo_rr). Loopback UDP does not drop datagrams here (at most
/// 50 are in flight against the server's receive buffer); a lost one would hang the run.
async fn udp_echo_client(server: std::net::SocketAddr, client: usize) -> usize {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("udp_echo_rr: a client bind failed");
    socket
        .connect(server)
        .await
        .expect("udp_echo_rr: connect failed");
    let mut out = [0u8; UDP_MESSAGE];
    let mut input = [0u8; UDP_MESSAGE];
    let mut echoed = 0usize;
    for round in 0..UDP_ROUND_TRIPS {
        for (i, b) in out.iter_mut().enumerate() {
            *b = echo_byte(client, round, i);
        }
        let sent = socket
            .send(&out)
            .await
            .expect("udp_echo_rr: a client send failed");
        assert_eq!(
            sent, UDP_MESSAGE,
            "udp_echo_rr: a client sent a short datagram"
        );
        let n = socket
            .recv(&mut input)
            .await
            .expect("udp_echo_rr: a client recv failed");
        assert!(
            n == UDP_MESSAGE && input == out,
            "udp_echo_rr: the echoed datagram differs from the one sent"
        );
        echoed += 1;
    }
    echoed
}

/// Inside block_on, bind the server socket on 127.0.0.1:0 and spawn the server, spawn 50
/// clients doing 2,000 round trips each and await them; then stop the server with a zero-length
/// datagram and await it (no task outlives the repetition); ns per round trip.
fn udp_echo_rr(rt: &Runtime) {
    let (client_echoes, server_echoes) = rt.block_on(async {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("udp_echo_rr: the server bind failed");
        let addr = socket.local_addr().expect("udp_echo_rr: local_addr failed");
        let server = tokio::spawn(udp_echo_server(socket));
        let clients: Vec<_> = (0..UDP_CLIENTS)
            .map(|c| tokio::spawn(udp_echo_client(addr, c)))
            .collect();
        let mut client_echoes = 0usize;
        for client in clients {
            client_echoes += client.await.expect("udp_echo_rr: a client failed");
        }
        let stopper = UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("udp_echo_rr: the stopper's bind failed");
        stopper
            .send_to(&[], addr)
            .await
            .expect("udp_echo_rr: sending the stop datagram failed");
        let server_echoes = server.await.expect("udp_echo_rr: the server failed");
        (client_echoes, server_echoes)
    });
    assert!(
        client_echoes == UDP_CLIENTS * UDP_ROUND_TRIPS && server_echoes == client_echoes,
        "udp_echo_rr: wrong number of round trips"
    );
}

/// ns per op of one repetition.
fn measure(rt: &Runtime, run: fn(&Runtime), ops: u64) -> f64 {
    let start = Instant::now();
    run(rt);
    start.elapsed().as_nanos() as f64 / ops as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn workers_from_env() -> Option<usize> {
    let raw = match env::var("TOKIO_BENCH_WORKERS") {
        Ok(s) => s,
        Err(_) => return None,
    };
    match raw.trim().parse::<usize>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            eprintln!(
                "tokio-peer: TOKIO_BENCH_WORKERS must be a positive integer, got {:?}",
                raw
            );
            process::exit(2);
        }
    }
}

/// The runtime under test: multi-thread, I/O and time enabled, TOKIO_BENCH_WORKERS workers.
fn build_runtime() -> Runtime {
    let mut builder = Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = workers_from_env() {
        builder.worker_threads(n);
    }
    builder.build().expect("failed to build the Tokio runtime")
}

fn main() {
    let prefix = env::args().nth(1).unwrap_or_default();

    if prefix == IDLE_TASK_BYTES_CHILD {
        let rt = build_runtime();
        println!("{:.1}", idle_task_bytes_child(&rt));
        return;
    }

    let rt = build_runtime();
    match workers_from_env() {
        Some(n) => eprintln!("tokio-peer: tokio 1.x multi-thread runtime, {} workers", n),
        None => eprintln!("tokio-peer: tokio 1.x multi-thread runtime, default workers"),
    }

    let mut selected = 0;
    for w in WORKLOADS
        .iter()
        .filter(|w| w.name.starts_with(prefix.as_str()))
    {
        selected += 1;
        let samples: Vec<f64> = match w.measure {
            Measure::NsPerOp(run) => {
                eprintln!(
                    "tokio-peer: {} (1 warm-up + {} reps x {} ops)",
                    w.name, w.reps, w.ops
                );
                measure(&rt, run, w.ops); // warm-up, discarded
                (0..w.reps).map(|_| measure(&rt, run, w.ops)).collect()
            }
            Measure::FreshProcess(run) => {
                eprintln!(
                    "tokio-peer: {} ({} runs in fresh processes x {} tasks)",
                    w.name, w.reps, w.ops
                );
                (0..w.reps)
                    .map(|_| {
                        let v = run();
                        eprintln!("tokio-peer: {}: {:.1}", w.name, v);
                        v
                    })
                    .collect()
            }
        };
        println!("{} {:.1}", w.name, median(samples));
    }
    if selected == 0 {
        eprintln!("tokio-peer: no workload matches prefix {:?}", prefix);
    }
    remove_scratch_dir();
}

/// The scratch directory of the fs workloads: 1,000 files of 4 KiB, written on first use.
static SCRATCH: Mutex<Option<String>> = Mutex::new(None);

fn scratch_dir() -> String {
    let mut dir = SCRATCH.lock().unwrap();
    if dir.is_none() {
        let path = format!("/tmp/tokio-peer-bench-{}", process::id());
        std::fs::create_dir(&path).expect("fs: cannot create the scratch directory");
        let block = vec![b'x'; FS_FILE_SIZE];
        for i in 0..FS_FILES {
            std::fs::write(format!("{}/f{}", path, i), &block).expect("fs: setup");
        }
        *dir = Some(path);
    }
    dir.clone().unwrap()
}

fn remove_scratch_dir() {
    if let Some(path) = SCRATCH.lock().unwrap().take() {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// Inside block_on, one spawned task per file (1,000 files of 4 KiB) reads it whole with
/// tokio::fs::read; join all and check the byte count; ns per file.
fn fs_read_small(rt: &Runtime) {
    let dir = scratch_dir();
    let total = rt.block_on(async move {
        let handles: Vec<_> = (0..FS_FILES)
            .map(|i| {
                let path = format!("{}/f{}", dir, i);
                tokio::spawn(async move { tokio::fs::read(path).await.expect("fs_read_small").len() })
            })
            .collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await.expect("fs_read_small: a task failed");
        }
        total
    });
    assert_eq!(total, FS_FILES * FS_FILE_SIZE, "fs_read_small: wrong byte count");
}

/// Inside block_on, File::create, write_all 1,024 chunks of 64 KiB (64 MiB), sync_all, check
/// the length; ns per chunk.
fn fs_write_bulk(rt: &Runtime) {
    let path = format!("{}/bulk", scratch_dir());
    let len = rt.block_on(async move {
        let mut file = tokio::fs::File::create(path).await.expect("fs_write_bulk: create");
        let chunk = vec![0x5au8; FS_BULK_CHUNK];
        for _ in 0..FS_BULK_CHUNKS {
            file.write_all(&chunk).await.expect("fs_write_bulk: write");
        }
        file.sync_all().await.expect("fs_write_bulk: sync_all");
        file.metadata().await.expect("fs_write_bulk: metadata").len()
    });
    assert_eq!(len as usize, FS_BULK_CHUNKS * FS_BULK_CHUNK, "fs_write_bulk: wrong length");
}

/// Inside block_on, 200 times one after another: run /bin/true (Command::status: spawn and
/// wait) and check that it succeeded; ns per process.
fn process_spawn_wait(rt: &Runtime) {
    let ok = rt.block_on(async {
        let mut ok = 0;
        for _ in 0..PROCESS_SPAWNS {
            let status = tokio::process::Command::new("/bin/true")
                .status()
                .await
                .expect("process_spawn_wait: spawn");
            ok += status.success() as usize;
        }
        ok
    });
    assert_eq!(ok, PROCESS_SPAWNS, "process_spawn_wait: a child failed");
}

/// Inside block_on: an async generator (async-stream's `stream!`) yielding 0, 1, 2, ...
/// without end, `.take(1,000,000).map(x*2).filter(x%3==0).fold(0, +)` with tokio-stream's
/// StreamExt (its fold is awaited as a future); ns per item.
fn stream_pipeline(rt: &Runtime) {
    use tokio_stream::StreamExt;
    let sum = rt.block_on(async {
        let naturals = async_stream::stream! {
            let mut i: i64 = 0;
            loop {
                yield i;
                i += 1;
            }
        };
        let pipeline = naturals
            .take(STREAM_ITEMS)
            .map(|x| x * 2)
            .filter(|x| x % 3 == 0)
            .fold(0i64, |acc, x| acc + x);
        pipeline.await
    });
    let m = ((STREAM_ITEMS + 2) / 3) as i64;
    assert_eq!(sum, 6 * (m * (m - 1) / 2), "stream_pipeline: wrong sum");
}

/// Inside block_on: a 64 KiB duplex; a spawned writer feeds "line {i}" for i < 1,000,000 into
/// FramedWrite<LinesCodec> (SinkExt::feed) and closes it (flush + shutdown); the body reads
/// FramedRead<LinesCodec> to the end and checks the count; ns per line.
fn framed_lines(rt: &Runtime) {
    use futures_util::SinkExt;
    use tokio_stream::StreamExt;
    use tokio_util::codec::{FramedRead, FramedWrite, LinesCodec};
    let lines = rt.block_on(async {
        let (a, b) = tokio::io::duplex(FRAMED_DUPLEX);
        let writer = tokio::spawn(async move {
            let mut out = FramedWrite::new(a, LinesCodec::new());
            for i in 0..FRAMED_LINES {
                out.feed(format!("line {}", i)).await.expect("framed_lines: feed");
            }
            SinkExt::<String>::close(&mut out).await.expect("framed_lines: close");
        });
        let mut input = FramedRead::new(b, LinesCodec::new());
        let mut lines = 0usize;
        while let Some(line) = input.next().await {
            line.expect("framed_lines: decode");
            lines += 1;
        }
        writer.await.expect("framed_lines: writer");
        lines
    });
    assert_eq!(lines, FRAMED_LINES, "framed_lines: wrong count");
}

/// Inside block_on: one CancellationToken, 10,000 child tokens each awaited (`cancelled()`)
/// by a spawned task that then bumps a counter; yield_now, cancel the parent, join all, check
/// the count; ns per child.
fn cancel_tree(rt: &Runtime) {
    use tokio_util::sync::CancellationToken;
    let count = rt.block_on(async {
        let parent = CancellationToken::new();
        let cancelled = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::with_capacity(CANCEL_CHILDREN);
        for _ in 0..CANCEL_CHILDREN {
            let child = parent.child_token();
            let cancelled = cancelled.clone();
            handles.push(tokio::spawn(async move {
                child.cancelled().await;
                cancelled.fetch_add(1, Ordering::Relaxed);
            }));
        }
        tokio::task::yield_now().await;
        parent.cancel();
        for handle in handles {
            handle.await.expect("cancel_tree: task");
        }
        cancelled.load(Ordering::Relaxed)
    });
    assert_eq!(count, CANCEL_CHILDREN, "cancel_tree: wrong count");
}
