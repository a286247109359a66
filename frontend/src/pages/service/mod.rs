//! 服务中心 (SVC-1, SVC-3, SVC-6): the consultation form (a component the agent console
//! embeds), the consultations and their daily statistics, the in-visit board and the service
//! time limits.

pub mod consultations;
pub mod form;
pub mod in_visit;
pub mod time_limits;
