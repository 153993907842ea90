// A failed request in words for people.
import { ApiError } from "../api/api";
import { t } from "../state/lang";

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("networkDown");
    if (e.status === 403) return t("forbidden", { reason: e.message });
    return t("requestFailed", { reason: e.message });
  }
  return t("requestFailed", { reason: String(e) });
}
