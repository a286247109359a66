//! The parts of the `hcrm` binary that its tests reach: the webhook worker (INT-3).

pub mod webhooks;
