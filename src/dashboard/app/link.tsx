// In-app links (history navigation, no reload) and the small shared widgets.
import type { ComponentChildren } from "preact";
import { navigate } from "./hooks.ts";
import type { Health } from "./kinds.ts";

export function Link(props: { to: string; children: ComponentChildren; class?: string }) {
  const href = `/dashboard/${props.to.replace(/^\//, "")}`;
  return (
    <a
      href={href}
      class={props.class}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

export function ErrorBanner(props: { error: string }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

export function Dot(props: { health: Health | undefined }) {
  return props.health ? <span class={`dot ${props.health}`} title={props.health} /> : null;
}
