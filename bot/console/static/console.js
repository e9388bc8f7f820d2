// The console's live parts: new transcript lines, the queue's rows, canned answers.
// Everything a tenant wrote is put in the page as text (textContent), never as HTML.
(function () {
  "use strict";
  const WHO = { tenant: "Huurder", bot: "Bot" };

  function time(iso) {
    return new Date(iso).toLocaleString("nl-NL", { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  }

  function renderLine(box, line) {
    const item = document.createElement("div");
    item.className = "line " + line.who;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (WHO[line.who] || line.author || "Medewerker") + " · " + time(line.at);
    const words = document.createElement("div");
    words.className = "text";
    words.textContent = line.text;
    item.append(meta, words);
    for (const url of line.media) {
      if (!/^https?:\/\//.test(url)) continue;
      const link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      const image = document.createElement("img");
      image.src = url;
      image.alt = "Foto van de huurder";
      link.append(image);
      item.append(link);
    }
    const csrf = document.querySelector('input[name="csrf_token"]');
    if (line.event_id && line.text && csrf) {
      const form = document.createElement("form");
      form.method = "post";
      form.action = box.dataset.misreadUrl + "/" + line.event_id;
      form.className = "misread";
      const token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = csrf.value;
      const button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Bot begreep dit verkeerd";
      form.append(token, button);
      item.append(form);
    }
    if (line.buttons.length) {
      const buttons = document.createElement("span");
      buttons.className = "meta";
      buttons.textContent = "Knoppen: " + line.buttons.join(" · ");
      item.append(buttons);
    }
    box.append(item);
  }

  function followTranscript(box) {
    let cursor = box.dataset.cursor;
    box.scrollTop = box.scrollHeight;
    async function poll() {
      try {
        const response = await fetch(box.dataset.url + "?after=" + encodeURIComponent(cursor), { credentials: "same-origin" });
        if (response.ok) {
          const data = await response.json();
          data.lines.forEach((line) => renderLine(box, line));
          if (data.lines.length) box.scrollTop = box.scrollHeight;
          cursor = data.cursor;
          if (data.status !== box.dataset.status) document.getElementById("status-changed").hidden = false;
        }
      } catch (error) {
        // The network blinked: try again at the next tick.
      }
      setTimeout(poll, 1500);
    }
    setTimeout(poll, 1500);
  }

  function followQueue(table) {
    const rows = document.getElementById("queue-rows");
    async function poll() {
      try {
        const response = await fetch(table.dataset.url, { credentials: "same-origin" });
        if (response.ok) rows.innerHTML = await response.text(); // server-rendered, autoescaped
      } catch (error) {
        // Try again at the next tick.
      }
      setTimeout(poll, 5000);
    }
    setTimeout(poll, 5000);
  }

  function cannedAnswers(picker) {
    picker.addEventListener("change", () => {
      const chosen = picker.selectedOptions[0];
      if (chosen && chosen.dataset.text) document.getElementById("reply-text").value = chosen.dataset.text;
    });
  }

  const box = document.getElementById("transcript");
  if (box) followTranscript(box);
  const queue = document.getElementById("queue");
  if (queue) followQueue(queue);
  const picker = document.getElementById("canned");
  if (picker) cannedAnswers(picker);
})();
