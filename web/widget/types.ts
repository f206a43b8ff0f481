// What the loader and the chat window share.

/** WidgetHost is what the loader gives the window. */
export interface WidgetHost {
  base: string;
  token: string;
  root: ShadowRoot;
  settings?: { identifier?: string; identifier_hash?: string; name?: string; email?: string };
  /** unread shows n unread replies on the launcher (0 hides the badge). */
  unread(n: number): void;
  /** opened tells the launcher the window opened or closed. */
  opened(open: boolean): void;
  /** style sets the launcher's colour and side. */
  style(color: string, position: string): void;
}

/** Widget is a mounted chat window. */
export interface Widget {
  toggle(): void;
}

/** WindowAPI is what widget/window.js defines as window.ParleyWidget. */
export interface WindowAPI {
  mount(host: WidgetHost): Widget;
}
