//! Telling a TLS failure from an unreachable server.
//!
//! Behind a company's TLS inspection proxy every HTTPS connection fails certificate
//! verification until the proxy's CA is trusted; the user can fix that (add the CA to
//! the profile), which "could not reach the server" would not suggest. reqwest reports
//! both as connection errors, so the rustls error is looked for in the error's chain.
//!
//! tokio-rustls hands rustls' error up inside an `io::Error` (which reqwest wraps in
//! another), and `io::Error::source()` skips the wrapped error itself: each `io::Error`
//! of the chain is opened with `get_ref()` instead.

use std::error::Error as StdError;

use rustls::CertificateError;
use serde::Serialize;

/// What kind of TLS failure it was, for the UI to pick its words and its advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TlsFailure {
    /// The server's certificate chain does not end at a trusted CA: typically a TLS
    /// inspection proxy whose CA is not in the OS store nor added to the profile.
    UnknownIssuer,
    /// The server's certificate (or one in its chain) has expired.
    Expired,
    /// The server's certificate is not valid yet (or this computer's clock is wrong).
    NotValidYet,
    /// The server's certificate is for another host name.
    WrongHost,
    /// The server's certificate was revoked.
    Revoked,
    /// Another certificate problem (bad signature, wrong purpose, unreadable, ...).
    BadCertificate,
    /// The TLS handshake itself failed: not a TLS server (e.g. `https://` to a plain
    /// HTTP port), no protocol version or cipher in common, an alert from the peer.
    Handshake,
}

/// The rustls error in `err`'s chain, classified, with its text (at most 300 bytes).
pub(crate) fn tls_failure(err: &(dyn StdError + 'static)) -> Option<(TlsFailure, String)> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(current) = next {
        if let Some(found) = current.downcast_ref::<rustls::Error>() {
            return Some((
                classify(found),
                crate::error::truncate(&found.to_string(), 300),
            ));
        }
        next = match current.downcast_ref::<std::io::Error>() {
            // The wrapped error itself (possibly another `io::Error`), not its source.
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
    }
    None
}

fn classify(err: &rustls::Error) -> TlsFailure {
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsFailure::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsFailure::NotValidYet
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::WrongHost
            }
            CertificateError::Revoked => TlsFailure::Revoked,
            _ => TlsFailure::BadCertificate,
        },
        rustls::Error::NoCertificatesPresented | rustls::Error::InvalidCertRevocationList(_) => {
            TlsFailure::BadCertificate
        }
        _ => TlsFailure::Handshake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rustls_inside_an_io_error_anywhere_in_the_chain() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("client error (Connect)")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let io = std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        ));
        let (kind, reason) = tls_failure(&Outer(io)).expect("found");
        assert_eq!(kind, TlsFailure::UnknownIssuer);
        assert!(reason.contains("UnknownIssuer"), "{reason}");

        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(tls_failure(&Outer(plain)).is_none());
    }
}
