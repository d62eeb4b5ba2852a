//! `POST /attachments/upload` (multipart, part `file`) and `GET /media/{name}`.
//!
//! The upload is read chunk by chunk: the first bytes decide the content type, the
//! rest is only counted, so memory stays flat whatever the size. Past 50 MiB the rest
//! of the body is drained (up to a cap) so the client can read the 413.

use std::sync::Arc;

use axum::Json;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use crate::attachments::{MAX_UPLOAD_BYTES, SNIFF_BYTES, Upload, decide_type};
use crate::error::ApiError;
use crate::media;
use crate::state::{AppState, lock};

/// Bytes drained after the limit before giving up on the body.
const DRAIN_CAP: u64 = 2 * MAX_UPLOAD_BYTES;

fn multipart_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!(
        "body: must be multipart/form-data with a part \"file\" ({e})"
    ))
}

/// Stores the part `file`'s metadata and answers `201 {"data":{storage_key, filename,
/// content_type, size_bytes}}`.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(multipart_error)?;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let upload = read_file(field).await?;
        let body = json!({"data": upload});
        lock(&state.uploads).insert(upload);
        return Ok((StatusCode::CREATED, Json(body)).into_response());
    }
    Err(ApiError::bad_request(
        "file: the multipart part \"file\" is required",
    ))
}

/// Reads one part: sniffs its head, counts the rest, enforces 50 MiB.
async fn read_file(mut field: Field<'_>) -> Result<Upload, ApiError> {
    let filename = field
        .file_name()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("upload")
        .to_owned();
    let declared = field.content_type().map(str::to_owned);
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size += chunk.len() as u64;
        if head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if size > MAX_UPLOAD_BYTES {
            while size < DRAIN_CAP {
                match field.chunk().await {
                    Ok(Some(c)) => size += c.len() as u64,
                    _ => break,
                }
            }
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("file: must be at most 50 MiB ({MAX_UPLOAD_BYTES} bytes)"),
            ));
        }
    }
    let content_type = decide_type(declared.as_deref(), &filename, &head)?;
    Ok(Upload {
        storage_key: format!("upload:{}", Uuid::new_v4()),
        filename,
        content_type: content_type.to_owned(),
        size_bytes: size,
    })
}

/// Serves a generated medium, honouring `Range`.
pub async fn media(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match state.media.get(&name) {
        Some((bytes, content_type)) => media::serve(bytes, content_type, &headers),
        None => ApiError::unknown_id("media", &name).into_response(),
    }
}
