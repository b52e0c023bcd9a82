//! Who a user is to the tracker, and what each role may do in general.
//!
//! Per-project rights (a PI sees only their own projects) are decided where the project is loaded;
//! this module only answers the questions that depend on the role alone.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role, stored as lower-case text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 系统管理员: users, settings, backups.
    Admin,
    /// 科委项目主管: commission staff who run the portfolio.
    Staff,
    /// 项目负责人: principal investigator of one or more projects.
    Pi,
    /// 项目组成员: logs evidence on the PI's behalf.
    Member,
    /// 验收专家: reads assigned acceptance material and records an opinion.
    Expert,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Staff, Role::Pi, Role::Member, Role::Expert];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Pi => "pi",
            Role::Member => "member",
            Role::Expert => "expert",
        }
    }

    /// Parses a stored name; anything else is `None`.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Commission-side roles see the whole portfolio.
    pub fn sees_portfolio(self) -> bool {
        matches!(self, Role::Admin | Role::Staff)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the five role names.
#[derive(Debug)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown role '{}': expected admin, staff, pi, member or expert", self.0)
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_commission_roles_see_the_portfolio() {
        let seeing: Vec<_> = Role::ALL.into_iter().filter(|r| r.sees_portfolio()).collect();
        assert_eq!(seeing, [Role::Admin, Role::Staff]);
    }
}
