//! The channel over real OS pipes: halves on two threads, big messages streamed, another codec through the seam, and the demo binary's contract.

use std::io::{Read, pipe};
use std::thread;

use subprocess_pipes::blob::Blob;
use subprocess_pipes::channel::{Channel, ChannelError, STREAM_AT};
use subprocess_pipes::codec::{Codec, CodecError};
use subprocess_pipes::frame::read_frame;

/// Messages each way in the two-thread test.
const MESSAGES: u64 = 2_000;

#[test]
fn halves_on_two_threads_over_real_pipes() {
    // a -> b on one pipe, b -> a on another: a full duplex conversation.
    let (a_read, b_write) = pipe().unwrap();
    let (b_read, a_write) = pipe().unwrap();
    let echo = thread::spawn(move || {
        let mut b = Channel::<u64, u64, _, _>::new(b_read, b_write);
        while let Some(x) = b.recv().unwrap() {
            b.send(&(x * 2)).unwrap();
        }
    });
    let (mut tx, mut rx) = Channel::<u64, u64, _, _>::new(a_read, a_write).split();
    // One thread sends everything while this one receives: no window needed.
    let sender = thread::spawn(move || {
        for i in 0..MESSAGES {
            tx.send(&i).unwrap();
        }
    });
    for i in 0..MESSAGES {
        assert_eq!(rx.recv().unwrap(), Some(i * 2));
    }
    sender.join().unwrap(); // drops tx: the echo thread sees a clean end
    echo.join().unwrap();
    assert_eq!(rx.recv().unwrap(), None);
}

#[test]
fn big_messages_are_streamed_byte_for_byte_like_small_ones() {
    for len in [0, 1, STREAM_AT - 10, STREAM_AT, 3 * STREAM_AT + 7, 1 << 20] {
        let data: Vec<u8> = (0..len).map(|i| (i * 31 % 256) as u8).collect();
        let (r, w) = pipe().unwrap();
        let msg = (7u32, Blob(data.clone()), "tail".to_string());
        let writer = thread::spawn(move || {
            let mut ch = Channel::<(u32, Blob, String), (), _, _>::new(std::io::empty(), w);
            ch.send(&msg).unwrap();
        });
        // Read the raw frame and compare with an encoding made in memory.
        let mut r = r;
        let mut payload = Vec::new();
        assert!(read_frame(&mut r, usize::MAX, &mut payload).unwrap());
        writer.join().unwrap();
        let mut expected = Vec::new();
        subprocess_pipes::codec::Bincode
            .encode(&(7u32, Blob(data), "tail".to_string()), &mut expected)
            .unwrap();
        assert!(payload == expected, "streamed frame of {len} bytes differs");
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
    }
}

/// JSON through the seam: only `encode` and `decode`, the provided methods left as they are.
#[derive(Debug, Clone, Copy)]
struct Json;

impl Codec for Json {
    fn encode<T: serde::Serialize + ?Sized>(
        &self,
        v: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        serde_json::to_writer(out, v).map_err(CodecError::new::<T>)
    }
    fn decode<T: serde::de::DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, CodecError> {
        serde_json::from_slice(bytes).map_err(CodecError::new::<T>)
    }
}

#[test]
fn another_codec_plugs_into_the_same_channel() {
    let (r, w) = pipe().unwrap();
    let big = "x".repeat(3 * STREAM_AT);
    let sent = vec![("small".to_string(), 1u8), (big, 2)];
    let to_send = sent.clone();
    let writer = thread::spawn(move || {
        let mut ch = Channel::<(String, u8), (), _, _, _>::with_codec(std::io::empty(), w, Json);
        for m in &to_send {
            ch.send(m).unwrap();
        }
    });
    let mut ch = Channel::<(), (String, u8), _, _, _>::with_codec(r, std::io::sink(), Json);
    for m in &sent {
        assert_eq!(ch.recv().unwrap().as_ref(), Some(m));
    }
    writer.join().unwrap();
    assert_eq!(ch.recv().unwrap(), None);
    // Borrowed decoding is bincode's extra; JSON here says it cannot.
    let (r2, w2) = pipe().unwrap();
    Channel::<u8, (), _, _, _>::with_codec(std::io::empty(), w2, Json)
        .send(&1)
        .unwrap();
    let (_, mut rx) = Channel::<(), u8, _, _, _>::with_codec(r2, std::io::sink(), Json).split();
    assert!(matches!(
        rx.recv_borrowed::<u8>(),
        Err(ChannelError::Decode(_))
    ));
}

