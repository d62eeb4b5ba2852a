import { memo, useContext, useEffect, useState } from "react";
import { formatElapsed } from "../../format";
import { messages } from "../../messages";
import { ImageIcon, Spinner, VideoIcon } from "./icons";
import { MessageHandleContext } from "./media/api";
import { MediaGallery } from "./media/MediaGallery";
import { useMediaFiles } from "./media/useMediaFiles";
import type { PartOf } from "./types";

const words = messages.parts.media;

type Props = { part: PartOf<"mediaJob">; running: boolean };

/** The current time, refreshed every second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * An image or video being generated: a placeholder with a counter while it runs, its
 * size once ready, then the files themselves from the app's own copy (the backend
 * downloads them; nothing is ever loaded from the server's address here).
 */
export const MediaJobPart = memo(function MediaJobPart({ part, running }: Props) {
  const generating = part.state === "generating";
  const ticking = generating && running;
  // Times in parts are relative to when the execution was sent, which this page does
  // not know on its clock: count from what is known at mount (the last heartbeat), and
  // never show less than what a later heartbeat proves.
  const known = Math.max(0, (part.lastHeartbeatAtMs ?? part.submittedAtMs) - part.submittedAtMs);
  const [mount] = useState(() => ({ at: Date.now(), known }));
  const now = useNow(ticking);
  const elapsed = Math.max(known, mount.known + (now - mount.at));
  const file = part.media[0];
  const size = file && file.width !== null && file.height !== null ? words.size(file.width, file.height) : null;
  const Icon = part.mediaKind === "video" ? VideoIcon : ImageIcon;
  const handle = useContext(MessageHandleContext);
  const files = useMediaFiles(handle, part.jobId, !generating && part.media.length > 0);

  return (
    <div
      className={files ? "part part-card part-media has-gallery" : "part part-card part-media"}
      data-testid="part-media-job"
      data-state={part.state}
    >
      <div className={generating ? "media-placeholder generating" : "media-placeholder"} aria-hidden="true">
        <Icon />
      </div>
      <div className="media-info">
        <p className="media-title" data-testid="media-title">
          {generating ? words.generating(part.mediaKind) : words.ready(part.mediaKind)}
        </p>
        {part.prompt && (
          <p className="media-prompt" data-testid="media-prompt">
            <span className="visually-hidden">{words.prompt}: </span>
            {part.prompt}
          </p>
        )}
        <p className="part-status media-status" data-testid="media-status">
          {generating ? (
            <>
              {ticking ? <Spinner /> : null}
              <span data-testid="media-elapsed">{words.elapsed(formatElapsed(elapsed))}</span>
              {ticking && part.lastHeartbeatAtMs !== null && <span> · {words.stillWorking}</span>}
              {!ticking && <span> · {messages.parts.notFinished}</span>}
            </>
          ) : (
            <>
              <span className="media-kind">{words.kind(part.mediaKind)}</span>
              {size && <span data-testid="media-size"> · {size}</span>}
            </>
          )}
        </p>
      </div>
      {files && <MediaGallery state={files} kind={part.mediaKind} prompt={part.prompt} />}
    </div>
  );
});
