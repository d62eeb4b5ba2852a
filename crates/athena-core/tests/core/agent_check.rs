//! Checking an agent id when the user adds it: every outcome, against the emulator, a
//! real TLS server with a throwaway CA, and raw loopback servers for what the emulator
//! does not do (redirects, silence, odd answers).

use std::sync::Arc;
use std::time::Duration;

use athena_api::{ApiKey, AthenaClient, CaCertificate, ClientConfig, RetryPolicy, TlsFailure};
use athena_core::{AgentCheck, CostPreview, CostRule, check_agent, check_agent_within};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A client for `base_url` with `key` and `workspace`, retrying nothing (a check of a
/// closed port would otherwise wait out the backoff).
pub fn client(base_url: &str, key: &str, workspace: &str, cas: Vec<CaCertificate>) -> AthenaClient {
    let mut config = ClientConfig::new(base_url, ApiKey::new(key), workspace);
    config.retry = RetryPolicy::none();
    config.extra_root_certificates = cas;
    AthenaClient::new(config).expect("client")
}

pub async fn emulator() -> EmulatorHandle {
    Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts")
}

pub fn emulator_client(server: &EmulatorHandle) -> AthenaClient {
    client(
        &server.base_url(),
        server.api_key(),
        server.workspace_id(),
        Vec::new(),
    )
}

/// A loopback server that reads each request and answers `response` (or, for `None`,
/// keeps the connection open without a word).
async fn raw_server(response: Option<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                read_request(&mut tcp).await;
                match response {
                    Some(bytes) => {
                        let _ = tcp.write_all(&bytes).await;
                        let _ = tcp.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(3600)).await,
                }
            });
        }
    });
    format!("http://{addr}")
}

fn http(status: &str, extra: &str, body: &str) -> Option<Vec<u8>> {
    Some(
        format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// Reads a request's head and its `content-length` body.
async fn read_request(stream: &mut (impl AsyncRead + Unpin)) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk).await {
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

/// A throwaway CA (PEM) and a TLS server on 127.0.0.1 with a leaf it signed for
/// `localhost` and `127.0.0.1`, answering every request with a credits preview.
pub async fn tls_server() -> (String, String) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Corp Proxy Test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    // The provider named, not the process default: the app's dependencies enable
    // both of rustls' providers (the updater plugin brings `ring`), and then rustls
    // cannot pick one on its own.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    read_request(&mut tls).await;
                    let body = r#"{"data":{"credits":4,"base_cost":4,"rules":[]}}"#;
                    answer(&mut tls, body).await;
                }
            });
        }
    });
    (format!("https://{addr}"), ca.pem())
}

