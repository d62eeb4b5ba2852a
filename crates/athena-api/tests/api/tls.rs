//! Custom CA certificates and TLS failures, against a real TLS server over loopback
//! whose throwaway CA (made by rcgen) is in no trust store: without the CA the call is
//! `ApiError::Tls`, not "unreachable", and is not retried; with it the call succeeds.
//! Loopback bypasses any proxy, so the connection is direct.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use athena_api::{
    ApiError, AthenaClient, CaCertificate, CaCertificateProblem, MAX_CA_FILE_BYTES,
    PreviewCreditsRequest, TlsFailure,
};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::support::config;

/// A throwaway CA and the PEM of its certificate.
pub struct TestCa {
    pub issuer: CertifiedIssuer<'static, KeyPair>,
    pub pem: String,
}

/// A CA named `name`, valid until `not_after` (year) when given.
pub fn test_ca(name: &str, not_after_year: Option<i32>) -> TestCa {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Athena Tests");
    params.distinguished_name.push(DnType::CommonName, name);
    if let Some(year) = not_after_year {
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        params.not_after = rcgen::date_time_ymd(year, 1, 1);
    }
    let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let pem = issuer.pem();
    TestCa { issuer, pem }
}

/// A TLS server on 127.0.0.1 whose certificate, signed by `ca`, names `hosts`; it
/// answers every request with a credits preview and counts the connections it accepts.
pub struct TlsServer {
    pub url: String,
    pub connections: Arc<AtomicUsize>,
}

pub async fn tls_server(ca: &TestCa, hosts: &[&str]) -> TlsServer {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.distinguished_name.push(DnType::CommonName, hosts[0]);
    let leaf = params.signed_by(&key, &ca.issuer).unwrap();
    // The provider named, not the process default: the app's dependencies enable
    // both of rustls' providers (the updater plugin brings `ring`), and then rustls
    // cannot pick one on its own.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(server_config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                read_request(&mut tls).await;
                let body = r#"{"data":{"credits":7,"base_cost":2,"rules":[{"name":"per_section","description":"1 credit per section","credits":5}]}}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     x-credits-remaining: 41\r\nx-app-version: appversion:tls\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes()).await;
                let _ = tls.write_all(body.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    TlsServer {
        url: format!("https://{addr}"),
        connections,
    }
}

/// Reads a request's head and its `content-length` body.
async fn read_request(stream: &mut (impl AsyncReadExt + Unpin)) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return;
            }
        }
    }
}

fn client_for(url: &str, cas: Vec<CaCertificate>) -> AthenaClient {
    let (mut config, _) = config(url);
    config.extra_root_certificates = cas;
    AthenaClient::new(config).expect("client")
}

