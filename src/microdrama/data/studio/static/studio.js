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
