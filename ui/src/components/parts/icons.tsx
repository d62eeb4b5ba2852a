// Small line icons for the part cards. Decorative: always aria-hidden.

import type { ReactNode } from "react";

type IconProps = { className?: string };

function Svg({ className, children }: IconProps & { children: ReactNode }) {
  return (
    <svg
      className={className ? `icon ${className}` : "icon"}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export function ChevronIcon({ open }: { open: boolean }) {
  return (
    <Svg className={open ? "icon-chevron open" : "icon-chevron"}>
      <path d="M6 4l4 4-4 4" />
    </Svg>
  );
}

export function ToolIcon() {
  return (
    <Svg>
      <path d="M10.5 2.5a3 3 0 0 0-2.9 3.8L2.8 11.1a1.4 1.4 0 0 0 2 2l4.8-4.8a3 3 0 0 0 3.8-2.9l-1.8 1.1-1.9-1.1V3.6z" />
    </Svg>
  );
}

export function TerminalIcon() {
  return (
    <Svg>
      <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="2" />
      <path d="M4.5 6.5l2 1.5-2 1.5M8.5 10h3" />
    </Svg>
  );
}

export function BracesIcon() {
  return (
    <Svg>
      <path d="M5.5 2.5c-1.5 0-2 .7-2 2v1.3c0 .9-.5 1.7-1.5 2.2 1 .5 1.5 1.3 1.5 2.2v1.3c0 1.3.5 2 2 2M10.5 2.5c1.5 0 2 .7 2 2v1.3c0 .9.5 1.7 1.5 2.2-1 .5-1.5 1.3-1.5 2.2v1.3c0 1.3-.5 2-2 2" />
    </Svg>
  );
}

export function ImageIcon() {
  return (
    <Svg>
      <rect x="2" y="2.5" width="12" height="11" rx="2" />
      <circle cx="6" cy="6.5" r="1.2" />
      <path d="M2.5 12l3.5-3.5 2.5 2.5 2-2 3 3" />
    </Svg>
  );
}

export function VideoIcon() {
  return (
    <Svg>
      <rect x="1.75" y="3.5" width="9" height="9" rx="2" />
      <path d="M10.75 7l3.5-2v6l-3.5-2z" />
    </Svg>
  );
}

export function PauseIcon() {
  return (
    <Svg>
      <circle cx="8" cy="8" r="6.25" />
      <path d="M6.5 5.75v4.5M9.5 5.75v4.5" />
    </Svg>
  );
}

export function QuestionIcon() {
  return (
    <Svg>
      <circle cx="8" cy="8" r="6.25" />
      <path d="M6.3 6.2a1.8 1.8 0 1 1 2.4 1.7c-.5.2-.7.6-.7 1.1v.3M8 11.3v.01" />
    </Svg>
  );
}

export function StopIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <rect x="4" y="4" width="8" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}

export function CopyIcon() {
  return (
    <Svg>
      <rect x="5.25" y="5.25" width="8.5" height="8.5" rx="1.5" />
      <path d="M10.75 5.25V3.75a1.5 1.5 0 0 0-1.5-1.5h-5.5a1.5 1.5 0 0 0-1.5 1.5v5.5a1.5 1.5 0 0 0 1.5 1.5h1.5" />
    </Svg>
  );
}

export function CheckIcon() {
  return (
    <Svg>
      <path d="M3.5 8.5l3 3 6-7" />
    </Svg>
  );
}

export function SearchIcon() {
  return (
    <Svg>
      <circle cx="7" cy="7" r="4.25" />
      <path d="M10.25 10.25l3.5 3.5" />
    </Svg>
  );
}

/** A turning ring: something is in progress. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

export function RefreshIcon() {
  return (
    <Svg>
      <path d="M13 3v3.5H9.5" />
      <path d="M12.6 6.4A5 5 0 1 0 13 9.5" />
    </Svg>
  );
}

export function SendAgainIcon() {
  return (
    <Svg>
      <path d="M2.5 8h9" />
      <path d="M8.5 4.5L12 8l-3.5 3.5" />
      <path d="M13.5 3v10" />
    </Svg>
  );
}

export function ThumbUpIcon() {
  return (
    <Svg>
      <path d="M5 7v6.5H2.8V7z" />
      <path d="M5 7l2.6-4.5c.9 0 1.6.8 1.4 1.7L8.6 6.5h3.6c.8 0 1.4.8 1.2 1.6l-1 4.3c-.2.6-.7 1.1-1.4 1.1H5" />
    </Svg>
  );
}

export function ThumbDownIcon() {
  return (
    <Svg>
      <path d="M11 9V2.5h2.2V9z" />
      <path d="M11 9l-2.6 4.5c-.9 0-1.6-.8-1.4-1.7l.4-2.3H3.8c-.8 0-1.4-.8-1.2-1.6l1-4.3c.2-.6.7-1.1 1.4-1.1H11" />
    </Svg>
  );
}

export function PlusIcon() {
  return (
    <Svg>
      <path d="M8 3v10M3 8h10" />
    </Svg>
  );
}

export function CrossCircleIcon() {
  return (
    <Svg>
      <circle cx="8" cy="8" r="6.25" />
      <path d="M5.75 5.75l4.5 4.5M10.25 5.75l-4.5 4.5" />
    </Svg>
  );
}

/** A circle struck through: refused. */
export function BlockedIcon() {
  return (
    <Svg>
      <circle cx="8" cy="8" r="6.25" />
      <path d="M3.6 12.4l8.8-8.8" />
    </Svg>
  );
}

/** A triangle with an exclamation mark: something did not go through. */
export function AlertIcon() {
  return (
    <Svg>
      <path d="M8 2.25l6 10.5H2z" />
      <path d="M8 6.5v3M8 11.25v.01" />
    </Svg>
  );
}
