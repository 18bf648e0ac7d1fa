//! An axum router served on `127.0.0.1`, on a thread of its own.
//!
//! The loopback upstreams ([`super::upstream`], [`super::npm_upstream`]) run
//! their server on its own thread with its own single-threaded tokio runtime,
//! so tests stay plain `#[test]` functions and a fixture can also be driven
//! from an example binary (`examples/upstream_fixture.rs`). A fixture needs
//! its address before it can build its router (its documents hold absolute
//! URLs), hence two steps: [`Loopback::bind`], then [`Loopback::serve`].
#![allow(dead_code)]

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use axum::Router;

/// A bound `127.0.0.1:0` that does not serve yet.
pub struct Loopback {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    /// What the server is called in thread names and messages, e.g.
    /// `npm upstream fixture`.
    label: &'static str,
}

impl Loopback {
    /// Binds `127.0.0.1:0` for the server called `label`.
    pub fn bind(label: &'static str) -> Loopback {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("bind the {label} on 127.0.0.1:0: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("local address of the {label}: {e}"));
        listener
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("make the {label} listener non-blocking: {e}"));
        Loopback {
            listener,
            addr,
            label,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `app` on a background thread. Returns once the port accepts
    /// connections.
    pub fn serve(self, app: Router) -> LoopbackServer {
        let Loopback {
            listener,
            addr,
            label,
        } = self;
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("{}-{}", label.replace(' ', "-"), addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap_or_else(|e| panic!("tokio runtime for the {label}: {e}"));
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .unwrap_or_else(|e| panic!("register the {label} listener: {e}"));
                    let _ = ready_tx.send(());
                    tokio::select! {
                        served = axum::serve(listener, app).into_future() => {
                            if let Err(err) = served {
                                eprintln!("{label} on {addr} stopped: {err}");
                            }
                        }
                        _ = shutdown_rx => {}
                    }
                });
                // Requests still sleeping in a delay are dropped, not awaited.
                runtime.shutdown_background();
            })
            .unwrap_or_else(|e| panic!("spawn the {label} thread: {e}"));
        ready_rx
            .recv()
            .unwrap_or_else(|_| panic!("the {label} thread died before it could serve"));
        LoopbackServer {
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }
}

/// A running server. Dropping it stops the server.
pub struct LoopbackServer {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
