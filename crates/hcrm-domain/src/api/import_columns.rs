//! CUS-13, X-12: the import columns in the reader's language — each column's name and the
//! values its cells may hold, so that the web app shows a report without raw codes.

use super::import::{COLUMNS, Column};
use crate::customer::kinds::{
    CustomerCategory, CustomerKind, Gender, IdType, LifecycleStage, SourceChannel,
};
use crate::i18n::{Label, Lang};

impl Column {
    /// Every column, in export order.
    pub const ALL: [Column; 21] = {
        let mut all = [Column::Name; 21];
        let mut i = 0;
        while i < COLUMNS.len() {
            all[i] = COLUMNS[i].0;
            i += 1;
        }
        all
    };

    /// The values a cell of this column may hold, as labels in `lang` (the import also takes
    /// the Chinese label and the code); empty for free-text columns. The web app lists them
    /// for an `unknown_value` problem.
    pub fn allowed_values(self, lang: Lang) -> Vec<&'static str> {
        fn labels<T: Label>(all: &[T], lang: Lang) -> Vec<&'static str> {
            all.iter().map(|v| v.label(lang)).collect()
        }
        match self {
            Column::Kind => labels(&CustomerKind::ALL, lang),
            Column::Gender => labels(&Gender::ALL, lang),
            Column::IdType => labels(&IdType::ALL, lang),
            Column::SourceChannel => labels(&SourceChannel::ALL, lang),
            Column::LifecycleStage => labels(&LifecycleStage::ALL, lang),
            Column::Categories => labels(&CustomerCategory::ALL, lang),
            _ => vec![],
        }
    }

    /// The column a report entry's `field` names (its code), if it is one.
    pub fn from_code(code: &str) -> Option<Column> {
        COLUMNS
            .iter()
            .find(|(_, c, _)| *c == code)
            .map(|(column, _, _)| *column)
    }
}

/// The column's name in the reader's language: the Chinese header, or English words (the
/// English header of a file is the code, `birth_date`; the web app shows "Date of birth").
impl Label for Column {
    fn label(&self, lang: Lang) -> &'static str {
        let en = match self {
            Column::Name => "Name",
            Column::Kind => "Type",
            Column::Gender => "Gender",
            Column::BirthDate => "Date of birth",
            Column::IdType => "ID type",
            Column::IdNumber => "ID number",
            Column::Phones => "Mobile numbers",
            Column::CardNumber => "Patient card number",
            Column::Email => "E-mail",
            Column::Province => "Province",
            Column::City => "City",
            Column::District => "District",
            Column::Street => "Street address",
            Column::Occupation => "Occupation",
            Column::SourceChannel => "Source channel",
            Column::LifecycleStage => "Lifecycle stage",
            Column::Tags => "Tags",
            Column::Categories => "Categories",
            Column::ExternalSystem => "External system",
            Column::ExternalId => "External id",
            Column::Notes => "Notes",
        };
        lang.pick(self.header(), en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_listed_once_and_found_by_its_code() {
        assert_eq!(Column::ALL.len(), COLUMNS.len());
        for c in Column::ALL {
            assert_eq!(Column::from_code(c.code()), Some(c));
        }
        assert_eq!(Column::from_code("birth"), None);
        assert_eq!(Column::BirthDate.label(Lang::En), "Date of birth");
        assert_eq!(Column::BirthDate.label(Lang::Zh), "出生日期");
    }

    #[test]
    fn coded_columns_list_their_values_free_text_ones_none() {
        assert_eq!(
            Column::Gender.allowed_values(Lang::Zh),
            vec!["男", "女", "未知"]
        );
        assert!(Column::LifecycleStage.allowed_values(Lang::En).len() >= 3);
        assert!(Column::Notes.allowed_values(Lang::En).is_empty());
    }
}
