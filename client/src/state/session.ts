// Who is signed in on this page (null before the first read of /api/me, or signed out).
import type { User } from "../logic/model";

let me: User | null = null;

export function signedIn(): User | null {
  return me;
}

export function setSignedIn(user: User | null): void {
  me = user;
}
