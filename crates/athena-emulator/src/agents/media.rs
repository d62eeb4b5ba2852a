//! The media agent: submits an image and a video job, heartbeats while they
//! generate, then completes both with media the emulator serves itself.

use serde_json::json;
use uuid::Uuid;

use super::first_words;
use crate::media::{CLIP_PATH, IMAGE_HEIGHT, IMAGE_PATH, IMAGE_WIDTH};
use crate::script::{Script, Step, Turn};

/// Id of the media agent.
pub const MEDIA_ID: &str = "agent:media";

/// `media_gen_submitted` x2, heartbeats for the generation time, `media_gen_complete`
/// x2 (a PNG and a WebM under `/media/`), then a short text.
pub fn media_script(turn: &Turn<'_>) -> Script {
    let prompt = first_words(turn.message, 16);
    let id = || format!("job_{}", &Uuid::new_v4().simple().to_string()[..12]);
    let (image_job, video_job) = (id(), id());
    let mut s = Script::new();
    s.event(json!({"type": "media_gen_submitted", "job_id": image_job, "kind": "image", "prompt": prompt}));
    s.event(json!({"type": "media_gen_submitted", "job_id": video_job, "kind": "video", "prompt": prompt}));
    s.steps.push(Step::Heartbeats(turn.media_generation_time));
    let media = |path: &str, content_type: &str| {
        json!([{"url": format!("{}{path}", turn.base_url), "content_type": content_type,
                "width": IMAGE_WIDTH, "height": IMAGE_HEIGHT}])
    };
    s.event(json!({"type": "media_gen_complete", "job_id": image_job,
        "media": media(IMAGE_PATH, "image/png")}));
    s.event(json!({"type": "media_gen_complete", "job_id": video_job,
        "media": media(CLIP_PATH, "video/webm")}));
    s.text(&format!(
        "Here is an image and a 2-second clip for \"{prompt}\"."
    ));
    s
}
