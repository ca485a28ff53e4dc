import { createRouter, createWebHistory } from "vue-router";
import { loadMe } from "./session";

export const router = createRouter({
  history: createWebHistory("/"),
  routes: [
    { path: "/login", name: "login", component: () => import("./views/LoginView.vue"), meta: { public: true } },
    { path: "/", name: "projects", component: () => import("./views/ProjectsView.vue") },
    { path: "/password", name: "password", component: () => import("./views/PasswordView.vue") },
    { path: "/my-tasks", name: "my-tasks", component: () => import("./views/MyTasksView.vue") },
    { path: "/projects", redirect: "/" },
    {
      path: "/projects/:projectId(\\d+)",
      name: "project",
      component: () => import("./views/ProjectHome.vue"),
      props: (route) => ({ projectId: Number(route.params.projectId) }),
    },
    {
      path: "/projects/:projectId(\\d+)/schedule",
      name: "schedule",
      component: () => import("./views/ScheduleView.vue"),
      props: (route) => ({ projectId: Number(route.params.projectId) }),
    },
    {
      path: "/projects/:projectId(\\d+)/:kind(assets|shots)",
      name: "grid",
      component: () => import("./views/GridView.vue"),
      props: (route) => ({
        projectId: Number(route.params.projectId),
        kind: route.params.kind === "assets" ? "asset" : "shot",
      }),
    },
    {
      path: "/projects/:projectId(\\d+)/late",
      name: "late",
      component: () => import("./views/LateView.vue"),
      props: (route) => ({ projectId: Number(route.params.projectId) }),
    },
    { path: "/:rest(.*)", redirect: "/" },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const person = await loadMe();
  if (!person) return { name: "login", query: { next: to.fullPath } };
  return true;
});
