//! diachiso — the digital address and location registry of Hưng Yên province.
//!
//! The library holds the whole service; `main.rs` only parses the command line. Domain modules
//! (`code`, `text`, `commune`, `place`, `spatial`, `registry`, `auth`) know nothing of HTTP or
//! SQL; `store` speaks SQL and `api` speaks HTTP. See `ARCHITECTURE.md`.
#![forbid(unsafe_code)]

pub mod address;
pub mod api;
pub mod auth;
pub mod cli;
pub mod code;
pub mod commune;
pub mod crs;
pub mod event;
pub mod formats;
pub mod generate;
pub mod geopackage;
pub mod numbering;
pub mod parking;
pub mod payment;
pub mod place;
pub mod population;
pub mod registry;
pub mod search;
pub mod sheet;
pub mod spatial;
pub mod store;
pub mod street;
#[cfg(test)]
mod testing;
pub mod text;
pub mod tiles;