async fn answer(stream: &mut (impl AsyncWrite + Unpin), body: &str) {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[tokio::test]
async fn a_known_agent_is_ok_with_its_price_and_the_answer_headers() {
    let server = emulator().await;
    let client = emulator_client(&server);
    let check = check_agent(&client, "agent:wizard").await;
    assert_eq!(
        check,
        AgentCheck::Ok {
            preview: CostPreview {
                credits: 5.0,
                base_cost: 2.0,
                rules: vec![CostRule {
                    name: "per_section".into(),
                    description: Some(
                        "1 credit per outline section (`sections`, 1-10, default 3)".into()
                    ),
                    credits: 3.0,
                }],
            }
        }
    );
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(json["outcome"], "ok");
    assert_eq!(json["preview"]["baseCost"], 2.0);

    let (_, meta) = check_agent_within(&client, "agent:wizard", Duration::from_secs(10)).await;
    let meta = meta.expect("the answer's headers");
    assert!(meta.credits_remaining.is_some());
    assert!(meta.app_version.is_some());
}

#[tokio::test]
async fn the_server_s_refusals_are_told_apart() {
    let server = emulator().await;
    let url = server.base_url();
    let good = emulator_client(&server);
    assert_eq!(
        check_agent(&good, "agent:no-such-agent").await,
        AgentCheck::UnknownAgent
    );
    assert_eq!(check_agent(&good, "..").await, AgentCheck::UnknownAgent);

    let wrong_key = client(
        &url,
        "eak_wrong_key_0123456789",
        server.workspace_id(),
        Vec::new(),
    );
    let check = check_agent(&wrong_key, "agent:wizard").await;
    assert_eq!(check, AgentCheck::BadKey);
    assert_eq!(
        serde_json::to_value(&check).unwrap(),
        serde_json::json!({"outcome": "badKey"})
    );

    let wrong_workspace = client(&url, server.api_key(), "workspace:elsewhere", Vec::new());
    let (check, meta) =
        check_agent_within(&wrong_workspace, "agent:wizard", Duration::from_secs(10)).await;
    assert_eq!(check, AgentCheck::WrongWorkspace);
    assert!(meta.is_some(), "an error answer's headers come back too");
}

#[tokio::test]
async fn connection_failures_are_unreachable_redirect_timeout_or_tls() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let c = client(
        &format!("http://{closed}"),
        "eak_k_0000",
        "workspace:w",
        Vec::new(),
    );
    assert_eq!(check_agent(&c, "agent:x").await, AgentCheck::Unreachable);

    // The location the server names is kept, a key in it is not.
    let url = raw_server(http(
        "302 Found",
        "location: https://login.example.com/sso?next=/agents&api_key=eak_live_leakedkey42\r\n",
        "",
    ))
    .await;
    let c = client(&url, "eak_k_0000", "workspace:w", Vec::new());
    let check = check_agent(&c, "agent:x").await;
    let AgentCheck::Redirect {
        status: 302,
        location: Some(location),
    } = &check
    else {
        panic!("{check:?}");
    };
    assert!(
        location.starts_with("https://login.example.com/sso?next=/agents&api_key="),
        "{location}"
    );
    assert!(!location.contains("leakedkey42"), "{location}");

    let silent = raw_server(None).await;
    let c = client(&silent, "eak_k_0000", "workspace:w", Vec::new());
    let (check, meta) = check_agent_within(&c, "agent:x", Duration::from_millis(300)).await;
    assert_eq!((check, meta), (AgentCheck::Timeout, None));

    let (tls_url, ca_pem) = tls_server().await;
    let untrusted = client(&tls_url, "eak_k_0000", "workspace:w", Vec::new());
    let check = check_agent(&untrusted, "agent:x").await;
    assert!(
        matches!(
            &check,
            AgentCheck::Tls {
                kind: TlsFailure::UnknownIssuer,
                ..
            }
        ),
        "{check:?}"
    );
    assert_eq!(
        serde_json::to_value(&check).unwrap()["kind"],
        serde_json::json!("unknownIssuer")
    );
    let ca = CaCertificate::from_bytes(ca_pem.as_bytes()).expect("the CA");
    let trusted = client(&tls_url, "eak_k_0000", "workspace:w", vec![ca]);
    assert!(
        matches!(
            check_agent(&trusted, "agent:x").await,
            AgentCheck::Ok { preview } if preview.credits == 4.0
        ),
        "trusting the CA fixes it"
    );
}

#[tokio::test]
async fn other_refusals_and_odd_answers_keep_the_server_s_words_without_secrets() {
    let url = raw_server(http(
        "422 Unprocessable Entity",
        "content-type: application/json\r\n",
        r#"{"error":{"code":"agent_disabled","message":"agent disabled for key eak_live_leakedkey42"}}"#,
    ))
    .await;
    let c = client(&url, "eak_k_0000", "workspace:w", Vec::new());
    let check = check_agent(&c, "agent:x").await;
    let AgentCheck::Refused {
        status: 422,
        server_code: Some(code),
        server_message: Some(message),
    } = &check
    else {
        panic!("{check:?}");
    };
    assert_eq!(code, "agent_disabled");
    assert!(message.starts_with("agent disabled for key "), "{message}");
    assert!(!message.contains("leakedkey42"), "{message}");
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(json["outcome"], "refused");
    assert_eq!(json["serverCode"], "agent_disabled");

    let page = raw_server(http(
        "200 OK",
        "content-type: text/html\r\n",
        "<html><body>Sign in to the proxy</body></html>",
    ))
    .await;
    let c = client(&page, "eak_k_0000", "workspace:w", Vec::new());
    assert!(
        matches!(
            check_agent(&c, "agent:x").await,
            AgentCheck::Unexpected { .. }
        ),
        "a page is no preview"
    );

    let no_total = raw_server(http(
        "200 OK",
        "content-type: application/json\r\n",
        r#"{"data":{"rules":[]}}"#,
    ))
    .await;
    let c = client(&no_total, "eak_k_0000", "workspace:w", Vec::new());
    assert!(matches!(
        check_agent(&c, "agent:x").await,
        AgentCheck::Unexpected { .. }
    ));
}
