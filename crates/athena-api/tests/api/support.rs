//! Shared test helpers: fixtures, a client with a recording sleeper, and a raw TCP
//! server for what mockito cannot do (resets, stalls, dripping bytes).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use athena_api::{ApiKey, AthenaClient, ClientConfig, Sleeper};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The key every test client uses; the log test checks it never leaks.
pub const KEY: &str = "eak_test_Zq8s1T0pSecretKeyValue93XY";
pub const WORKSPACE: &str = "workspace:test";

/// A fixture from the repository's `tests/fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Records every wait instead of sleeping; `now` is fixed.
#[derive(Debug, Clone)]
pub struct RecordingSleeper {
    pub slept: Arc<Mutex<Vec<Duration>>>,
    pub now: SystemTime,
}

impl RecordingSleeper {
    pub fn new() -> Self {
        Self {
            slept: Arc::default(),
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000),
        }
    }
    pub fn waits(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.slept.lock().unwrap().push(duration);
        Box::pin(async {})
    }
    fn now(&self) -> SystemTime {
        self.now
    }
}

/// A config for `base_url` with the test key and a recording sleeper.
pub fn config(base_url: &str) -> (ClientConfig, RecordingSleeper) {
    let sleeper = RecordingSleeper::new();
    let mut config = ClientConfig::new(base_url, ApiKey::new(KEY), WORKSPACE);
    config.sleeper = Arc::new(sleeper.clone());
    (config, sleeper)
}

pub fn client(base_url: &str) -> (AthenaClient, RecordingSleeper) {
    let (config, sleeper) = config(base_url);
    (AthenaClient::new(config).expect("client"), sleeper)
}

/// An HTTP response with a body and extra headers.
pub fn response(status: &str, content_type: &str, extra: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// The head of an SSE response without a length (the body runs until close).
pub fn sse_head() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\nx-credits-remaining: 99\r\n\r\n".to_vec()
}

/// What the raw server does with one connection, after reading the request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Write these bytes and close.
    Respond(Vec<u8>),
    /// Close with a TCP reset, writing nothing.
    Reset,
    /// Close normally (FIN), writing nothing: the request was read, no answer came.
    Close,
    /// Write these bytes, then reset.
    WriteThenReset(Vec<u8>),
    /// Write these bytes, then stay silent until the client closes.
    WriteThenStall(Vec<u8>),
    /// Write these bytes one at a time with a pause between them, then close.
    Drip(Vec<u8>, Duration),
}

/// A request as the raw server read it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub head: String,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// A one-script TCP server: connection N gets action N (the last repeats).
pub struct RawServer {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    /// Set when a stalled connection saw the client close.
    pub closed: Arc<tokio::sync::Notify>,
}

impl RawServer {
    pub async fn start(actions: Vec<Action>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let closed = Arc::new(tokio::sync::Notify::new());
        let (reqs, done) = (requests.clone(), closed.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while let Ok((socket, _)) = listener.accept().await {
                let action = actions[n.min(actions.len() - 1)].clone();
                n += 1;
                let (reqs, done) = (reqs.clone(), done.clone());
                tokio::spawn(async move { serve(socket, action, reqs, done).await });
            }
        });
        Self {
            url,
            requests,
            closed,
        }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    action: Action,
    requests: Arc<Mutex<Vec<Recorded>>>,
    closed: Arc<tokio::sync::Notify>,
) {
    let Some(recorded) = read_request(&mut socket).await else {
        return;
    };
    requests.lock().unwrap().push(recorded);
    match action {
        Action::Respond(bytes) => {
            let _ = socket.write_all(&bytes).await;
            let _ = socket.shutdown().await;
        }
        Action::Reset => reset(socket),
        Action::Close => {
            let _ = socket.shutdown().await;
        }
        Action::WriteThenReset(bytes) => {
            let _ = socket.write_all(&bytes).await;
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            reset(socket);
        }
        Action::WriteThenStall(bytes) => {
            let _ = socket.write_all(&bytes).await;
            let mut buf = [0u8; 1024];
            // Returns 0 (or an error) once the client has closed its end.
            while let Ok(n) = socket.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
            closed.notify_one();
        }
        Action::Drip(bytes, pause) => {
            for byte in bytes {
                if socket.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(pause).await;
            }
            let _ = socket.shutdown().await;
        }
    }
}

#[allow(deprecated)]
fn reset(socket: TcpStream) {
    // SO_LINGER 0: close sends RST instead of FIN.
    let _ = socket.set_linger(Some(Duration::ZERO));
    drop(socket);
}

/// Reads one request head and its body (content-length or chunked).
pub async fn read_request(socket: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut rest = buf[head_end..].to_vec();
    let recorded = Recorded {
        head,
        body: Vec::new(),
    };
    if let Some(len) = recorded
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        while rest.len() < len {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            rest.extend_from_slice(&chunk[..n]);
        }
    }
    Some(Recorded {
        body: rest,
        ..recorded
    })
}
