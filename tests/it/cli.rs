//! The command line, run as the real binary: configuration errors exit 2 with one line; the user
//! and backup commands work on a fresh data folder.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coop-tracker"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("COOP_DATABASE_URL")
        .env("COOP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn configuration_mistakes_stop_with_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let unwritable = blocker.join("sub");
    let bad_cron = dir.path().join("bad.toml");
    std::fs::write(&bad_cron, "[schedules]\noutbox = \"every day\"\n").unwrap();
    let cases: [(&str, Vec<&str>); 3] = [
        ("scheme 'mysql'", vec!["--data-dir", data, "--database-url", "mysql://root@localhost/x", "migrate"]),
        ("not writable", vec!["--data-dir", unwritable.to_str().unwrap(), "migrate"]),
        ("schedules.outbox", vec!["--data-dir", data, "--config", bad_cron.to_str().unwrap(), "migrate"]),
    ];
    for (expected, args) in cases {
        let out = run(&args, None);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn users_are_added_listed_and_backed_up_on_a_fresh_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    let out = run(&["--data-dir", data, "migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("coop-tracker.sqlite3").exists());

    let out = run(
        &[
            "--data-dir",
            data,
            "user",
            "add",
            "--email",
            "zhang@example.org",
            "--name",
            "张敏",
            "--role",
            "staff",
            "--password-stdin",
            "--token",
        ],
        Some("a long enough password\n"),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("API token: coop_"), "{stdout}");

    let out = run(
        &["--data-dir", data, "user", "add", "--email", "zhang@example.org", "--name", "重复", "--role", "pi"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already uses this e-mail"), "{}", text(&out.stderr));

    let out =
        run(&["--data-dir", data, "user", "add", "--email", "x@example.org", "--name", "x", "--role", "boss"], None);
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown role");

    let out = run(&["--data-dir", data, "user", "set-password", "--email", "zhang@example.org"], None);
    assert!(text(&out.stdout).contains("one-time password"), "{}", text(&out.stdout));

    let list = text(&run(&["--data-dir", data, "user", "list"], None).stdout);
    assert!(list.contains("zhang@example.org\tstaff\tactive\t张敏"), "{list}");

    let backup = dir.path().join("copy.sqlite3");
    let out = run(&["--data-dir", data, "backup", "--to", backup.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let copied = run(&["--data-dir", data, "--database-url", backup.to_str().unwrap(), "user", "list"], None);
    assert!(text(&copied.stdout).contains("zhang@example.org"), "the backup holds the data");
    let again = run(&["--data-dir", data, "backup", "--to", backup.to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"));
}

#[test]
fn help_documents_every_command() {
    let out = run(&["--help"], None);
    let help = text(&out.stdout);
    for command in ["serve", "migrate", "user", "backup"] {
        assert!(help.contains(command), "{help}");
    }
    let serve = text(&run(&["serve", "--help"], None).stdout);
    assert!(serve.contains("--demo") && serve.contains("--bind"), "{serve}");
}
