import { afterEach, describe, expect, it } from "vitest";
import { csrf, errorMessage, readCookie } from "./client";

describe("readCookie", () => {
  it("reads one cookie among others, decoded", () => {
    expect(readCookie("a=1; shotline_csrf=ab%3Dc; b=2", "shotline_csrf")).toBe("ab=c");
    expect(readCookie("a=1", "shotline_csrf")).toBeUndefined();
    expect(readCookie("", "a")).toBeUndefined();
  });
});

describe("the CSRF middleware", () => {
  afterEach(() => {
    document.cookie = "shotline_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  });

  function send(method: string): Request {
    const request = new Request("http://localhost/api/x", { method });
    const options = {} as Parameters<NonNullable<typeof csrf.onRequest>>[0]["options"];
    return csrf.onRequest!({ request, options, schemaPath: "/api/x", params: {}, id: "1" }) as Request;
  }

  it("adds the session's token to changes, not to reads", () => {
    document.cookie = "shotline_csrf=t0k3n";
    expect(send("POST").headers.get("X-CSRF-Token")).toBe("t0k3n");
    expect(send("DELETE").headers.get("X-CSRF-Token")).toBe("t0k3n");
    expect(send("GET").headers.get("X-CSRF-Token")).toBeNull();
  });
});

describe("errorMessage", () => {
  it("reads FastAPI's error shapes", () => {
    expect(errorMessage({ detail: "task 3 not found" })).toBe("task 3 not found");
    expect(errorMessage({ detail: { field: "task_status_id", message: "not enabled" } })).toBe(
      "task_status_id: not enabled",
    );
    expect(errorMessage({ detail: [{ loc: ["body", "text"], msg: "too short" }] })).toBe("text: too short");
    expect(errorMessage(undefined, "fallback")).toBe("fallback");
  });
});
