//! Custom CA certificates: a company's TLS inspection proxy re-signs every HTTPS
//! answer with its own CA, which a profile can add to the trust store of its client
//! ([`crate::ClientConfig::extra_root_certificates`]).
//!
//! A file is checked when it is chosen, so the user learns at once that it is not a
//! certificate, rather than from a failed connection later: PEM (one or more
//! `CERTIFICATE` blocks, other blocks ignored) or DER; each certificate must parse as
//! a trust anchor the way rustls' root store parses it. An added CA never replaces the
//! OS trust store: the client trusts both.
//!
//! The summary (subject, expiry, whether it is a CA) comes from a minimal DER reader
//! of the certificate's `TBSCertificate`; rustls has already accepted the certificate,
//! so a field the reader cannot find is only left out of the summary.

use std::io::Read;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject, SectionKind};

/// The largest certificate file accepted: CA bundles are a few hundred KiB at most.
pub const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// One or more CA certificates to trust in addition to the OS trust store. Cheap to
/// clone.
#[derive(Clone, PartialEq, Eq)]
pub struct CaCertificate {
    ders: Vec<CertificateDer<'static>>,
    summaries: Vec<CaSummary>,
}

impl std::fmt::Debug for CaCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaCertificate")
            .field("certificates", &self.summaries)
            .finish()
    }
}

/// What settings show about one certificate of a [`CaCertificate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaSummary {
    /// The subject's common name, or its first attribute when it has none (empty when
    /// the subject is empty).
    pub subject: String,
    /// The end of its validity, in seconds since the Unix epoch, when it could be read.
    pub not_after: Option<i64>,
    /// Whether it says it is a CA (basic constraints `cA`; a version 1 certificate,
    /// which cannot say, counts as one). A server's own certificate chosen by mistake
    /// is not: most platforms will not accept it as a root for itself.
    pub is_ca: bool,
}

/// Why a file was not accepted as a CA certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaCertificateProblem {
    /// The file could not be read.
    #[error("the file could not be read: {reason}")]
    Unreadable {
        /// The OS error.
        reason: String,
    },
    /// The file is empty (or only whitespace).
    #[error("the file is empty")]
    Empty,
    /// The file is larger than [`MAX_CA_FILE_BYTES`].
    #[error("the file has {actual} bytes, more than the {limit} allowed")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
        /// The file's size, in bytes.
        actual: u64,
    },
    /// Neither PEM certificates nor a DER certificate, or one that does not parse.
    #[error("not a certificate: {reason}")]
    NotACertificate {
        /// What was wrong, technically (for the details of an error message).
        reason: String,
    },
    /// Every certificate in the file has expired.
    #[error("the certificate expired")]
    Expired {
        /// The first certificate's subject.
        subject: String,
        /// When it expired, in seconds since the Unix epoch.
        not_after: i64,
    },
}

impl CaCertificate {
    /// Reads and checks a certificate file (blocking file I/O: at most
    /// [`MAX_CA_FILE_BYTES`]).
    ///
    /// # Errors
    /// [`CaCertificateProblem::Unreadable`], [`CaCertificateProblem::TooLarge`], or any
    /// problem of [`CaCertificate::from_bytes`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, CaCertificateProblem> {
        let unreadable = |e: std::io::Error| CaCertificateProblem::Unreadable {
            reason: e.to_string(),
        };
        let file = std::fs::File::open(path.as_ref()).map_err(unreadable)?;
        let mut bytes = Vec::new();
        // One byte past the limit tells a file that is too large without reading it all.
        file.take(MAX_CA_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_CA_FILE_BYTES {
            let actual = std::fs::metadata(path.as_ref()).map_or(bytes.len() as u64, |m| m.len());
            return Err(CaCertificateProblem::TooLarge {
                limit: MAX_CA_FILE_BYTES,
                actual,
            });
        }
        Self::from_bytes(&bytes)
    }

