// The owner's side of the web chat. Who the owner is, the server decides: the page's
// session cookie (HttpOnly, set when the page was served) names the conversation.
(() => {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");

  function show(kind, text, buttons) {
    const item = document.createElement("li");
    item.className = kind;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const button of buttons) {
        const choice = document.createElement("button");
        choice.type = "button";
        choice.textContent = button.title;
        choice.addEventListener("click", () => say(button.payload, button.title));
        row.appendChild(choice);
      }
      bubble.appendChild(row);
    }
    item.appendChild(bubble);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  // After this long without an answer the owner is told we are on it (the answer follows).
  const PATIENCE_MS = 5000;

  async function say(message, shown) {
    show("owner", shown || message);
    const patience = setTimeout(
      () => show("bot waiting", "抱歉让您久等了,系统正在处理您的消息,处理完会马上回复您,请稍候。"),
      PATIENCE_MS);
    try {
      const response = await fetch("/api/message", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ message }),
      });
      const replies = await response.json().catch(() => ({ error: "发送失败,请稍后再试。" }));
      if (!response.ok) { show("error", replies.error || "发送失败,请稍后再试。"); return; }
      for (const reply of replies) {
        if (reply.text) show("bot", reply.text, reply.buttons);
      }
    } catch (error) {
      show("error", "网络连接失败,请检查后重试。");
    } finally {
      clearTimeout(patience);
    }
  }

  // What the service centre's agents say arrives between the owner's messages: ask for it.
  let cursor = null;
  async function poll() {
    try {
      const query = new URLSearchParams();
      if (cursor !== null) query.set("after", cursor);
      const response = await fetch(`/api/updates?${query}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      if (cursor !== null) {
        for (const message of data.messages) {
          show("bot agent", message.agent ? `客服 ${message.agent}:${message.text}` : message.text);
        }
      }
      cursor = data.cursor;
    } catch (error) {
      // The next poll tries again; the owner's own messages are unaffected.
    }
  }
  poll();
  setInterval(poll, 3000);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = "";
    say(message);
  });
})();
