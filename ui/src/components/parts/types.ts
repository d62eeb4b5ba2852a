import type { Part } from "../../bindings";

/** The part of one kind, e.g. `PartOf<"serverTool">`. */
export type PartOf<K extends Part["kind"]> = Extract<Part, { kind: K }>;
