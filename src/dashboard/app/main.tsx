// Entry: takes a login token from the URL fragment, then renders the app.
import { render } from "preact";
import { adoptFragmentToken } from "./api.ts";
import { App } from "./app.tsx";
import "./styles.css";

adoptFragmentToken();
const root = document.getElementById("app");
if (root) render(<App />, root);
