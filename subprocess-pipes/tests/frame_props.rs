//! Property tests of the frame decoders: arbitrary bytes and truncations give frames or typed errors, never a panic, never an allocation above the limit.

use proptest::prelude::*;
use subprocess_pipes::channel::{Channel, ChannelError};
use subprocess_pipes::frame::{FrameError, read_frame, write_frame};
use subprocess_pipes::frame_reader::{FrameReader, READ_AHEAD};

/// Cases per property: thousands, still well under a second each in debug.
const CASES: u32 = 4096;
/// The frame limit in these tests: small, so that lying headers are common.
const MAX: usize = 256;

/// The most storage a `FrameReader` may hold with limit `MAX`: its
/// read-ahead, or one whole frame at the limit if that is larger.
const READER_CAP: usize = if READ_AHEAD > MAX + 4 {
    READ_AHEAD
} else {
    MAX + 4
};

/// A reader that hands out at most `chunk` bytes per call, to exercise partial reads.
struct Dribble<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl std::io::Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.chunk).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn frames_of(payloads: &[Vec<u8>]) -> Vec<u8> {
    let mut wire = Vec::new();
    for p in payloads {
        write_frame(&mut wire, p).unwrap();
    }
    wire
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Garbage in: `read_frame` returns frames within the limit, then a clean end or a typed error.
    #[test]
    fn read_frame_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600), chunk in 1usize..64) {
        let mut r = Dribble { data: &bytes, chunk };
        let mut buf = Vec::new();
        let mut consumed = 0;
        loop {
            match read_frame(&mut r, MAX, &mut buf) {
                Ok(true) => {
                    prop_assert!(buf.len() <= MAX);
                    consumed += 4 + buf.len();
                }
                Ok(false) => { prop_assert_eq!(consumed, bytes.len()); break }
                Err(FrameError::TooLarge { len, max }) => { prop_assert!(len > max); break }
                Err(FrameError::TruncatedHeader { got }) => { prop_assert!((1..4).contains(&got)); break }
                Err(FrameError::Truncated { expected, got }) => { prop_assert!(got < expected && expected <= MAX); break }
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
            // Never reserve more than the limit (plus the allocator's rounding).
            prop_assert!(buf.capacity() <= MAX.max(64));
        }
    }

    /// Valid frames cut at every possible point: whole frames decode, the cut is a typed truncation.
    #[test]
    fn truncated_streams_are_typed(payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..100), 1..5), cut_seed in any::<usize>(), chunk in 1usize..200) {
        let wire = frames_of(&payloads);
        let cut = cut_seed % (wire.len() + 1);
        let mut ends = Vec::new(); // frame boundaries
        let mut at = 0;
        for p in &payloads { at += 4 + p.len(); ends.push(at); }
        let mut frames = FrameReader::new(Dribble { data: &wire[..cut], chunk }, MAX);
        let mut i = 0;
        loop {
            match frames.next_frame() {
                Ok(Some(p)) => { prop_assert_eq!(p, &payloads[i][..]); i += 1; }
                Ok(None) => { prop_assert!(cut == 0 || ends.contains(&cut)); break }
                Err(FrameError::TruncatedHeader { .. } | FrameError::Truncated { .. }) => {
                    prop_assert!(!ends.contains(&cut) && cut != 0); break
                }
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }
        prop_assert_eq!(ends.iter().filter(|&&e| e <= cut).count(), i);
    }

    /// The buffered reader agrees with `read_frame` on arbitrary bytes.
    #[test]
    fn frame_reader_matches_read_frame(bytes in proptest::collection::vec(any::<u8>(), 0..600), chunk in 1usize..64) {
        let mut plain = &bytes[..];
        let mut buf = Vec::new();
        let mut frames = FrameReader::new(Dribble { data: &bytes, chunk }, MAX);
        loop {
            let a = read_frame(&mut plain, MAX, &mut buf);
            let b = frames.next_frame().map(|p| p.map(<[u8]>::to_vec));
            // No storage above the read-ahead or one frame at the limit.
            prop_assert!(frames.capacity() <= READER_CAP, "{} bytes held", frames.capacity());
            match (a, b) {
                (Ok(true), Ok(Some(p))) => prop_assert_eq!(&buf[..], &p[..]),
                (Ok(false), Ok(None)) => break,
                (Err(x), Err(y)) => { prop_assert_eq!(x.to_string(), y.to_string()); break }
                (a, b) => prop_assert!(false, "read_frame {a:?} vs FrameReader {b:?}"),
            }
        }
    }

    /// Garbage into a typed channel: values, a clean end, or a typed error; never a panic.
    #[test]
    fn channel_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut ch = Channel::<(), (u16, String, Vec<u32>), _, _>::new(&bytes[..], std::io::sink())
            .with_max_frame(MAX);
        for _ in 0..bytes.len() + 1 {
            match ch.recv() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(ChannelError::Decode(_) | ChannelError::FrameTooLarge { .. }
                    | ChannelError::Truncated { .. } | ChannelError::TruncatedHeader { .. }) => break,
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }
    }

    /// Whatever the codec reads inside a frame, a length claim larger than the frame is an error, not an allocation.
    #[test]
    fn lying_string_lengths_are_refused(claim in prop_oneof![1u64..1024, any::<u64>().prop_filter("a lie", |&c| c > 0)]) {
        // The claimed length as bincode writes it (varint), then nothing: a
        // String "of `claim` bytes" with none following. Small over-claims
        // too, which only the frame's end can refuse.
        let payload = bincode::serde::encode_to_vec(claim, bincode::config::standard()).unwrap();
        let wire = frames_of(&[payload]);
        let mut ch = Channel::<(), String, _, _>::new(&wire[..], std::io::sink());
        let is_decode_error = matches!(ch.recv(), Err(ChannelError::Decode(_)));
        prop_assert!(is_decode_error);
    }
}

#[test]
fn channel_round_trips_many_messages_through_a_dribbling_reader() {
    let msgs: Vec<(u32, String)> = (0..500).map(|i| (i, "x".repeat(i as usize % 37))).collect();
    let mut tx = Channel::<(u32, String), (), _, _>::new(std::io::empty(), Vec::new());
    for m in &msgs {
        tx.send(m).unwrap();
    }
    let wire = tx.split().0.into_inner();
    let mut rx = Channel::<(), (u32, String), _, _>::new(
        Dribble {
            data: &wire,
            chunk: 7,
        },
        std::io::sink(),
    );
    for m in &msgs {
        assert_eq!(rx.recv().unwrap().as_ref(), Some(m));
    }
    assert!(rx.recv().unwrap().is_none());
}

#[test]
fn oversized_send_is_refused_locally() {
    let mut tx = Channel::<Vec<u8>, (), _, _>::new(std::io::empty(), Vec::new()).with_max_frame(10);
    let err = tx.send(&vec![0u8; 100]).unwrap_err();
    assert!(
        matches!(err, ChannelError::FrameTooLarge { len: 101, max: 10 }),
        "{err}"
    );
}
