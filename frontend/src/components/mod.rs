//! Building blocks shared by the pages.

pub mod banner;
pub mod countdown;
pub mod dialog;
pub mod field;
pub mod flow;
pub mod form;
pub mod list;
pub mod notifications;
pub mod pager;
pub mod shell;
pub mod shown_once;
