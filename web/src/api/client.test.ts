import { afterEach, describe, expect, it, vi } from "vitest";
import { csrf, errorMessage, readCookie, uploadPreview } from "./client";

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
  it("reads the one error shape", () => {
    const refused = (loc: (string | number)[], msg: string) => ({ detail: [{ loc, type: "x", msg }] });
    expect(errorMessage(refused([], "task 3 not found"))).toBe("task 3 not found");
    expect(errorMessage(refused(["task_status_id"], "not enabled"))).toBe("task_status_id: not enabled");
    expect(errorMessage(refused(["body", "text"], "too short"))).toBe("text: too short");
    expect(errorMessage({ detail: [...refused(["a"], "x").detail, ...refused([], "y").detail] })).toBe(
      "a: x; y",
    );
    expect(errorMessage({ detail: [] }, "fallback")).toBe("fallback");
    expect(errorMessage(undefined, "fallback")).toBe("fallback");
  });
});

describe("uploadPreview", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.cookie = "shotline_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  });

  it("sends the file itself as the body, with its type, name and the CSRF token", async () => {
    document.cookie = "shotline_csrf=t0k3n";
    const sent: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return new Response(JSON.stringify({ id: 9 }), { status: 201 });
    });
    const file = new File(["png bytes"], "v 001.png", { type: "image/png" });
    const answer = await uploadPreview(4, file);
    expect(answer).toEqual({ data: { id: 9 } });
    expect(sent[0]?.url).toBe("/api/comments/4/previews?filename=v%20001.png");
    expect(sent[0]?.init.body).toBe(file);
    expect(sent[0]?.init.headers).toEqual({ "Content-Type": "image/png", "X-CSRF-Token": "t0k3n" });
  });

  it("answers the refusal's body", async () => {
    const refusal = { detail: [{ loc: [], type: "too_large", msg: "the request body is larger than 10 bytes" }] };
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify(refusal), { status: 413 }));
    const answer = await uploadPreview(4, new File(["x"], "big.mp4", { type: "video/mp4" }));
    expect(answer).toEqual({ error: refusal });
  });
});
