//! Recording one VM thread's GIL events while it runs.
//!
//! Each VM thread owns a [`ThreadTrace`]: two vectors allocated before the
//! thread starts (and written once, so no page fault waits for the
//! first event) and never grown, written by that thread alone (no lock, no
//! atomic, no allocation). Recording happens only where the interpreter
//! already leaves its fast path (a switch, a blocking call, a contended
//! lock), so the loop over plain instructions is the same with tracing on
//! or off. A full buffer drops further events and counts them, so a trace
//! never costs more memory than was reserved.

use std::time::Instant;

/// What a thread was doing over a span of time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "demo", derive(serde::Serialize))]
#[cfg_attr(feature = "demo", serde(rename_all = "kebab-case"))]
pub enum State {
    /// Holding the GIL, running bytecode (and any native call that keeps it).
    #[default]
    Holding,
    /// Waiting to take the GIL (`take_gil`), a forced drop's hand-off included.
    Waiting,
    /// Blocked in I/O with the GIL released.
    Io,
    /// Native work with the GIL released.
    Native,
    /// Blocked on a VM `threading.Lock`, GIL released.
    Lock,
}

impl State {
    /// Every state, in legend order.
    pub const ALL: [State; 5] = [
        State::Holding,
        State::Waiting,
        State::Io,
        State::Native,
        State::Lock,
    ];

    /// The span's name in a trace viewer: what the thread ran.
    ///
    /// ```
    /// use gil_sim::trace::State;
    /// assert_eq!(State::Holding.name(), "bytecode");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            State::Holding => "bytecode",
            State::Waiting => "wait for GIL",
            State::Io => "I/O",
            State::Native => "native",
            State::Lock => "lock wait",
        }
    }
}

/// A moment worth marking on a thread's track.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "demo", derive(serde::Serialize))]
#[cfg_attr(feature = "demo", serde(rename_all = "kebab-case"))]
pub enum MarkKind {
    /// This waiting thread timed out and asked the holder to drop the GIL.
    #[default]
    DropRequest,
    /// The holder's check point fired: it drops the GIL for another thread
    /// (a drop request under the new GIL, the tick count under py2).
    ForcedSwitch,
    /// The holder releases the GIL on its own, around a blocking call.
    Release,
}

impl MarkKind {
    /// The instant event's name in a trace viewer.
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::DropRequest => "drop request",
            MarkKind::ForcedSwitch => "forced switch",
            MarkKind::Release => "voluntary release",
        }
    }
}

/// A state held from `begin_ns` to `end_ns` (nanoseconds on the run's clock).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// What the thread was doing.
    pub state: State,
    /// When it started.
    pub begin_ns: u64,
    /// When it ended (`>= begin_ns`).
    pub end_ns: u64,
}

/// An instant on a thread's track.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark {
    /// What happened.
    pub kind: MarkKind,
    /// When (nanoseconds on the run's clock).
    pub at_ns: u64,
}

/// The run's one monotonic clock: nanoseconds since the run started.
#[derive(Debug, Clone, Copy)]
pub struct Clock(Instant);

impl Clock {
    /// A clock that reads 0 now.
    pub fn start() -> Clock {
        Clock(Instant::now())
    }

    /// Nanoseconds since [`Clock::start`].
    #[inline]
    pub fn now_ns(self) -> u64 {
        self.0.elapsed().as_nanos().min(u64::MAX as u128) as u64
    }
}

/// What one thread recorded: its spans and marks in time order, and how
/// many events did not fit.
#[derive(Debug, Clone, Default)]
pub struct ThreadRecord {
    /// Spans, in time order, never overlapping.
    pub spans: Vec<Span>,
    /// Marks, in time order.
    pub marks: Vec<Mark>,
    /// Events dropped because the buffer was full.
    pub dropped: u64,
    /// Forced releases the thread took straight back, no other thread
    /// having held the GIL meanwhile (its holding span goes on).
    pub retaken: u64,
}

/// An empty vector with room for `capacity` items whose memory has been
/// written once, so that recording later takes no page fault (the kernel
/// maps a fresh allocation's pages only at their first touch).
fn prefaulted<T: Copy + Default>(capacity: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(capacity);
    v.resize(capacity, T::default());
    v.clear();
    v
}