#[tokio::test]
async fn an_untrusted_ca_is_a_tls_failure_and_trusting_it_fixes_the_call() {
    let ca = test_ca("Athena Test Proxy CA", None);
    let server = tls_server(&ca, &["localhost", "127.0.0.1"]).await;

    let untrusted = client_for(&server.url, Vec::new());
    let err = untrusted
        .preview_credits("agent:wizard", &PreviewCreditsRequest::default())
        .await
        .expect_err("the CA is not trusted");
    assert!(
        matches!(
            &err,
            ApiError::Tls {
                kind: TlsFailure::UnknownIssuer,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "a TLS failure is not retried"
    );

    let trusted = CaCertificate::from_bytes(ca.pem.as_bytes()).expect("a CA");
    let client = client_for(&server.url, vec![trusted]);
    let answer = client
        .preview_credits("agent:wizard", &PreviewCreditsRequest::default())
        .await
        .expect("trusted now");
    assert_eq!(answer.data.credits, 7.0);
    assert_eq!(answer.data.rules.len(), 1);
    assert_eq!(answer.meta.credits_remaining, Some(41));
    assert_eq!(answer.meta.app_version.as_deref(), Some("appversion:tls"));

    // By host name too, and read from a file.
    let path = temp_file("ca.pem", ca.pem.as_bytes());
    let from_file = CaCertificate::from_file(&path).expect("the file");
    let by_name = client_for(
        &server.url.replace("127.0.0.1", "localhost"),
        vec![from_file],
    );
    by_name
        .preview_credits("agent:wizard", &PreviewCreditsRequest::default())
        .await
        .expect("by name");
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_certificate_for_another_host_and_a_plain_http_port_are_tls_failures() {
    let ca = test_ca("Athena Test CA", None);
    let server = tls_server(&ca, &["athena.example.test"]).await;
    let trusted = CaCertificate::from_bytes(ca.pem.as_bytes()).expect("a CA");
    let err = client_for(&server.url, vec![trusted])
        .preview_credits("agent:wizard", &PreviewCreditsRequest::default())
        .await
        .expect_err("wrong host");
    assert!(
        matches!(
            &err,
            ApiError::Tls {
                kind: TlsFailure::WrongHost,
                ..
            }
        ),
        "{err:?}"
    );

    // `https://` to a server that speaks plain HTTP.
    let plain = mockito::Server::new_async().await;
    let url = plain.url().replace("http://", "https://");
    let err = client_for(&url, Vec::new())
        .preview_credits("agent:wizard", &PreviewCreditsRequest::default())
        .await
        .expect_err("not TLS");
    assert!(
        matches!(
            &err,
            ApiError::Tls {
                kind: TlsFailure::Handshake,
                ..
            }
        ),
        "{err:?}"
    );

    // A closed port stays "unreachable".
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let (mut config, _) = config(&format!("https://{closed}"));
    config.retry = athena_api::RetryPolicy::none();
    let err = AthenaClient::new(config)
        .unwrap()
        .preview_credits("agent:wizard", &PreviewCreditsRequest::default())
        .await
        .expect_err("closed");
    assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("athena-api-tls-{}-{}", uuid::Uuid::new_v4(), name));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_ca_file_is_summarized_pem_der_and_bundles() {
    let ca = test_ca("Corp Proxy Root", Some(2090));
    let cert = CaCertificate::from_bytes(ca.pem.as_bytes()).expect("PEM");
    let [summary] = cert.certificates() else {
        panic!("one certificate: {cert:?}");
    };
    assert_eq!(summary.subject, "Corp Proxy Root");
    assert!(summary.is_ca);
    // 2090-01-01T00:00:00Z
    assert_eq!(summary.not_after, Some(3_786_912_000));

    let der = CaCertificate::from_bytes(ca.issuer.der()).expect("DER");
    assert_eq!(der.certificates(), cert.certificates());

    // A bundle with a key block in between; an expired CA beside a valid one is kept.
    let old = test_ca("Old Root", Some(2001));
    let bundle = format!(
        "{}\n-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n{}",
        ca.pem, old.pem
    );
    let both = CaCertificate::from_bytes(bundle.as_bytes()).expect("bundle");
    let subjects: Vec<_> = both.certificates().iter().map(|s| &s.subject).collect();
    assert_eq!(subjects, ["Corp Proxy Root", "Old Root"]);

    // A server's own certificate is accepted but says it is no CA.
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca.issuer)
        .unwrap();
    let leaf = CaCertificate::from_bytes(leaf.pem().as_bytes()).expect("a leaf parses");
    assert!(!leaf.certificates()[0].is_ca);
}

#[test]
fn files_that_are_no_usable_ca_are_refused_with_the_reason() {
    let empty = temp_file("empty.pem", b"");
    assert_eq!(
        CaCertificate::from_file(&empty),
        Err(CaCertificateProblem::Empty)
    );

    let text = temp_file(
        "notes.txt",
        b"This is my company's proxy, ask IT for the certificate.\n",
    );
    assert!(
        matches!(
            CaCertificate::from_file(&text),
            Err(CaCertificateProblem::NotACertificate { .. })
        ),
        "{:?}",
        CaCertificate::from_file(&text)
    );

    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let garbage = temp_file("garbage.bin", &garbage);
    assert!(matches!(
        CaCertificate::from_file(&garbage),
        Err(CaCertificateProblem::NotACertificate { .. })
    ));

    // DER-looking bytes that are no certificate.
    assert!(matches!(
        CaCertificate::from_bytes(&[0x30, 0x82, 0x01, 0x00, 0x02, 0x01]),
        Err(CaCertificateProblem::NotACertificate { .. })
    ));

    // A PEM block whose base64 is broken, and one without its END line.
    let broken = "-----BEGIN CERTIFICATE-----\n@@@not base64@@@\n-----END CERTIFICATE-----\n";
    let err = CaCertificate::from_bytes(broken.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, CaCertificateProblem::NotACertificate { reason } if reason.contains("base64")),
        "{err:?}"
    );
    let cut = "-----BEGIN CERTIFICATE-----\nMIIB\n";
    assert!(matches!(
        CaCertificate::from_bytes(cut.as_bytes()),
        Err(CaCertificateProblem::NotACertificate { .. })
    ));

    // Only a private key.
    let key = KeyPair::generate().unwrap().serialize_pem();
    let err = CaCertificate::from_bytes(key.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, CaCertificateProblem::NotACertificate { reason } if reason.contains("CERTIFICATE")),
        "{err:?}"
    );

    let expired = test_ca("Expired Root", Some(2001));
    let err = CaCertificate::from_bytes(expired.pem.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        CaCertificateProblem::Expired {
            subject: "Expired Root".into(),
            // 2001-01-01T00:00:00Z
            not_after: 978_307_200,
        }
    );

    let missing = std::env::temp_dir().join(format!("athena-no-such-{}.pem", uuid::Uuid::new_v4()));
    assert!(matches!(
        CaCertificate::from_file(&missing),
        Err(CaCertificateProblem::Unreadable { .. })
    ));

    let large = temp_file(
        "large.pem",
        &vec![b'A'; usize::try_from(MAX_CA_FILE_BYTES).unwrap() + 10],
    );
    assert_eq!(
        CaCertificate::from_file(&large),
        Err(CaCertificateProblem::TooLarge {
            limit: MAX_CA_FILE_BYTES,
            actual: MAX_CA_FILE_BYTES + 10,
        })
    );

    for path in [empty, text, garbage, large] {
        let _ = std::fs::remove_file(path);
    }
}
