// The people of the meeting (GET /api/meetings/{id}/directory), read when a draft opens:
// every proposal card, comment and activity entry names its person and delegation from
// here, whether or not that person is online.
import type { Participant } from "../api/types";

const directory = new Map<string, Participant>();

/** Keeps a meeting's participants (a later read replaces what it names again). */
export function registerDirectory(list: Participant[]): void {
  for (const p of list) directory.set(p.id, p);
}

/** A participant by user id, if the directory names them. */
export function participant(user: string): Participant | undefined {
  return directory.get(user);
}
