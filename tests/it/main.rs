//! secpip's integration tests, in one binary.
//!
//! Each file under `tests/it/` was its own test binary, and each of those
//! linked the whole AWS SDK: 18 links of ~350 MB apiece on a cold build, the
//! disk a CI machine ran out of. One binary links once (the layout of uv's
//! `tests/it` and cargo's `tests/testsuite`). Run one suite with
//! `cargo test --test it install_pypi::`.

mod common;

mod aws_cli;
mod aws_install;
mod aws_store;
mod cli_docs;
mod codeartifact;
mod eventbridge_queue;
mod install_pypi;
mod npm_fixture;
mod npm_install;
mod policy_cli;
mod popular_data;
mod report_schemas;
mod rules_e2e;
mod server;
mod server_shared;
mod team_install;
mod team_repo;
mod upstream_tls;
