// Progressive enhancement: forms post normally without this script; with it, an edit is
// saved in place, the page's version moves on, and a conflict or an error shows by the form.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  function setVersion(version) {
    document.querySelectorAll('input[name="version"]').forEach((input) => { input.value = version; });
  }
  document.querySelectorAll("form.save").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = form.querySelector(".result") || form.appendChild(document.createElement("span"));
      result.className = "result";
      result.textContent = "…";
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST",
          headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
          body: new URLSearchParams(new FormData(form)),
        });
      } catch (error) {
        result.className = "result bad";
        result.textContent = String(error);
        return;
      }
      const data = await response.json().catch(() => ({ error: response.statusText }));
      if (response.ok) {
        setVersion(data.version);
        result.className = "result ok";
        result.textContent = document.documentElement.lang === "zh" ? "已保存" : "Saved";
      } else {
        result.className = "result bad";
        result.textContent = data.error || response.statusText;
      }
    });
  });
})();

// A running build: follow its events (server-sent) and update the page as they come.
(function () {
  const list = document.getElementById("job-events");
  if (!list || list.dataset.running !== "yes") return;
  const seen = new Set([...list.children].map((item) => item.dataset.n));
  const state = document.getElementById("job-state");
  const source = new EventSource(list.dataset.stream);
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (seen.has(String(event.n))) return;
    seen.add(String(event.n));
    const item = document.createElement("li");
    item.dataset.n = event.n;
    let text = `${event.at} s · ${event.type}`;
    if (event.stage) text += ` · ${event.stage} ${event.done}/${event.total}`;
    if (event.number) text += ` · ${event.number} ${event.status}`;
    if (event.outcome) text += ` · ${event.outcome}`;
    item.textContent = text;  // text, never HTML: messages can quote scripts
    list.appendChild(item);
    if (event.type === "finished") {
      source.close();
      state.dataset.state = event.state;
      state.className = "notice " + (event.state === "done" ? "ok" : "bad");
      state.textContent = event.state + " · " + event.outcome;
      const open = document.getElementById("job-open");
      if (open && event.state === "done") open.hidden = false;
    }
  };
})();
