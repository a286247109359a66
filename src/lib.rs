//! End-to-end tests of the `hcrm` binary live in `tests/`; this library is empty.