#[test]
fn demo_binary_lists_and_runs_an_experiment_as_json() {
    let exe = env!("CARGO_BIN_EXE_subprocess-pipes");
    let out = std::process::Command::new(exe)
        .arg("list")
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    for name in [
        "run",
        "pipe-deadlock",
        "messages",
        "latency",
        "throughput",
        "foreign-child",
    ] {
        assert!(list.contains(name), "{name} missing from `list`: {list}");
    }
    assert!(!list.contains("__worker"));
    let out = std::process::Command::new(exe)
        .args(["--quick", "--json", "messages", "--jobs", "50"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let rec: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(rec["verdict"], "holds", "{rec}");
    // A bad flag value is exit status 2.
    let out = std::process::Command::new(exe)
        .args(["throughput", "--size", "1GiB"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn latency_without_cpython_never_claims_the_whole_claim() {
    // Half the claim (vs CPython) is unmeasured: the verdict may be `info`
    // (the other half passed) or `does-not-hold` (it failed), never `holds`.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_subprocess-pipes"))
        .args([
            "--quick",
            "--json",
            "latency",
            "--no-python",
            "--round-trips",
            "200",
        ])
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let rec: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_ne!(rec["verdict"], "holds", "{rec}");
    assert!(
        rec["detail"]
            .as_str()
            .unwrap()
            .contains("CPython not measured"),
        "{rec}"
    );
}

/// Spinning receivers (busy-poll before each blocking read) change when a
/// receive sleeps, never what it returns: the same conversation, a
/// timeout that still fires on a silent pipe, and a clean end.
#[test]
fn spinning_receivers_get_the_same_messages_timeouts_and_end() {
    use std::time::{Duration, Instant};
    let spin = Duration::from_micros(50);
    let (a_read, b_write) = pipe().unwrap();
    let (b_read, a_write) = pipe().unwrap();
    let echo = thread::spawn(move || {
        let mut b = Channel::<u64, u64, _, _>::new(b_read, b_write).with_spin(spin);
        while let Some(x) = b.recv().unwrap() {
            b.send(&(x + 1)).unwrap();
        }
    });
    let mut a = Channel::<u64, u64, _, _>::new(a_read, a_write).with_spin(spin);
    for i in 0..MESSAGES {
        a.send(&i).unwrap();
        assert_eq!(a.recv().unwrap(), Some(i + 1));
    }
    // Nothing is sent now: the timeout fires (after the spin), not earlier.
    let t = Instant::now();
    let err = a.recv_timeout(Duration::from_millis(30)).unwrap_err();
    assert!(matches!(err, ChannelError::TimedOut { .. }), "{err}");
    assert!(
        t.elapsed() >= Duration::from_millis(30),
        "{:?}",
        t.elapsed()
    );
    // A spin longer than the timeout is cut to it.
    let mut long = a.with_spin(Duration::from_secs(5));
    let t = Instant::now();
    let err = long.recv_timeout(Duration::from_millis(20)).unwrap_err();
    assert!(matches!(err, ChannelError::TimedOut { .. }), "{err}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    let (tx, mut rx) = long.split();
    drop(tx);
    echo.join().unwrap();
    assert_eq!(rx.recv().unwrap(), None);
}

/// With python3 on PATH, every setup of `latency` gets its CPython figure
/// (the spinning one through `mp_pipe.py --spin-us`), and the detail counts
/// the judged setups.
#[test]
fn latency_measures_cpython_in_every_setup_when_python_is_there() {
    let has_python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_python {
        eprintln!("skipped: no python3 on PATH");
        return;
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_subprocess-pipes"))
        .args(["--quick", "--json", "latency", "--round-trips", "200"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let metrics = rec["metrics"].as_object().unwrap();
    for key in ["cpython_rtt_us", "spin_cpython_rtt_us"] {
        assert!(metrics[key].as_f64().unwrap() > 0.0, "{key}: {rec}");
    }
    let detail = rec["detail"].as_str().unwrap();
    assert!(detail.contains("judged setups"), "{detail}");
    assert!(detail.contains("shown, not judged"), "{detail}");
}
