//! `seatplan serve`: the analyst's workbench, a local web application over the library.
//!
//! One concept per file: [`auth`] (the per-start token every request must carry), [`state`]
//! (the session's data folder, the scenarios kept in memory and the finished results, each a
//! bounded least-recently-used list), [`jobs`] (runs, what-ifs and sweeps in background threads
//! with progress and cancellation through the library's `Reporter`), [`uploads`] (upload names
//! that cannot leave the data folder), [`whatif`] (the what-if and sweep forms turned into sweep
//! files the CLI reproduces), [`pages`] and [`i18n`] (plain HTML rendered on the server, Chinese
//! first with an English switch), [`assets`] (the style sheet and the little script, compiled
//! in), and [`routes`] (the URLs and their handlers). It calls only the library's public surface.
//!
//! The server binds the loopback address unless `--bind` names another, and its first line on
//! standard output is `workbench: http://127.0.0.1:PORT/?token=TOKEN`. It writes only inside a
//! fresh session folder of its data folder (`--data`, default `./workbench-data`).

mod assets;
mod auth;
mod i18n;
mod jobs;
mod pages;
mod routes;
mod state;
mod uploads;
mod whatif;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};

use super::print::Printer;

/// Arguments of `seatplan serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (default: a free port chosen by the system).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on. Anything but a loopback address makes the workbench reachable from
    /// other machines (with the token); a warning is printed.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Folder the workbench writes into: each start makes a new session folder inside it and
    /// writes nothing elsewhere.
    #[arg(long, default_value = "workbench-data")]
    data: PathBuf,
    /// Scenarios kept loaded in memory at once; the least recently used is evicted beyond it.
    #[arg(long, default_value_t = 4)]
    keep_scenarios: usize,
    /// Finished runs, what-ifs and sweeps kept in memory for drill-down; their files stay on disk.
    #[arg(long, default_value_t = 16)]
    keep_results: usize,
}

/// Starts the workbench and serves until the process is stopped.
pub fn run(args: ServeArgs, printer: Printer) -> Result<()> {
    let session = state::Session::create(&args.data)?;
    let token = auth::new_token()?;
    let app = Arc::new(state::App::new(
        token,
        session,
        args.keep_scenarios.max(1),
        args.keep_results.max(1),
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the web server's runtime")?;
    runtime.block_on(async move {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        let host = if local.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            local.ip()
        };
        let shown = SocketAddr::new(host, local.port());
        // The first line on standard output, always printed (even with -q): it is how a
        // browser, a script or a test finds the workbench.
        let mut out = std::io::stdout();
        writeln!(out, "workbench: http://{shown}/?token={}", app.token)?;
        out.flush()?;
        if !local.ip().is_loopback() {
            eprintln!(
                "warning: listening on {local}, reachable from other machines; anyone with the token can use the workbench"
            );
        }
        printer.say(format!(
            "writing into {} (stop with Ctrl-C)",
            app.session.root.display()
        ));
        axum::serve(listener, routes::router(app))
            .await
            .context("the web server stopped")
    })
}