    /// Checks certificate bytes: PEM with one or more `CERTIFICATE` blocks, or one DER
    /// certificate.
    ///
    /// # Errors
    /// [`CaCertificateProblem::Empty`], [`CaCertificateProblem::TooLarge`],
    /// [`CaCertificateProblem::NotACertificate`] (no certificate, bad PEM, or a
    /// certificate rustls cannot use as a trust anchor), or
    /// [`CaCertificateProblem::Expired`] when every certificate has expired (an expired
    /// one beside valid ones, as old bundles have, is kept: it can do no harm).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CaCertificateProblem> {
        Self::parse(bytes, now_unix())
    }

    fn parse(bytes: &[u8], now: i64) -> Result<Self, CaCertificateProblem> {
        if bytes.len() as u64 > MAX_CA_FILE_BYTES {
            return Err(CaCertificateProblem::TooLarge {
                limit: MAX_CA_FILE_BYTES,
                actual: bytes.len() as u64,
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(CaCertificateProblem::Empty);
        }
        // DER: exactly one SEQUENCE; anything else is read as PEM.
        let ders = if matches!(element(bytes), Some((SEQUENCE, _, rest)) if rest.is_empty()) {
            vec![CertificateDer::from(bytes.to_vec())]
        } else {
            pem_certificates(bytes)?
        };
        let mut summaries = Vec::with_capacity(ders.len());
        for (i, der) in ders.iter().enumerate() {
            rustls::RootCertStore::empty()
                .add(der.clone())
                .map_err(|e| CaCertificateProblem::NotACertificate {
                    reason: if ders.len() > 1 {
                        format!("certificate {}: {e}", i + 1)
                    } else {
                        e.to_string()
                    },
                })?;
            summaries.push(summarize(der));
        }
        if summaries
            .iter()
            .all(|s| s.not_after.is_some_and(|end| end < now))
            && let Some(first) = summaries.first()
        {
            return Err(CaCertificateProblem::Expired {
                subject: first.subject.clone(),
                not_after: first.not_after.unwrap_or_default(),
            });
        }
        Ok(Self { ders, summaries })
    }

    /// What each certificate is, in file order (at least one).
    pub fn certificates(&self) -> &[CaSummary] {
        &self.summaries
    }

    /// The certificates, DER-encoded, in file order.
    pub fn der_certificates(&self) -> impl Iterator<Item = &[u8]> {
        self.ders.iter().map(|d| d.as_ref())
    }
}

/// The `CERTIFICATE` blocks of a PEM file; other blocks (keys, parameters) are skipped.
fn pem_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, CaCertificateProblem> {
    let mut ders = Vec::new();
    let mut others = 0;
    for item in <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes) {
        match item {
            Ok((SectionKind::Certificate, der)) => ders.push(CertificateDer::from(der)),
            Ok(_) => others += 1,
            Err(e) => {
                return Err(CaCertificateProblem::NotACertificate {
                    reason: pem_reason(&e),
                });
            }
        }
    }
    if ders.is_empty() {
        return Err(CaCertificateProblem::NotACertificate {
            reason: if others > 0 {
                "PEM without a CERTIFICATE block".into()
            } else {
                "neither PEM nor DER".into()
            },
        });
    }
    Ok(ders)
}

