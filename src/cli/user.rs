//! `coop-tracker user …`.

use std::io::BufRead;

use anyhow::{Context, anyhow, bail};

use super::UserCommand;
use crate::app::account::{self, AccountInput};
use crate::auth::secret;
use crate::config::Config;
use crate::db::{self, user};
use crate::domain::clock::Clock;
use crate::domain::refusal::{Failure, Refusal};
use crate::i18n::Locale;

pub(super) fn run(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    let now = Clock::System.now();
    match command {
        UserCommand::Add { email, name, role, locale, password_stdin, token } => {
            let locale = Locale::from_tag(&locale).ok_or_else(|| anyhow!("--locale must be zh-CN or en"))?;
            let password = password_stdin.then(read_password).transpose()?;
            let input = AccountInput { email, name, role, locale, institution_id: None, password };
            let created = account::create(&mut conn, &input, None, now).map_err(explain)?;
            println!("created user {} ({})", created.email, role);
            if let Some(generated) = created.generated_password {
                println!("one-time password (must be changed at first login): {generated}");
            }
            if token {
                print_token(&mut conn, config, created.id, "cli", now)?;
            }
        }
        UserCommand::List => {
            for u in user::list(&mut conn)? {
                let state = if u.active { "active" } else { "inactive" };
                println!("{}\t{}\t{}\t{}\t{}", u.id, u.email, u.role, state, u.name);
            }
        }
        UserCommand::SetPassword { email, password_stdin } => {
            let found =
                user::find_by_email(&mut conn, &email)?.with_context(|| format!("no user with e-mail {email}"))?;
            let (password, generated) = match password_stdin {
                true => (read_password()?, false),
                false => (secret::generated_password(), true),
            };
            let change = account::PasswordChange::Reset { must_change: generated };
            account::set_password(&mut conn, found.id, &password, change, None, now).map_err(explain)?;
            if generated {
                println!("one-time password for {} (must be changed at first login): {password}", found.email);
            } else {
                println!("password set for {}", found.email);
            }
        }
        UserCommand::Token { email, name } => {
            let found =
                user::find_by_email(&mut conn, &email)?.with_context(|| format!("no user with e-mail {email}"))?;
            if !found.active {
                bail!("the account {email} is deactivated; activate it before issuing a token");
            }
            print_token(&mut conn, config, found.id, &name, now)?;
        }
    }
    Ok(())
}

/// Issues a token living as long as the configuration allows (`api_token_max_days`) and prints it
/// with its expiry.
fn print_token(
    conn: &mut db::DbConnection,
    config: &Config,
    user_id: i64,
    name: &str,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    let expires_at = now + chrono::Duration::days(config.api_token_max_days);
    let (_, token) = account::issue_token(conn, user_id, name, expires_at, now).map_err(explain)?;
    println!("API token: {token}");
    println!(
        "expires: {} UTC (api_token_max_days = {})",
        expires_at.format("%Y-%m-%d %H:%M"),
        config.api_token_max_days
    );
    Ok(())
}

/// The first line of standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

/// Turns a validation or conflict into a sentence for the terminal, in English unless `LANG` asks
/// for Chinese.
fn explain(error: Failure) -> anyhow::Error {
    let locale = std::env::var("LANG").ok().filter(|l| l.starts_with("zh")).map_or(Locale::En, |_| Locale::ZhCn);
    let t = locale.t();
    match &error {
        Failure::Refused(Refusal::Validation(fields)) => {
            let parts: Vec<_> = fields.iter().map(|f| format!("{}: {}", f.field, t.get(f.message))).collect();
            anyhow!(parts.join("; "))
        }
        Failure::Refused(Refusal::Conflict(key)) => anyhow!(t.get(key).to_owned()),
        _ => anyhow!(error.to_string()),
    }
}
