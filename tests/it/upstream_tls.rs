//! The upstream behind TLS signed by a private CA, as behind a corporate
//! proxy that inspects TLS: secpip trusts the CA that `SSL_CERT_FILE`
//! names (as pip and curl do), and when it does not trust the server it
//! says why and what to do, and fails closed.

use crate::common::upstream::{FixturePackage, Upstream};
use crate::common::{Ran, TestContext};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio_rustls::rustls;

/// A TLS front on `127.0.0.1:0` that forwards every connection, decrypted,
/// to a plain-HTTP fixture: the same bytes, now behind a certificate chain
/// of a CA made for this test. Dropping it stops it.
struct TlsFront {
    addr: SocketAddr,
    /// The CA's certificate, PEM.
    ca_pem: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TlsFront {
    fn start(backend_port: u16) -> TlsFront {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "secpip test inspection CA");
        let ca = ca_params.self_signed(&ca_key).expect("self-sign the CA");
        let leaf_key = rcgen::KeyPair::generate().expect("server key");
        let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
            .expect("server params")
            .signed_by(&leaf_key, &ca, &ca_key)
            .expect("sign the server certificate");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .expect("server certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the TLS front");
        let addr = listener.local_addr().expect("TLS front address");
        listener
            .set_nonblocking(true)
            .expect("non-blocking TLS front");
        let (shutdown_tx, mut shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for the TLS front");
            runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("register the TLS front");
                let _ = ready_tx.send(());
                loop {
                    let accepted = tokio::select! {
                        accepted = listener.accept() => accepted,
                        _ = &mut shutdown_rx => break,
                    };
                    let Ok((stream, _)) = accepted else { continue };
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        // A client that refuses the certificate ends the
                        // handshake: nothing to forward.
                        let Ok(mut tls) = acceptor.accept(stream).await else {
                            return;
                        };
                        let Ok(mut plain) =
                            tokio::net::TcpStream::connect(("127.0.0.1", backend_port)).await
                        else {
                            return;
                        };
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    });
                }
            });
            runtime.shutdown_background();
        });
        ready_rx.recv().expect("the TLS front died before serving");
        TlsFront {
            addr,
            ca_pem: ca.pem(),
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    /// The fixture's JSON API through the front.
    fn json_url(&self) -> String {
        format!("https://{}/pypi", self.addr)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn metadata_gets(upstream: &Upstream) -> usize {
    upstream
        .requests()
        .iter()
        .filter(|r| r.path == "/pypi/alpha-widget/json")
        .count()
}

#[test]
fn an_upstream_behind_a_private_ca_is_trusted_through_ssl_cert_file() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let front = TlsFront::start(upstream.port());
    let ctx = TestContext::new(&upstream);
    let cfg = std::fs::read_to_string(&ctx.config_path)
        .expect("read secpip.toml")
        .replace(&upstream.json_url(), &front.json_url());
    std::fs::write(&ctx.config_path, cfg).expect("write secpip.toml");
    let ca_file: PathBuf = ctx.root().join("inspection-ca.pem");
    std::fs::write(&ca_file, &front.ca_pem).expect("write the CA");

    // Not trusted (the system store does not know this CA): the verdict
    // fails closed and names the certificate and the next step.
    let untrusted: Ran = crate::common::run(&mut ctx.secpip(&["check", "alpha-widget"]));
    untrusted.assert_code(3);
    let text = format!("{}{}", untrusted.stdout, untrusted.stderr);
    assert!(
        text.contains("certificate") && text.contains("SSL_CERT_FILE"),
        "{}",
        untrusted.describe()
    );
    assert_eq!(metadata_gets(&upstream), 0, "no request got through");

    // Trusted through SSL_CERT_FILE: the metadata arrives over TLS.
    let trusted = crate::common::run(
        ctx.secpip(&["check", "alpha-widget", "--json"])
            .env("SSL_CERT_FILE", &ca_file),
    );
    trusted.assert_code(0);
    let verdict: serde_json::Value = serde_json::from_str(&trusted.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}", trusted.describe()));
    assert_eq!(verdict["risk_level"], "Green", "{verdict:#}");
    assert_eq!(metadata_gets(&upstream), 1);
}
