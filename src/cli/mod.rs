//! The command line's subcommands that outgrew `main.rs`: argument structs, their
//! conversions and dispatch.

pub(crate) mod estimate;
