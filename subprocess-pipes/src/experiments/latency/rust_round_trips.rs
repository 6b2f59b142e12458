//! The Rust side of one setup: the raw 8-byte ping-pong and the framed
//! `Ping`/`Pong` round trip, each with a fresh child, measured interleaved.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::setup::Setup;
use crate::channel::Channel;
use crate::contract::measure::{Stats, interleaved};
use crate::placement::Placement;
use crate::popen::Popen;
use crate::readable::spin_until_readable;
use crate::watchdog::Watchdog;
use crate::worker::proto::{Ping, Pong};

/// Raw and framed round trips (seconds, interleaved) for one setup, with
/// fresh children placed and waiting as `setup` says.
pub(super) fn measure_rust(
    setup: Setup,
    placement: Option<&Placement>,
    n: u64,
    repeats: usize,
) -> anyhow::Result<(Stats, Stats)> {
    let spin = setup.spin;
    let spawn = |role: &str| -> anyhow::Result<Popen> {
        let mut cmd = crate::worker::command_self(role)?;
        cmd.arg(spin.as_micros().to_string());
        Ok(Popen::spawn(cmd)?)
    };
    let mut raw = spawn("pingpong")?;
    let mut raw_in = raw.take_stdin().context("pingpong stdin")?;
    let mut raw_out = raw.take_stdout().context("pingpong stdout")?;
    let mut echo = spawn("echo")?;
    let mut ch = Channel::<Ping, Pong, _, _>::new(
        echo.take_stdout().context("echo stdout")?,
        echo.take_stdin().context("echo stdin")?,
    )
    .with_spin(spin);
    if let Some(p) = placement {
        let cpu = setup.child_cpu(p);
        p.child_on(raw.id(), cpu)?;
        p.child_on(echo.id(), cpu)?;
    }
    let dog = Watchdog::arm(&[raw.id(), echo.id()], Duration::from_secs(120))?;
    let mut raw_run = || -> anyhow::Result<f64> {
        let t = Instant::now();
        let mut b = [0u8; 8];
        for i in 0..n {
            raw_in.write_all(&i.to_le_bytes())?;
            spin_until_readable(&raw_out, spin)?;
            raw_out.read_exact(&mut b).context("pingpong answer")?;
            anyhow::ensure!(u64::from_le_bytes(b) == i + 1, "pingpong answered wrong");
        }
        Ok(t.elapsed().as_secs_f64() / n as f64)
    };
    let mut framed_run = || -> anyhow::Result<f64> {
        let t = Instant::now();
        for seq in 0..n {
            ch.send(&Ping { seq })?;
            let Pong { seq: got } = ch.recv()?.context("echo hung up")?;
            anyhow::ensure!(got == seq + 1, "echo answered {got} to {seq}");
        }
        Ok(t.elapsed().as_secs_f64() / n as f64)
    };
    let mut stats = interleaved(repeats, &mut [&mut raw_run, &mut framed_run])?;
    drop(dog);
    drop((ch, raw_in));
    raw.wait_timeout(Duration::from_secs(5))?;
    echo.wait_timeout(Duration::from_secs(5))?;
    let framed = stats.pop().context("framed figures")?;
    let raw = stats.pop().context("raw figures")?;
    Ok((raw, framed))
}
