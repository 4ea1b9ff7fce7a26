//! The integration tests: one binary, one module per area, sharing `helpers`.
//!
//! Every test runs against a real PostgreSQL (a private throwaway cluster started once per
//! test process, with a database of its own per test) and a real HTTP server on a port.

mod helpers;

mod i18n;

mod accounts;
mod admin_auth;
mod admin_csv;
mod admin_edit;
mod admin_lists;
mod admin_sources;
mod api;
mod api_schemathesis;
mod binary;
mod browser;
mod chrome;
mod crawl;
mod db_faults;
mod demo_data;
mod errors;
mod exports;
mod floor_plan;
mod fonts;
mod gates;
mod hardening;
mod head;
mod interface_language;
mod keyboard;
mod layout;
mod linked_data;
mod login_flood;
mod media;
mod merge;
mod migrations;
mod no_javascript;
mod operations;
mod page_cache;
mod pages;
mod programme;
mod query_plans;
mod report_wording;
mod search;
mod share_cards;
mod site;
mod static_files;
mod translations;
mod two_factor;
