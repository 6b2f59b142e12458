//! Every experiment that compares GIL policies writes its series, one point
//! per policy asked for, and the report's charts and advice rows that read
//! them (`src/charts.rs`, `src/advice.rs`) derive from what the experiments
//! wrote: a series dropped or renamed fails here, not as a chart or a row
//! silently missing from the report.

use std::process::Command;

use gil_sim::contract::chart::XAxis;
use gil_sim::contract::record::Record;
use gil_sim::contract::series::{
    CpuBoundRatio, GuiFrames, InstrRate, IoSpeedup, RaceLost, SideBySide,
};
use gil_sim::{advice, charts};

/// The policies each run asks for (all of them), by name.
fn policies() -> [&'static str; 4] {
    gil_sim::gil::Policy::ALL.map(gil_sim::gil::Policy::name)
}

/// Runs one experiment with `--json --repeats 1` and reads its record.
fn record(args: &[&str]) -> Record {
    let out = Command::new(env!("CARGO_BIN_EXE_gil-sim"))
        .args(["--json", "--repeats", "1"])
        .args(args)
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    let out = String::from_utf8(out.stdout).expect("UTF-8 records");
    Record::parse_line(out.lines().next().expect("a record")).expect("a valid record")
}

/// Each point's `gil`, in order.
fn gils<'a>(gil: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    gil.map(String::as_str).collect()
}

/// Small runs of the experiments the charts and advice read.
fn records() -> Vec<Record> {
    vec![
        record(&["cpu-bound", "--n", "20000"]),
        record(&["io-bound", "--calls", "2", "--block", "1ms"]),
        record(&["convoy", "--calls", "3", "--cpu-threads", "1"]),
    ]
}

#[test]
fn each_policy_is_a_point_and_the_charts_and_advice_read_the_series() {
    let records = records();
    let cpu = records[0]
        .series_of::<CpuBoundRatio>()
        .expect("cpu-bound's series");
    assert_eq!(gils(cpu.iter().map(|p| &p.gil)), policies());
    // nogil's witness, on a machine with two cores: the same VM as separate runs.
    if records[0].metric("cores").is_some_and(|c| c >= 2.0) {
        let vms = records[0].metric("separate_vms_speedup");
        assert!(vms.is_some_and(|v| v > 0.0), "{:?}", records[0].metrics);
        assert!(
            records[0]
                .metric("gain_without_gil_of_separate_vms")
                .is_some()
        );
    }
    let io = records[1]
        .series_of::<IoSpeedup>()
        .expect("io-bound's series");
    assert_eq!(gils(io.iter().map(|p| &p.gil)), policies());
    assert!(io.iter().all(|p| p.threads == 4 && p.speedup > 0.0));
    // The charts: the CPU chart has a bar for every policy, from the series.
    let cpu_chart = charts::cpu_speedup(&records).expect("the CPU chart");
    let XAxis::Categories(cats) = &cpu_chart.x else {
        panic!("bars over categories: {:?}", cpu_chart.x);
    };
    for p in policies() {
        assert!(cats.iter().any(|c| c == p), "no bar for {p}: {cats:?}");
    }
    assert!(charts::convoy(&records).is_some(), "the convoy chart");
    // The advice rows, each with its figures.
    let io_row = advice::io_bound_python(&records).expect("the I/O-bound row");
    assert_eq!(io_row.figures.len(), 2, "{io_row:?}");
    assert!(advice::responsiveness(&records).is_some(), "the convoy row");
    // Without the series, the rows and the policies' bars go.
    let mut bare = records;
    for r in &mut bare {
        r.series.clear();
    }
    assert!(advice::io_bound_python(&bare).is_none());
    assert!(charts::cpu_speedup(&bare).is_none());
}

#[test]
fn race_vm_speed_and_gui_write_one_point_per_policy() {
    let race = record(&["race", "--n", "2000"]);
    let lost = race.series_of::<RaceLost>().expect("race's series");
    assert_eq!(gils(lost.iter().map(|p| &p.gil)), policies());
    assert!(lost.iter().all(|p| p.updates == 4000 && p.locked_lost == 0));
    let worst = lost.iter().map(|p| p.plain_lost.max(p.call_lost)).max();
    assert_eq!(race.metric("max_lost_unlocked"), worst.map(|w| w as f64));

    let speed = record(&["vm-speed", "--n", "20000"]);
    let rates = speed.series_of::<InstrRate>().expect("vm-speed's series");
    assert_eq!(gils(rates.iter().map(|p| &p.gil)), policies());
    let py311 = rates.iter().find(|p| p.gil == "py311").unwrap();
    assert_eq!(speed.metric("minstr_per_s"), Some(py311.minstr_per_s));

    let gui = record(&[
        "gui-responsiveness",
        "--frames",
        "6",
        "--task",
        "200000",
        "--gil",
        "py311",
        "--gil",
        "nogil",
    ]);
    let frames = gui.series_of::<GuiFrames>().expect("gui's series");
    assert_eq!(gils(frames.iter().map(|p| &p.gil)), ["py311", "nogil"]);
    // A frame is at least the UI's 16 ms sleep.
    assert!(
        frames.iter().all(|p| p.alone_frame_s >= 0.016),
        "{frames:?}"
    );
    let py311 = &frames[0];
    assert_eq!(
        gui.key_figures(1),
        vec![(
            "new_gil_bytecode_thread_delay_s",
            py311.bytecode_thread_delay_s,
            "s"
        )]
    );
}

/// With a Python 3 on `PATH`, `compare-cpython` writes its interpreter's
/// point, and the CPU chart draws CPython's bar at the policy modelling it.
#[test]
fn compare_cpython_writes_its_interpreter_as_a_point() {
    let found = Command::new("python3").arg("--version").output();
    if !found.is_ok_and(|o| o.status.success()) {
        eprintln!("no python3 on PATH: skipped");
        return;
    }
    let cmp = record(&["compare-cpython", "--n", "20000", "--convoy-calls", "3"]);
    let points = cmp
        .series_of::<SideBySide>()
        .expect("the interpreter's point");
    assert_eq!(points.len(), 1, "{points:?}");
    let p = &points[0];
    assert!(p.python.starts_with('3') && policies().contains(&p.gil.as_str()));
    let chart = charts::cpu_speedup(std::slice::from_ref(&cmp)).expect("CPython's bar");
    let XAxis::Categories(cats) = &chart.x else {
        panic!("bars over categories");
    };
    assert_eq!(cats.as_slice(), std::slice::from_ref(&p.gil));
}
