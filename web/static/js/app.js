// Upload with drag and drop and a progress bar per file. No inline scripts: the CSP forbids them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-upload]");
  if (!form) return;
  const input = form.querySelector("input[type=file]");
  const zone = form.querySelector(".dropzone");
  const list = form.querySelector("#progress");
  let dropped = [];

  const show = (files) => {
    list.replaceChildren();
    for (const f of files) {
      const li = document.createElement("li");
      li.textContent = f.name + " ";
      const bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      li.append(bar);
      list.append(li);
    }
  };
  input.addEventListener("change", () => { dropped = []; show(input.files); });
  ["dragenter", "dragover"].forEach((e) => zone.addEventListener(e, (ev) => { ev.preventDefault(); zone.classList.add("over"); }));
  ["dragleave", "drop"].forEach((e) => zone.addEventListener(e, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (ev) => { ev.preventDefault(); dropped = Array.from(ev.dataTransfer.files); show(dropped); });

  form.addEventListener("submit", (ev) => {
    const files = dropped.length ? dropped : Array.from(input.files);
    if (!files.length) return;
    ev.preventDefault();
    const bars = list.querySelectorAll("progress");
    const ids = [];
    let pending = files.length;
    files.forEach((file, i) => {
      // One request per file, so each file has its own progress.
      const data = new FormData();
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      data.append("category", form.querySelector("select[name=category]").value);
      data.append("files", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.pathname);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable && bars[i]) bars[i].value = (100 * e.loaded) / e.total; });
      xhr.addEventListener("loadend", () => {
        try {
          for (const row of JSON.parse(xhr.responseText).files || []) if (row.record_id) ids.push(row.record_id);
        } catch (_) { /* an error page: reported by the status page */ }
        if (--pending === 0) window.location.assign("/upload/status?ids=" + ids.join(","));
      });
      xhr.send(data);
    });
  });
});
