// What a paste carries, for the composer: files go to the backend as attachments, text
// stays an ordinary text paste. WebKit lists a pasted file in `files` or only as an item
// of kind "file", so both are read.

/** The files of a paste, and how many file items could not be read as files. */
export type PastedFiles = { files: File[]; unreadable: number };

export function pastedFiles(data: DataTransfer | null): PastedFiles {
  if (!data) return { files: [], unreadable: 0 };
  const files = Array.from(data.files ?? []);
  if (files.length > 0) return { files, unreadable: 0 };
  let unreadable = 0;
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const file = item.getAsFile();
    if (file) files.push(file);
    else unreadable += 1;
  }
  return { files, unreadable };
}