/// One VM thread's recorder. Off, it records nothing and reads no clock.
///
/// ```
/// use gil_sim::trace::{Clock, State, ThreadTrace};
/// let mut t = ThreadTrace::new(16);
/// t.start(Clock::start());
/// let t0 = t.now();
/// t.begin_hold(t0);
/// let t1 = t.now();
/// t.end_hold(t1);
/// let rec = t.finish();
/// assert_eq!(rec.spans[0].state, State::Holding);
/// assert!(ThreadTrace::off().finish().spans.is_empty());
/// ```
#[derive(Debug)]
pub struct ThreadTrace {
    clock: Option<Clock>,
    spans: Vec<Span>,
    marks: Vec<Mark>,
    dropped: u64,
    retaken: u64,
    hold_since: u64,
}

impl ThreadTrace {
    /// A recorder that records nothing.
    pub fn off() -> ThreadTrace {
        ThreadTrace {
            clock: None,
            spans: Vec::new(),
            marks: Vec::new(),
            dropped: 0,
            retaken: 0,
            hold_since: 0,
        }
    }

    /// A recorder with room for `capacity` spans and as many marks,
    /// allocated now; it records once [`ThreadTrace::start`]ed (`capacity`
    /// 0 never records).
    pub fn new(capacity: usize) -> ThreadTrace {
        if capacity == 0 {
            return ThreadTrace::off();
        }
        ThreadTrace {
            clock: None,
            spans: prefaulted(capacity),
            marks: prefaulted(capacity),
            dropped: 0,
            retaken: 0,
            hold_since: 0,
        }
    }

    /// Starts recording on the run's `clock` (a no-op for a recorder
    /// without room).
    pub fn start(&mut self, clock: Clock) {
        if self.spans.capacity() > 0 {
            self.clock = Some(clock);
        }
    }

    /// Whether this recorder records.
    #[inline]
    pub fn is_on(&self) -> bool {
        self.clock.is_some()
    }

    /// The clock, to read it where the recorder itself cannot be borrowed
    /// (inside a call made without the GIL).
    #[inline]
    pub fn clock(&self) -> Option<Clock> {
        self.clock
    }

    /// Now on the run's clock (0 when off, without reading the clock).
    #[inline]
    pub fn now(&self) -> u64 {
        self.clock.map_or(0, Clock::now_ns)
    }

    /// Records a span (nothing when off; counted as dropped when full).
    #[inline]
    pub fn span(&mut self, state: State, begin_ns: u64, end_ns: u64) {
        if !self.is_on() {
            return;
        }
        if self.spans.len() < self.spans.capacity() {
            self.spans.push(Span {
                state,
                begin_ns,
                end_ns: end_ns.max(begin_ns),
            });
        } else {
            self.dropped += 1;
        }
    }

    /// Records a mark at `at_ns`.
    #[inline]
    pub fn mark(&mut self, kind: MarkKind, at_ns: u64) {
        if !self.is_on() {
            return;
        }
        if self.marks.len() < self.marks.capacity() {
            self.marks.push(Mark { kind, at_ns });
        } else {
            self.dropped += 1;
        }
    }

    /// Records a mark now.
    #[inline]
    pub fn mark_now(&mut self, kind: MarkKind) {
        let t = self.now();
        self.mark(kind, t);
    }

    /// The thread took the GIL at `at_ns`.
    #[inline]
    pub fn begin_hold(&mut self, at_ns: u64) {
        self.hold_since = at_ns;
    }

    /// The thread waited for the GIL from `from_ns` and took it at `to_ns`.
    #[inline]
    pub fn took(&mut self, from_ns: u64, to_ns: u64) {
        self.span(State::Waiting, from_ns, to_ns);
        self.begin_hold(to_ns);
    }

    /// The thread dropped the GIL at `at_ns`: records the holding span.
    #[inline]
    pub fn end_hold(&mut self, at_ns: u64) {
        self.span(State::Holding, self.hold_since, at_ns);
    }

    /// A forced release was taken straight back: no hand-off to record.
    #[inline]
    pub fn retaken(&mut self) {
        self.retaken += 1;
    }

    /// What was recorded.
    pub fn finish(self) -> ThreadRecord {
        ThreadRecord {
            spans: self.spans,
            marks: self.marks,
            dropped: self.dropped,
            retaken: self.retaken,
        }
    }
}
