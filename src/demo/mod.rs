//! Demonstration data for `serve --demo` and `demo seed`: a few regions, institutions, one account per
//! role (so a newcomer can log in as each kind of user), the commission's 2024 call guide, and (in
//! [`portfolio`]) a synthetic portfolio. Seeding is idempotent: existing records are kept.

pub mod portfolio;

use anyhow::anyhow;
use chrono::NaiveDateTime;

use crate::app::account::{self, AccountInput};
use crate::db::institution::{self, InstitutionFields};
use crate::db::{DbConnection, user};
use crate::domain::role::Role;
use crate::i18n::Locale;

/// How many projects `serve --demo` seeds: enough to fill the dashboard's pages, quick to write.
pub const DEMO_PROJECTS: usize = 200;

/// The seed of `serve --demo`'s portfolio.
pub const DEMO_SEED: u64 = 2024;

/// The password of every demonstration account (documented in the README; demo use only).
pub const DEMO_PASSWORD: &str = "demo-password-2024";

/// Demonstration accounts: e-mail, name, role.
pub const DEMO_USERS: [(&str, &str, Role); 5] = [
    ("admin@coop.example", "周管理", Role::Admin),
    ("staff@coop.example", "张敏", Role::Staff),
    ("pi@coop.example", "李伟", Role::Pi),
    ("member@coop.example", "王芳", Role::Member),
    ("expert@coop.example", "陈刚", Role::Expert),
];

/// Regions of the 2024 guide and institutions in them: name, region, in Shanghai, research office.
const INSTITUTIONS: [(&str, &str, bool, &str); 4] = [
    ("华东理工大学", "上海市", true, "kyc@coop.example"),
    ("上海交通大学", "上海市", true, "research@coop.example"),
    ("新疆大学", "新疆维吾尔自治区", false, "xju-office@coop.example"),
    ("西藏农牧科学院", "西藏自治区", false, "taas-office@coop.example"),
];

/// The 2024 domestic-cooperation guide as published; the same text the parser's tests score.
const DEMO_GUIDE: &str = include_str!("../../tests/fixtures/guides/2024-domestic-cooperation.md");

/// Adds what is missing and prints the accounts.
pub fn seed(conn: &mut DbConnection, now: NaiveDateTime) -> anyhow::Result<()> {
    let guide = crate::domain::guide::parse(DEMO_GUIDE);
    let doc_number = guide.doc_number.clone().unwrap_or_default();
    if crate::db::guide::find_id_by_doc_number(conn, &doc_number)?.is_none() {
        guide.check_importable().map_err(|e| anyhow!("demo guide: {e}"))?;
        crate::db::guide::store(conn, &guide, DEMO_GUIDE, None, now)?;
    }
    let mut first_institution = None;
    for (name, region, in_shanghai, office) in INSTITUTIONS {
        let id = match institution::list(conn)?.into_iter().find(|(i, _)| i.name == name) {
            Some((existing, _)) => existing.id,
            None => {
                let region_id = Some(institution::ensure_region(conn, region, now)?);
                let fields = InstitutionFields {
                    name,
                    region_id,
                    in_shanghai,
                    research_office_name: Some("科研处"),
                    research_office_email: Some(office),
                    updated_at: now,
                };
                institution::insert(conn, &fields, now)?
            }
        };
        first_institution.get_or_insert(id);
    }
    for (email, name, role) in DEMO_USERS {
        if user::find_by_email(conn, email)?.is_none() {
            let input = AccountInput {
                email: email.into(),
                name: name.into(),
                role,
                locale: Locale::ZhCn,
                institution_id: first_institution.filter(|_| !role.sees_portfolio()),
                password: Some(DEMO_PASSWORD.into()),
            };
            account::create(conn, &input, None, now).map_err(|e| anyhow!("demo account {email}: {e}"))?;
        }
        println!("demo account: {email} ({role}) password {DEMO_PASSWORD}");
    }
    Ok(())
}
