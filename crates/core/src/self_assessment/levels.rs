//! Qualification levels as ordered enums: a higher variant meets every lower requirement.
//! The ids are the values written in `content/standards.toml` and stored in a profile.

use serde::{Deserialize, Serialize};

use crate::text::LocalText;

/// What every ordered level offers to the gap report and the compiler.
pub trait Level: Copy + Ord + std::fmt::Debug + 'static {
    /// Every level, lowest first.
    fn all() -> &'static [Self];
    /// The id used in content and storage (`trung_cap`).
    fn as_str(self) -> &'static str;
    /// The label shown to the learner.
    fn label(self) -> LocalText;

    fn parse(id: &str) -> Option<Self> {
        Self::all().iter().copied().find(|l| l.as_str() == id)
    }

    /// The ids, for error messages.
    fn ids() -> String {
        Self::all()
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

macro_rules! ordered_level {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $id:literal, $vi:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $id)] $variant,)+
        }

        impl Level for $name {
            fn all() -> &'static [Self] {
                &[$($name::$variant),+]
            }

            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }

            fn label(self) -> LocalText {
                match self {
                    $($name::$variant => LocalText::both($vi, $en),)+
                }
            }
        }
    };
}

ordered_level! {
    /// Education (trình độ chuyên môn).
    Education {
        Secondary = "thpt", "Tốt nghiệp trung học phổ thông", "Upper secondary school";
        Vocational = "trung_cap", "Trung cấp", "Vocational secondary";
        College = "cao_dang", "Cao đẳng", "College";
        University = "dai_hoc", "Đại học", "University degree";
        Master = "thac_si", "Thạc sĩ", "Master's degree";
        Doctorate = "tien_si", "Tiến sĩ", "Doctorate";
    }
}

ordered_level! {
    /// Political theory (lý luận chính trị).
    PoliticalTheory {
        None = "chua_co", "Chưa có", "None";
        Elementary = "so_cap", "Sơ cấp", "Elementary";
        Intermediate = "trung_cap", "Trung cấp", "Intermediate";
        Advanced = "cao_cap", "Cao cấp", "Advanced";
    }
}

ordered_level! {
    /// State management certificate (quản lý nhà nước), by rank.
    StateManagement {
        None = "chua_co", "Chưa có", "None";
        Specialist = "chuyen_vien", "Chương trình chuyên viên", "Specialist programme";
        Principal = "chuyen_vien_chinh", "Chương trình chuyên viên chính", "Principal specialist programme";
        Senior = "chuyen_vien_cao_cap", "Chương trình chuyên viên cao cấp", "Senior specialist programme";
    }
}

ordered_level! {
    /// Foreign language, on Vietnam's six-level framework (bậc 1-6, A1-C2).
    ForeignLanguage {
        None = "chua_co", "Chưa có", "None";
        Level1 = "bac_1", "Bậc 1 (A1)", "Level 1 (A1)";
        Level2 = "bac_2", "Bậc 2 (A2)", "Level 2 (A2)";
        Level3 = "bac_3", "Bậc 3 (B1)", "Level 3 (B1)";
        Level4 = "bac_4", "Bậc 4 (B2)", "Level 4 (B2)";
        Level5 = "bac_5", "Bậc 5 (C1)", "Level 5 (C1)";
        Level6 = "bac_6", "Bậc 6 (C2)", "Level 6 (C2)";
    }
}

ordered_level! {
    /// IT skills standard (chuẩn kỹ năng sử dụng công nghệ thông tin).
    ItSkill {
        None = "chua_co", "Chưa có", "None";
        Basic = "co_ban", "Cơ bản", "Basic";
        Advanced = "nang_cao", "Nâng cao", "Advanced";
    }
}

/// The five qualifications a position standard can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    Education,
    PoliticalTheory,
    StateManagement,
    ForeignLanguage,
    ItSkill,
}

