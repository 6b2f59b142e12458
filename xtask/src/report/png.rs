//! The page as one PNG, whole: headless Chromium measures the page's
//! height (the page writes it into its root element's `data-height` once
//! laid out; `--dump-dom` prints it), then screenshots it in a window that
//! tall. Where Chromium is not installed, no PNG is made.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Where Debian's Chromium lives (`apt-get install chromium`).
const CHROMIUM: [&str; 2] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
/// The window's width: the page's layout width.
const WIDTH: u32 = 1100;
/// The tallest window asked for (Chromium renders 24,000 px here); a
/// taller page is cut there, and said so.
const MAX_HEIGHT: u32 = 32_000;
/// How long one Chromium run may take.
const LIMIT: Duration = Duration::from_secs(60);

/// A rendered page: the PNG and the page's own height in CSS pixels.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `index.png` beside the page.
    pub png: PathBuf,
    /// The laid-out page's height, as the page measured it.
    pub page_height: u32,
}

/// Renders `page` to a PNG beside it (`index.png` for `index.html`) with
/// headless Chromium, as tall as the page; `None` when Chromium is not
/// installed.
pub fn render(page: &Path) -> anyhow::Result<Option<Rendered>> {
    let Some(chromium) = CHROMIUM.iter().map(Path::new).find(|p| p.exists()) else {
        return Ok(None);
    };
    let page = page.canonicalize()?;
    let url = format!("file://{}", page.display());
    // Laid out at the screenshot's width (in a short window, so the height
    // is the content's, not the window's).
    let measure = format!("--window-size={WIDTH},600");
    let dom = chromium_run(chromium, &[measure, "--dump-dom".into(), url.clone()], true)?;
    let page_height = data_height(&dom)
        .ok_or_else(|| anyhow::anyhow!("{} did not report its height", page.display()))?;
    if page_height > MAX_HEIGHT {
        eprintln!(
            "report: the page is {page_height} px high; the PNG shows its first {MAX_HEIGHT}"
        );
    }
    let png = page.with_extension("png");
    let window = format!("--window-size={WIDTH},{}", page_height.clamp(1, MAX_HEIGHT));
    let shot = format!("--screenshot={}", png.display());
    chromium_run(chromium, &[window, shot, url], false)?;
    anyhow::ensure!(png.exists(), "chromium did not render {}", page.display());
    Ok(Some(Rendered { png, page_height }))
}

/// The page height the page wrote into its root element (`data-height`).
pub fn data_height(dom: &str) -> Option<u32> {
    let at = dom.find("data-height=\"")? + "data-height=\"".len();
    dom[at..].split('"').next()?.parse().ok()
}

/// The height of a PNG, from its header (the IHDR chunk comes first).
pub fn png_height(bytes: &[u8]) -> Option<u32> {
    let signature = b"\x89PNG\r\n\x1a\n";
    if bytes.get(..8)? != signature || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some(u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?))
}

/// Runs headless Chromium with `args` under [`LIMIT`], in a private profile
/// directory; its stdout when `capture`.
fn chromium_run(chromium: &Path, args: &[String], capture: bool) -> anyhow::Result<String> {
    // A private, unpredictable profile directory, removed when dropped.
    let profile = tempfile::tempdir()?;
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
    ])
    .args(["--no-first-run", "--hide-scrollbars", "--disable-sync"])
    .args([
        "--disable-background-networking",
        "--disable-component-update",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .stdin(Stdio::null())
    .stderr(Stdio::null());
    let (status, out) = if capture {
        crate::runner::stdout_with_limit(&mut cmd, LIMIT)?
    } else {
        let mut child = cmd.stdout(Stdio::null()).spawn()?;
        (
            crate::runner::wait_with_limit(&mut child, LIMIT)?,
            String::new(),
        )
    };
    anyhow::ensure!(
        status.is_some_and(|s| s.success()),
        "chromium failed or ran past {LIMIT:?}"
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_read_from_the_dom_and_the_png_header() {
        assert_eq!(
            data_height(r#"<html lang="en" data-height="9342"><head>"#),
            Some(9342)
        );
        assert_eq!(data_height("<html>"), None);
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(1100u32.to_be_bytes());
        png.extend(9342u32.to_be_bytes());
        assert_eq!(png_height(&png), Some(9342));
        assert_eq!(png_height(b"GIF89a"), None);
    }
}