/// A PEM error without the raw line bytes it may carry.
fn pem_reason(err: &pem::Error) -> String {
    match err {
        pem::Error::MissingSectionEnd { .. } => "PEM block without its END line".into(),
        pem::Error::IllegalSectionStart { .. } => "malformed PEM BEGIN line".into(),
        pem::Error::Base64Decode(_) => "PEM block that is not valid base64".into(),
        other => format!("PEM: {other}"),
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn summarize(der: &CertificateDer<'_>) -> CaSummary {
    tbs_fields(der.as_ref()).unwrap_or(CaSummary {
        subject: String::new(),
        not_after: None,
        is_ca: false,
    })
}

/// One DER element: its tag, its content, and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[count..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const OCTET_STRING: u8 = 0x04;
/// `id-at-commonName` (2.5.4.3).
const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// `id-ce-basicConstraints` (2.5.29.19).
const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];

/// Subject, `notAfter` and basic constraints from a certificate's `TBSCertificate`.
fn tbs_fields(der: &[u8]) -> Option<CaSummary> {
    let (SEQUENCE, cert, _) = element(der)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = element(cert)? else {
        return None;
    };
    let (tag, _, mut rest) = element(tbs)?;
    let v1 = tag != 0xa0; // [0] EXPLICIT version; absent in version 1
    if !v1 {
        (_, _, rest) = element(rest)?; // serialNumber
    }
    (_, _, rest) = element(rest)?; // signature
    (_, _, rest) = element(rest)?; // issuer
    let (_, validity, rest) = element(rest)?;
    let (_, subject, mut rest) = element(rest)?;
    let not_after = element(validity)
        .and_then(|(_, _, after)| element(after))
        .and_then(|(tag, time, _)| parse_time(tag, time));
    let mut is_ca = v1;
    (_, _, rest) = element(rest)?; // subjectPublicKeyInfo
    while let Some((tag, content, next)) = element(rest) {
        if tag == 0xa3 {
            is_ca = extensions_say_ca(content).unwrap_or(false);
        }
        rest = next;
    }
    Some(CaSummary {
        subject: subject_name(subject).unwrap_or_default(),
        not_after,
        is_ca,
    })
}

/// Whether `[3] Extensions` holds basic constraints with `cA` true.
fn extensions_say_ca(explicit: &[u8]) -> Option<bool> {
    let (SEQUENCE, mut list, _) = element(explicit)? else {
        return None;
    };
    while let Some((_, extension, next)) = element(list) {
        list = next;
        let (OID, oid, mut rest) = element(extension)? else {
            continue;
        };
        if oid != BASIC_CONSTRAINTS {
            continue;
        }
        let (mut tag, mut value, after) = element(rest)?;
        if tag == BOOLEAN {
            // `critical`
            rest = after;
            (tag, value, _) = element(rest)?;
        }
        if tag != OCTET_STRING {
            return None;
        }
        let (SEQUENCE, constraints, _) = element(value)? else {
            return None;
        };
        return Some(matches!(element(constraints), Some((BOOLEAN, [b], _)) if *b != 0));
    }
    Some(false)
}

/// The common name of a `Name`, or its first attribute's value.
fn subject_name(name: &[u8]) -> Option<String> {
    let mut first = None;
    let mut sets = name;
    while let Some((SET, set, next)) = element(sets) {
        sets = next;
        let mut attributes = set;
        while let Some((SEQUENCE, attribute, next)) = element(attributes) {
            attributes = next;
            let Some((OID, oid, rest)) = element(attribute) else {
                continue;
            };
            let Some((tag, value, _)) = element(rest) else {
                continue;
            };
            let text = directory_string(tag, value);
            if oid == COMMON_NAME {
                return Some(text);
            }
            first.get_or_insert(text);
        }
    }
    first
}

/// A `DirectoryString` (or IA5String) as text.
fn directory_string(tag: u8, value: &[u8]) -> String {
    match tag {
        // BMPString: UTF-16, big-endian.
        0x1e => char::decode_utf16(
            value
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]])),
        )
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect(),
        _ => String::from_utf8_lossy(value).into_owned(),
    }
}

/// `UTCTime` (`YYMMDDHHMMSSZ`) or `GeneralizedTime` (`YYYYMMDDHHMMSSZ`) as Unix seconds.
fn parse_time(tag: u8, text: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    let digits = text.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 if digits.len() == 12 => {
            let yy: i64 = digits.get(..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        0x18 if digits.len() == 14 => (digits.get(..4)?.parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let field = |at: usize| -> Option<i64> { rest.get(at..at + 2)?.parse().ok() };
    let (month, day) = (field(0)?, field(2)?);
    let (hour, minute, second) = (field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_unix_seconds() {
        assert_eq!(parse_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(parse_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(parse_time(0x18, b"20380119031408Z"), Some(2_147_483_648));
        assert_eq!(parse_time(0x18, b"2038011903140Z"), None);
        assert_eq!(parse_time(0x17, b"701301000000Z"), None);
    }

    #[test]
    fn empty_and_garbage_are_refused_before_any_parsing() {
        assert_eq!(
            CaCertificate::from_bytes(b" \n\t"),
            Err(CaCertificateProblem::Empty)
        );
        assert!(matches!(
            CaCertificate::from_bytes(b"hello"),
            Err(CaCertificateProblem::NotACertificate { .. })
        ));
        assert!(matches!(
            CaCertificate::from_bytes(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(CaCertificateProblem::NotACertificate { .. })
        ));
        let big = vec![b'a'; MAX_CA_FILE_BYTES as usize + 1];
        assert!(matches!(
            CaCertificate::from_bytes(&big),
            Err(CaCertificateProblem::TooLarge { .. })
        ));
    }
}
