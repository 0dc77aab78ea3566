// The fleet page's stylesheet and script, served by the service itself (no CDN, no build step).

export const FLEET_CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #f6f7f9; }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: .6rem 1.5rem; background: #20314a; color: #fff; }
header h1 { font-size: 1.2rem; margin: 0; } header a { color: #cfe1ff; } header .who { margin-left: auto; }
main { max-width: 1240px; margin: 0 auto; padding: 1rem 1.5rem; }
section { background: #fff; border: 1px solid #d8dce3; border-radius: 6px; padding: .5rem 1rem 1rem; margin-bottom: 1rem; }
h2 { font-size: 1.1rem; } h3 { font-size: 1rem; margin: .4rem 0; }
table.versions { border-collapse: collapse; min-width: 16rem; } caption { text-align: left; font-weight: 600; }
table.versions td, table.versions th { border-bottom: 1px solid #e3e6eb; padding: .2rem .8rem; text-align: right; }
article.rollout { border-top: 1px solid #e3e6eb; padding: .4rem 0 .6rem; }
.status { font-size: .85rem; padding: .05rem .45rem; border-radius: 3px; border: 1px solid #888; }
.status.running { background: #e2f0ff; } .status.paused { background: #fff4d6; } .status.completed { background: #e3f6e6; } .status.cancelled { background: #eee; }
.meta, .counts { margin: .2rem 0; } .reason { font-weight: 600; }
ol.waves { list-style: none; padding: 0; margin: .3rem 0; }
li.wave { display: grid; grid-template-columns: 16rem 22rem auto; gap: .6rem; align-items: center; margin: .15rem 0; }
.bar { display: flex; height: .9rem; background: #eceff3; border: 1px solid #c5cad3; overflow: hidden; }
.seg.success { background: #2f8f46; } .seg.failed { background: #c62828; } .seg.skipped { background: #8d6e63; }
.seg.running { background: #1e6fd9; } .seg.queued { background: #b0bec5; }
.wave-counts { font-size: .85rem; color: #444; }
button { font: inherit; padding: .2rem .7rem; border: 1px solid #20314a; border-radius: 4px; background: #fff; cursor: pointer; }
button:hover, button:focus-visible { background: #e8eef8; }
#message:not(:empty) { padding: .4rem .7rem; border-left: 4px solid #20314a; background: #fff; }
#message.error { border-color: #c62828; }
details.tenants ul { margin: .3rem 0; }
`;

export const FLEET_JS = `
'use strict';
// Follows the rollouts once a second while the page is visible, and acts through the page's own routes.
const HEADER = { 'x-fleet-page': '1', 'content-type': 'application/json' };
const message = document.getElementById('message');
const say = (text, error) => { message.textContent = text; message.className = error ? 'error' : ''; };

async function swap(id, url) {
  const section = document.getElementById(id);
  const open = [...section.querySelectorAll('details[open]')].map((d) => d.dataset.list);
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) return;
  const html = await res.text();
  if (section.dataset.html === html) return;
  section.dataset.html = html;
  section.innerHTML = html;
  for (const list of open) section.querySelector('details[data-list="' + list + '"]')?.setAttribute('open', '');
}

let busy = false;
async function follow() {
  if (!busy && document.visibilityState === 'visible') {
    busy = true;
    try { await swap('rollouts', '/admin/fleet/sections/rollouts'); } catch { /* the next tick tries again */ }
    busy = false;
  }
  setTimeout(follow, 1000);
}
setTimeout(follow, 1000);

document.addEventListener('click', async (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.refresh === 'fleet') {
    await swap('fleet', '/admin/fleet/sections/fleet');
  } else if (button.dataset.action) {
    button.disabled = true;
    const res = await fetch('/admin/fleet/rollouts/' + button.dataset.rollout + '/' + button.dataset.action, { method: 'POST', headers: HEADER, credentials: 'same-origin' });
    const body = await res.json().catch(() => ({}));
    if (res.ok) say(button.textContent + ': the rollout is ' + body.status + '.', false);
    else say(button.textContent + ' refused (' + res.status + '): ' + (body.message || res.statusText), true);
    await swap('rollouts', '/admin/fleet/sections/rollouts');
  } else if (button.dataset.more) {
    const res = await fetch('/admin/fleet/rollouts/' + button.dataset.more + '/tenants?status=' + button.dataset.status + '&after=' + button.dataset.after, { credentials: 'same-origin' });
    if (!res.ok) return;
    const page = await res.json();
    button.previousElementSibling.insertAdjacentHTML('beforeend', page.html);
    if (page.next === null) button.remove(); else button.dataset.after = page.next;
  }
});
`;
