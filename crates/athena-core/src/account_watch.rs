//! What an execution's responses say about its workspace's account: the credits left
//! and the app version are in the headers of every authenticated answer.

use std::sync::Arc;

use athena_api::{ExecutionStream, ResponseMeta};

use crate::executions::EventStream;

/// Told about the headers of execution responses, and when an execution's stream
/// ends (the credits it cost are charged then, after the headers were sent).
pub trait AccountObserver: Send + Sync + 'static {
    /// The first response headers of an execution of `workspace_id`.
    fn response_seen(&self, workspace_id: &str, meta: &ResponseMeta);
    /// An execution of `agent_id` in `workspace_id` stopped streaming (ended, failed
    /// or was stopped).
    fn execution_ended(&self, workspace_id: &str, agent_id: &str);
}

/// Follows one stream for an observer; tells it of the end when dropped, which
/// happens however the stream ends.
struct Watched {
    stream: ExecutionStream,
    observer: Arc<dyn AccountObserver>,
    workspace_id: String,
    agent_id: String,
    headers_told: bool,
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.observer
            .execution_ended(&self.workspace_id, &self.agent_id);
    }
}

/// The events of `stream`, telling `observer` its response headers (or those of the
/// refusal) and its end.
pub(crate) fn watched_events(
    stream: ExecutionStream,
    observer: Arc<dyn AccountObserver>,
    workspace_id: String,
    agent_id: String,
) -> EventStream {
    let watched = Watched {
        stream,
        observer,
        workspace_id,
        agent_id,
        headers_told: false,
    };
    Box::pin(futures_util::stream::unfold(watched, |mut w| async move {
        let item = w.stream.next().await;
        if !w.headers_told {
            let meta = w.stream.meta().cloned().or_else(|| match &item {
                Some(Err(err)) => err.meta().cloned(),
                _ => None,
            });
            if let Some(meta) = meta {
                w.headers_told = true;
                w.observer.response_seen(&w.workspace_id, &meta);
            }
        }
        item.map(|event| (event, w))
    }))
}
