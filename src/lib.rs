//! psirt-site: a static site generator for product security teams.
//!
//! The pipeline, one stage per module, plain types between them:
//! `config` → `source::discover` → `document` (split + parse) → `site::Site::assemble`
//! (publication gate) → `validate` → `theme` → `emit` (HTML, CSAF, feeds, security.txt,
//! keys; each file minified and handed to a sink as it is made) → `output` (staging folder,
//! atomic swap). `pipeline` runs them; `routes` names every output path, `view` is the
//! template contract, `pipeline::cache` the one cache (`build`, `serve`), `provider_check` reads a built
//! folder back. See `docs/architecture.md`.

pub mod config;
pub mod diag;
pub mod digest;
pub mod document;
pub mod emit;
pub mod escape;
pub mod frontmatter;
pub mod hash;
pub mod import;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod output;
pub mod pgpkey;
pub mod pipeline;
pub mod provider_check;
pub mod publication;
pub mod routes;
pub mod scaffold;
pub mod serve;
pub mod signing;
pub mod site;
pub mod source;
mod sys;
pub mod text;
pub mod theme;
pub mod timing;
pub mod toml_input;
pub mod url;
pub mod validate;
pub mod view;

pub use pipeline::{
    BuildOptions, Built, Failure, Report, build, build_time, check, generate, generate_with_cache, output_dir,
};
pub use source::site_path;
pub use timing::{Progress, StageTiming};
