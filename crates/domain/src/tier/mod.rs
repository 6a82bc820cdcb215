//! Tiering: the legacy (A3..D0) and current (A..G) models, as specified in
//! `shared/reference/TIERING.md`.
