/**
 * Who is signed in: the answer of `GET /api/me`, shared by every view.
 */
import { shallowRef } from "vue";
import { api, errorMessage, type Schemas } from "./api/client";

export type Me = Schemas["MeOut"];
export type Role = Schemas["Role"];

export const me = shallowRef<Me | null>(null);

/** The signed-in person, asked once; null when nobody is signed in. */
export async function loadMe(): Promise<Me | null> {
  if (me.value) return me.value;
  const { data } = await api.GET("/api/me");
  me.value = data ?? null;
  return me.value;
}

export async function signIn(email: string, password: string): Promise<string | null> {
  const { error } = await api.POST("/api/auth/session", { body: { email, password } });
  if (error) return errorMessage(error, "Sign-in failed");
  me.value = null;
  await loadMe();
  return null;
}

export async function signOut(): Promise<void> {
  await api.POST("/api/auth/logout");
  me.value = null;
}

/** The person's role on a project (a membership's, else their global one). */
export function roleOn(person: Me, projectId: number): Role {
  if (person.role === "admin") return "admin";
  return person.projects.find((m) => m.project_id === projectId)?.role ?? person.role;
}
