// The agents' console page: sign in, work the queue, talk to owners, look up tickets.
// The page polls every two seconds, so new owner messages appear without reloading.
(() => {
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 2000;
  const SPEAKERS = { owner: "业主", assistant: "智能助手", system: "系统" };
  let me = null;
  let labels = {};
  let departments = [];
  let selected = null;      // the escalation id shown in the detail panel
  let lastDetail = null;
  let timer = null;

  async function api(path, options = {}) {
    const init = { credentials: "same-origin", headers: {} };
    if (options.body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.headers["X-Console"] = "1";
      init.body = JSON.stringify(options.body);
    }
    const response = await fetch(path, init);
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && path !== "/api/sign-in") { showSignIn(); }
    if (!response.ok) throw new Error(data.error || `请求失败(${response.status})`);
    return data;
  }

  function toast(message) {
    const box = $("toast");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  const time = (iso) => (iso ? iso.slice(5, 16).replace("T", " ") : "");

  function showSignIn() {
    clearInterval(timer);
    me = null;
    $("app").hidden = true;
    $("sign-in-view").hidden = false;
  }

  async function start() {
    try {
      const info = await api("/api/me");
      me = info.agent; labels = info.labels; departments = info.departments;
      $("me").textContent = `${me.name}(${me.role_label})`;
      $("sign-in-view").hidden = true;
      $("app").hidden = false;
      fillSearchOptions();
      const reassign = $("reassign-agent");
      reassign.replaceChildren(...info.agents.map((a) => el("option", { value: a.login }, `${a.name}(${a.role_label})`)));
      $("reassign-form").hidden = me.role !== "supervisor";
      $("returned-box").hidden = me.role !== "supervisor";
      $("report-link").hidden = me.role !== "supervisor";
      await refresh();
      clearInterval(timer);
      timer = setInterval(() => refresh().catch(() => {}), POLL_MS);
    } catch (error) {
      showSignIn();
    }
  }

  function fillSearchOptions() {
    const status = $("search-status"), category = $("search-category");
    status.replaceChildren(el("option", { value: "" }, "全部状态"),
      ...Object.entries(labels.statuses).map(([code, label]) => el("option", { value: code }, label)));
    category.replaceChildren(el("option", { value: "" }, "全部类别"),
      ...Object.entries(labels.categories).map(([code, label]) => el("option", { value: code }, label)));
  }

  function entryItem(entry) {
    const owner = entry.owner || {};
    const who = owner.flat || owner.phone || `${entry.channel}:${entry.sender_id}`;
    const holder = entry.holder_name ? `由${entry.holder_name}处理` : "等待接管";
    return el("li", {
      class: `p${entry.priority}${entry.id === selected ? " selected" : ""}`,
      "data-id": entry.id,
      onclick: () => select(entry.id),
    },
    el("div", { class: "reason" }, `${entry.reason_label} · ${who}`,
      entry.verified_label ? el("span", { class: "unverified" }, ` ${entry.verified_label}`) : null),
    el("div", { class: "holder" }, holder),
    el("div", { class: entry.overdue ? "due overdue" : "due" },
      `应联系: ${time(entry.due_at)}${entry.overdue ? "(已超时)" : ""}`),
    entry.last_message ? el("div", { class: "last" }, entry.last_message) : null);
  }

  async function refresh() {
    const data = await api("/api/queue");
    $("queue").replaceChildren(...data.open.map(entryItem));
    $("queue-count").textContent = `(${data.open.length})`;
    $("returned").replaceChildren(...data.returned.map(entryItem));
    if (selected !== null) await loadDetail();
  }

  async function select(id) {
    selected = id;
    lastDetail = null;
    toast("");
    await refresh();
  }

  function renderConversation(lines) {
    const box = $("conversation");
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 10;
    box.replaceChildren(...lines.map((line) => el("li", { class: line.speaker },
      el("span", { class: "who" }, `${line.agent ? `客服 ${line.agent}` : SPEAKERS[line.speaker]} ${time(line.at)}`),
      el("span", { class: "text" }, line.text))));
    if (atBottom || !lastDetail) box.scrollTop = box.scrollHeight;
  }

  function ticketBox(ticket, after) {
    const status = el("select", { class: "status" },
      ...Object.entries(labels.statuses).map(([code, label]) => {
        const option = el("option", { value: code }, label);
        if (code === ticket.status) option.selected = true;
        return option;
      }));
    const department = el("select", { class: "department" },
      ...departments.map((d) => {
        const option = el("option", { value: d.code }, d.name);
        if (d.code === ticket.department) option.selected = true;
        return option;
      }));
    const note = el("input", { class: "ticket-note", placeholder: "工单备注" });
    const act = async (path, body) => {
      try { await api(`/api/tickets/${encodeURIComponent(ticket.number)}/${path}`, { body }); toast(""); }
      catch (error) { toast(error.message); }
      await after();
    };
    return el("div", { class: "ticket", "data-number": ticket.number },
      el("div", {}, el("strong", {}, ticket.number), ` ${ticket.category_label} · ${ticket.status_label} · ${ticket.department_name}`,
        ticket.late_label ? el("span", { class: "late" }, ` ${ticket.late_label}`) : null,
        ticket.verified_label ? el("span", { class: "unverified" }, ` ${ticket.verified_label}`) : null),
      el("div", {}, ticket.description),
      el("div", {}, `应完成: ${time(ticket.resolution_due)} ${ticket.flat || ticket.location || ""} ${ticket.phone || ""}`),
      el("div", { class: "row" }, status,
        el("button", { type: "button", class: "set-status", onclick: () => act("status", { status: status.value }) }, "改状态"),
        department,
        el("button", { type: "button", class: "set-department", onclick: () => act("department", { department: department.value }) }, "改部门")),
      el("div", { class: "row" }, note,
        el("button", { type: "button", class: "add-ticket-note", onclick: () => act("note", { text: note.value }) }, "备注")));
  }

  async function loadDetail() {
    const detail = await api(`/api/escalations/${selected}`);
    const entry = detail.escalation;
    const changed = JSON.stringify(detail) !== JSON.stringify(lastDetail);
    if (!changed) return;
    const ticketsChanged = !lastDetail || JSON.stringify(detail.tickets) !== JSON.stringify(lastDetail.tickets);
    $("detail").hidden = false;
    const owner = entry.owner || {};
    $("detail-head").replaceChildren(
      el("h2", {}, `${entry.reason_label}(${entry.status_label})`),
      el("div", {}, `渠道: ${entry.channel} · 业主: ${owner.name || ""} ${owner.flat || ""} ${owner.phone || ""}`,
        entry.verified_label ? el("span", { class: "unverified" }, ` ${entry.verified_label}`) : null),
      entry.summary ? el("div", {}, `小结: ${entry.summary}`) : null);
    const mine = entry.status === "held" && entry.holder === me.login;
    $("holder-info").textContent = entry.status === "held"
      ? (mine ? "您正在处理这段对话,助手已暂停。" : `这段对话已由${entry.holder_name}接管。`)
      : entry.status === "waiting" ? "等待接管:接管后助手会暂停,由您直接回复业主。" : "已交还助手。";
    $("take").hidden = entry.status !== "waiting";
    $("held-controls").hidden = !mine;
    $("detail-error").textContent = detail.conversation_error || "";
    renderConversation(detail.conversation);
    if (ticketsChanged) $("detail-tickets").replaceChildren(...detail.tickets.map((t) => ticketBox(t, loadDetail)));
    $("events").replaceChildren(...detail.events.map((e) =>
      el("li", {}, `${time(e.at)} ${e.actor} ${e.kind_label}${e.text ? `: ${e.text}` : ""}`)));
    lastDetail = detail;
  }

  async function escalationAction(action, body) {
    try {
      await api(`/api/escalations/${selected}/${action}`, { body: body || {} });
      toast("");
      return true;
    } catch (error) {
      toast(error.message);
      return false;
    } finally {
      await refresh().catch(() => {});
    }
  }

  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      await api("/api/sign-in", { body: { login: $("login").value, password: $("password").value } });
      $("password").value = "";
      await start();
    } catch (error) {
      $("sign-in-error").textContent = error.message;
    }
  });
  $("sign-out").addEventListener("click", async () => {
    await api("/api/sign-out", { body: {} }).catch(() => {});
    showSignIn();
  });
  $("take").addEventListener("click", () => escalationAction("take"));
  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply-text").value.trim();
    if (!text) return;
    if (await escalationAction("reply", { text })) $("reply-text").value = "";
  });
  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await escalationAction("note", { text: $("note-text").value })) $("note-text").value = "";
  });
  $("hand-back-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await escalationAction("hand-back", { summary: $("summary").value })) $("summary").value = "";
  });
  $("reassign-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await escalationAction("reassign", { agent: $("reassign-agent").value });
  });

  function showTab(name) {
    $("queue-view").hidden = name !== "queue";
    $("tickets-view").hidden = name !== "tickets";
    $("tab-queue").classList.toggle("active", name === "queue");
    $("tab-tickets").classList.toggle("active", name === "tickets");
  }
  $("tab-queue").addEventListener("click", () => showTab("queue"));
  $("tab-tickets").addEventListener("click", () => showTab("tickets"));

  async function search() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData($("search"))) if (value) params.set(key, value);
    try {
      const data = await api(`/api/tickets?${params}`);
      toast("");
      $("results").querySelector("tbody").replaceChildren(...data.tickets.map((t) =>
        el("tr", { class: t.late ? "late-row" : "", "data-number": t.number, onclick: () => openTicket(t.number) },
          el("td", {}, t.number, t.verified_label ? el("span", { class: "unverified" }, ` ${t.verified_label}`) : null),
          el("td", {}, t.category_label), el("td", {}, t.status_label),
          el("td", {}, t.department_name), el("td", {}, t.flat || t.location || ""), el("td", {}, t.phone || ""),
          el("td", {}, time(t.resolution_due)), el("td", { class: t.late ? "late" : "" }, t.late_label || "按时"))));
    } catch (error) {
      toast(error.message);
    }
  }

  async function openTicket(number) {
    const data = await api(`/api/tickets/${encodeURIComponent(number)}`);
    $("ticket-panel").replaceChildren(ticketBox(data.ticket, () => Promise.all([search(), openTicket(number)])),
      el("ul", {}, ...data.events.map((e) => el("li", {}, `${time(e.at)} ${e.actor} ${e.kind}${e.to_status ? ` → ${labels.statuses[e.to_status] || e.to_status}` : ""}${e.note ? `: ${e.note}` : ""}`))));
  }

  $("search").addEventListener("submit", (event) => { event.preventDefault(); search(); });
  start();
})();
