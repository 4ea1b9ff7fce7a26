//! What an admin account may do.

use std::fmt;

/// An account's role. Every role may read the whole admin; what each may change:
/// - `Admin`: everything, accounts, the audit log and settings included;
/// - `Editor`: content (create, edit, publish, delete, revert, restore), not accounts;
/// - `Translator`: only the Chinese and Urdu versions of texts, and their translation marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Translator,
    Editor,
    Admin,
}

impl Role {
    /// Every role, most powerful first (the order choices are offered in).
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Translator];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Translator => "translator",
        }
    }

    /// The role with this stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// The catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Admin => "role.admin",
            Self::Editor => "role.editor",
            Self::Translator => "role.translator",
        }
    }

    /// Whether the role includes everything `needed` may do.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_nest() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Admin.allows(Role::Editor));
        assert!(Role::Editor.allows(Role::Translator));
        assert!(!Role::Translator.allows(Role::Editor));
        assert!(!Role::Editor.allows(Role::Admin));
    }
}
