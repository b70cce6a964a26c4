//! Helpers shared by several fuzz targets.
#![allow(dead_code)]

pub mod sql;