impl Qualification {
    pub const ALL: [Qualification; 5] = [
        Qualification::Education,
        Qualification::PoliticalTheory,
        Qualification::StateManagement,
        Qualification::ForeignLanguage,
        Qualification::ItSkill,
    ];

    /// The key in `standards.toml` and in a profile.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualification::Education => "education",
            Qualification::PoliticalTheory => "political_theory",
            Qualification::StateManagement => "state_management",
            Qualification::ForeignLanguage => "foreign_language",
            Qualification::ItSkill => "it_skill",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == id)
    }

    /// The name shown to the learner (lower case: it is used inside sentences).
    pub fn label(self) -> LocalText {
        match self {
            Qualification::Education => LocalText::both("trình độ chuyên môn", "education"),
            Qualification::PoliticalTheory => {
                LocalText::both("trình độ lý luận chính trị", "political theory")
            }
            Qualification::StateManagement => {
                LocalText::both("kiến thức quản lý nhà nước", "state management")
            }
            Qualification::ForeignLanguage => LocalText::both("ngoại ngữ", "foreign language"),
            Qualification::ItSkill => LocalText::both("tin học", "IT skills"),
        }
    }

    /// Whether `id` is a level of this qualification, and its rank (0 = lowest) if so.
    pub fn rank(self, id: &str) -> Option<usize> {
        fn rank_of<L: Level>(id: &str) -> Option<usize> {
            L::all().iter().position(|l| l.as_str() == id)
        }
        match self {
            Qualification::Education => rank_of::<Education>(id),
            Qualification::PoliticalTheory => rank_of::<PoliticalTheory>(id),
            Qualification::StateManagement => rank_of::<StateManagement>(id),
            Qualification::ForeignLanguage => rank_of::<ForeignLanguage>(id),
            Qualification::ItSkill => rank_of::<ItSkill>(id),
        }
    }

    /// The level ids of this qualification, lowest first, for error messages.
    pub fn ids(self) -> String {
        match self {
            Qualification::Education => Education::ids(),
            Qualification::PoliticalTheory => PoliticalTheory::ids(),
            Qualification::StateManagement => StateManagement::ids(),
            Qualification::ForeignLanguage => ForeignLanguage::ids(),
            Qualification::ItSkill => ItSkill::ids(),
        }
    }

    /// The label of one of its levels (None for an unknown id).
    pub fn level_label(self, id: &str) -> Option<LocalText> {
        fn label_of<L: Level>(id: &str) -> Option<LocalText> {
            L::parse(id).map(L::label)
        }
        match self {
            Qualification::Education => label_of::<Education>(id),
            Qualification::PoliticalTheory => label_of::<PoliticalTheory>(id),
            Qualification::StateManagement => label_of::<StateManagement>(id),
            Qualification::ForeignLanguage => label_of::<ForeignLanguage>(id),
            Qualification::ItSkill => label_of::<ItSkill>(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the order the gap report relies on: sơ cấp < trung cấp < cao cấp, and so on.
    #[test]
    fn levels_are_ordered_and_round_trip() {
        assert!(PoliticalTheory::Elementary < PoliticalTheory::Intermediate);
        assert!(PoliticalTheory::Intermediate < PoliticalTheory::Advanced);
        assert!(StateManagement::Specialist < StateManagement::Principal);
        assert!(Education::College < Education::University);
        assert!(ItSkill::Basic < ItSkill::Advanced);
        assert!(ForeignLanguage::Level2 < ForeignLanguage::Level3);
        for l in PoliticalTheory::all() {
            assert_eq!(PoliticalTheory::parse(l.as_str()), Some(*l));
            let json = serde_json::to_string(l).expect("json");
            assert_eq!(json, format!("\"{}\"", l.as_str()));
        }
        assert_eq!(Qualification::PoliticalTheory.rank("cao_cap"), Some(3));
        assert_eq!(Qualification::ItSkill.rank("cao_cap"), None);
        assert_eq!(
            Qualification::parse("it_skill"),
            Some(Qualification::ItSkill)
        );
    }
}
