import { createApp } from "vue";
import App from "./App.vue";
import { onSignedOut } from "./api/client";
import { router } from "./router";
import { me } from "./session";
import "./style.css";

onSignedOut(() => {
  me.value = null;
  if (router.currentRoute.value.name !== "login") {
    void router.push({ name: "login", query: { next: router.currentRoute.value.fullPath } });
  }
});

createApp(App).use(router).mount("#app");
