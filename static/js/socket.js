// The live connection of one conversation: snapshot first, then turn events; reconnects with
// exponential backoff and resumes from the sequence up to which it holds every change, so
// nothing is missed.

const PING_EVERY_MS = 25000;
const MAX_BACKOFF_MS = 15000;
const CLOSE_FORBIDDEN = 4403; // the server closed because this user lost access


export class LiveSocket {
  constructor({ conversationId, after = 0, onSnapshot, onEvent, onState, onForbidden }) {
    this.conversationId = conversationId;
    // Every change up to lastSequence arrived. Events of two turns may cross on the way, so
    // the sequences seen above it wait in seenAbove until the gap below them fills.
    this.lastSequence = after;
    this.seenAbove = new Set();
    this.onSnapshot = onSnapshot;
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.onForbidden = onForbidden || (() => {});
    this.attempt = 0;
    this.closed = false;
    this.ws = null;
    this.retryTimer = null;
    this.pingTimer = null;
    this.wake = () => this.reconnectNow();
    window.addEventListener("online", this.wake);
    document.addEventListener("visibilitychange", this.wake);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/conversations/${this.conversationId}/?after=${this.lastSequence}`;
  }

  connect() {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.onState(this.attempt ? "reconnecting" : "connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState("live");
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ type: "ping" }), PING_EVERY_MS);
    };
    ws.onmessage = (message) => this.receive(message.data);
    ws.onclose = (event) => {
      clearInterval(this.pingTimer);
      if (this.ws !== ws || this.closed) return;
      this.ws = null;
      if (event.code === CLOSE_FORBIDDEN) {
        // Reconnecting would only be refused again.
        this.close();
        this.onForbidden();
        return;
      }
      this.scheduleReconnect();
    };
    // An error is always followed by close, where the reconnect is scheduled.
    ws.onerror = () => {};
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === "pong" || message.type === "error") return;
    if (typeof message.sequence === "number") this.noteSequence(message);
    if (message.type === "snapshot") this.onSnapshot(message);
    else if (message.type?.startsWith("turn.")) this.onEvent(message);
  }

  /** A snapshot holds everything up to its sequence; an event, only its own. */
  noteSequence(message) {
    if (message.type === "snapshot") this.lastSequence = Math.max(this.lastSequence, message.sequence);
    else if (message.sequence > this.lastSequence) this.seenAbove.add(message.sequence);
    for (const sequence of this.seenAbove) if (sequence <= this.lastSequence) this.seenAbove.delete(sequence);
    while (this.seenAbove.delete(this.lastSequence + 1)) this.lastSequence += 1;
  }

  send(message) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  scheduleReconnect() {
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.onState("reconnecting");
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.closed || document.visibilityState === "hidden") return;
    if (!this.ws && this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    window.removeEventListener("online", this.wake);
    document.removeEventListener("visibilitychange", this.wake);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
    this.onState("idle");
  }
}
