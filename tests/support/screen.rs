//! What the window tests share: whether a tool is installed, running a
//! command under a deadline while collecting its output, and reading a
//! screenshot's pixels.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The realms of smoke.ron's zones (wilds, village, market, forest) and
/// their STAT7 colours.
pub const SMOKE_REALMS: [(&str, [u8; 3]); 4] = [
    ("void", [0x34, 0x49, 0x5e]),
    ("narrative", [0xe7, 0x4c, 0x3c]),
    ("data", [0x34, 0x98, 0xdb]),
    ("pattern", [0x1a, 0xbc, 0x9c]),
];

/// Whether `tool` is on the PATH.
pub fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `cmd`, killing it after `limit`; (status, stdout + stderr), the
/// status None when it was killed.
pub fn run_bounded(mut cmd: Command, limit: Duration) -> (Option<ExitStatus>, String) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the command starts");
    let pipes: [Box<dyn Read + Send>; 2] = [
        Box::new(child.stdout.take().expect("piped")),
        Box::new(child.stderr.take().expect("piped")),
    ];
    let readers = pipes.map(|mut pipe| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = pipe.read_to_string(&mut s);
            s
        })
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = readers.map(|r| r.join().unwrap_or_default()).join("\n");
    (status, text)
}

/// A PNG's size and pixels as RGB.
pub fn decode_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(path).expect("the screenshot exists");
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

/// Whether two colours are the same within what rendering changes.
pub fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter()
        .zip(b.iter())
        .all(|(x, y)| (i16::from(*x) - i16::from(*y)).abs() <= 12)
}

/// `seedsim ARGS` under `xvfb-run` on a 1280×800 screen, with a private
/// XDG runtime folder made in `dir` (winit wants one).
pub fn seedsim_under_xvfb<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: impl IntoIterator<Item = S>,
) -> Command {
    let runtime = dir.join("xdg");
    std::fs::create_dir_all(&runtime).expect("temp dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700));
    }
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_seedsim"))
        .args(args)
        .env("XDG_RUNTIME_DIR", &runtime);
    cmd
}

/// Runs a window command to its end (killed after `limit`) and asserts it
/// exited 0; its output.
pub fn run_window(cmd: Command, limit: Duration, what: &str) -> String {
    let (status, output) = run_bounded(cmd, limit);
    let status = status.unwrap_or_else(|| {
        panic!(
            "{what}: the window did not exit within {} s:\n{output}",
            limit.as_secs()
        )
    });
    assert!(status.success(), "{what} failed ({status}):\n{output}");
    output
}

/// The screenshot at `path`, checked to be a scene (at least 640 × 400
/// and 50 distinct colours); its size and pixels.
pub fn scene_pixels(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let (w, h, pixels) = decode_rgb(path);
    assert!(w >= 640 && h >= 400, "a {w}×{h} screenshot");
    let distinct: std::collections::HashSet<[u8; 3]> = pixels.iter().copied().collect();
    assert!(
        distinct.len() >= 50,
        "the screenshot is nearly blank: {} distinct colours",
        distinct.len()
    );
    (w, h, pixels)
}

/// Pixels of each of smoke.ron's realm colours.
pub fn smoke_realm_pixels(pixels: &[[u8; 3]]) -> Vec<(&'static str, usize)> {
    SMOKE_REALMS
        .iter()
        .map(|(name, rgb)| (*name, pixels.iter().filter(|p| close(**p, *rgb)).count()))
        .collect()
}
