/* global window, __SHOP_API_BASE__, __SHOP_VERSION__ */
import { createApp } from "vue";
import App from "./App.vue";

// What this build is and which API it calls: fixed when the bundle was built.
window.SHOP_BUILD = { api: __SHOP_API_BASE__, app: "vue-shop", version: __SHOP_VERSION__ };

createApp(App, { api: window.SHOP_BUILD.api }).mount("#app");
