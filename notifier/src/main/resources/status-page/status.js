// Verity's status page: polls status/api/targets every 2 s (answered 304 while nothing changed) and draws the targets.
// Everything shown comes from Git and the clusters, so it is only ever written as text (textContent, never innerHTML).
'use strict';

(function () {
  const POLL_MS = 2000;
  const RETRY_MS = 5000;
  const api = 'status/api/targets' + clusterQuery();
  const open = new Set();      // targets whose details are open, kept across redraws
  let etag = null;
  let lastView = null;

  const STATES = {
    Synced: 'ok', Healthy: 'ok',
    OutOfSync: 'warn', Pending: 'warn', Applying: 'warn', Progressing: 'warn', Waiting: 'warn', Suspended: 'warn',
    Failed: 'bad', RenderFailed: 'bad', Degraded: 'bad'
  };

  function clusterQuery() {
    const cluster = new URLSearchParams(location.search).get('cluster');
    return cluster ? '?cluster=' + encodeURIComponent(cluster) : '';
  }

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) e.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      e.append(child instanceof Node ? child : String(child));
    }
    return e;
  }

  function state(value) {
    const text = value || 'Unknown';
    return el('span', {class: 'state ' + (STATES[text] || 'unknown')}, text);
  }

  /** 2026-12-06T10:00:03.123456Z → 2026-12-06 10:00:03 (the whole instant stays in the title). */
  function when(iso) {
    return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '–';
  }

  function short(commit) {
    return commit ? commit.substring(0, 12) : '–';
  }

  function shortDigest(digest) {
    if (!digest) return '–';
    return digest.length > 19 ? digest.substring(0, 19) + '…' : digest;
  }

  function anchor(target) {
    return 'target-' + target.replace(/[^a-z0-9._-]/g, '-');
  }

  function list(title, items, empty) {
    const section = el('section', {}, el('h3', {}, title));
    if (!items || items.length === 0) {
      section.append(el('p', {class: 'none'}, empty));
    } else {
      section.append(el('ul', {}, ...items.map(item => el('li', {}, item))));
    }
    return section;
  }

  function kind(line) {
    if (line.type === 'incident') {
      const words = (line.summary || '').split(' ');
      return 'incident ' + (words[2] || '').replace(/:$/, '');
    }
    return (line.type || '').replace(/^dev\.verity\./, '').replace(/\.v\d+$/, '').replace(/\./g, ' ');
  }

  function history(lines) {
    const section = el('section', {}, el('h3', {}, 'Drift and incident history'));
    if (!lines || lines.length === 0) {
      section.append(el('p', {class: 'none'}, 'No drift and no incident in what the topics keep.'));
      return section;
    }
    const rows = lines.slice().reverse().map(line => el('tr', {},
        el('td', {}, el('time', {datetime: line.time, title: line.time}, when(line.time))),
        el('td', {}, kind(line)),
        el('td', {class: 'mono nowrap'}, line.commit || '–'),
        el('td', {}, line.summary)));
    section.append(el('table', {class: 'history'},
        el('caption', {}, 'Newest first'),
        el('thead', {}, el('tr', {},
            el('th', {scope: 'col'}, 'Time (UTC)'), el('th', {scope: 'col'}, 'Kind'),
            el('th', {scope: 'col'}, 'Commit'), el('th', {scope: 'col'}, 'What happened'))),
        el('tbody', {}, ...rows)));
    return section;
  }

  function details(t, lines) {
    const facts = el('dl', {},
        el('dt', {}, 'Repository'), el('dd', {class: 'mono'}, t.repo || '–'),
        el('dt', {}, 'Overlay'), el('dd', {class: 'mono'}, t.path || '–'),
        el('dt', {}, 'Commit'), el('dd', {class: 'mono'}, t.commit || '–'),
        el('dt', {}, 'Applied commit'), el('dd', {class: 'mono'}, t.appliedCommit || 'none yet'),
        el('dt', {}, 'Digest'), el('dd', {class: 'mono'}, t.digest || '–'),
        el('dt', {}, 'Rendered at'), el('dd', {}, t.renderedAt ? when(t.renderedAt) + ' UTC' : '–'));
    if (t.syncDetail && t.sync !== 'Synced') facts.append(el('dt', {}, t.sync), el('dd', {}, t.syncDetail));
    if (t.healthDetail) facts.append(el('dt', {}, t.health), el('dd', {}, t.healthDetail));
    const box = el('details', {id: anchor(t.target), 'data-target': t.target, open: open.has(t.target)},
        el('summary', {}, 'Details and history of ', el('span', {class: 'mono'}, t.target)),
        facts,
        list('Open drift', t.drift, 'Nothing differs from Git.'),
        list('Open incidents', t.incidents, 'No open incident.'),
        history(lines));
    box.addEventListener('toggle', () => {
      if (box.open) open.add(t.target); else open.delete(t.target);
    });
    return box;
  }

  function draw(view) {
    lastView = view;
    const rows = document.getElementById('rows');
    const body = [];
    for (const t of view.targets) {
      const attention = (STATES[t.sync] !== 'ok') || (STATES[t.health] === 'bad');
      body.push(el('tr', {class: 'target' + (attention ? ' attention' : ''), 'data-target': t.target},
          el('th', {scope: 'row', class: 'mono'}, el('a', {href: '#' + t.target}, t.target)),
          el('td', {}, state(t.sync)),
          el('td', {}, state(t.health)),
          el('td', {class: 'mono', title: t.commit || ''}, short(t.commit)),
          el('td', {class: 'mono', title: t.digest || ''}, shortDigest(t.digest)),
          el('td', {class: 'count'}, String((t.drift || []).length)),
          el('td', {class: 'count'}, String((t.incidents || []).length))));
      body.push(el('tr', {class: 'more'}, el('td', {colspan: 7}, details(t, (view.history || {})[t.target]))));
    }
    if (view.targets.length === 0) {
      body.push(el('tr', {}, el('td', {colspan: 7, class: 'none'},
          view.updatedAt ? 'No targets: nothing has been rendered yet (is the renderer running, and does it know a repository?)'
                         : 'Reading Verity\'s topics…')));
    }
    rows.replaceChildren(...body);
    summarise(view);
    problem(view.error && view.updatedAt ? 'Not up to date: ' + view.error : view.error);
  }

  function summarise(view) {
    const counts = {};
    for (const t of view.targets) counts[t.sync] = (counts[t.sync] || 0) + 1;
    const parts = Object.keys(counts).sort().map(k => counts[k] + ' ' + k);
    const drift = view.targets.reduce((n, t) => n + (t.drift || []).length, 0);
    const incidents = view.targets.reduce((n, t) => n + (t.incidents || []).length, 0);
    let text = view.targets.length + (view.targets.length === 1 ? ' target' : ' targets')
        + (parts.length ? ' (' + parts.join(', ') + ')' : '')
        + '; ' + drift + ' open drift, ' + incidents + (incidents === 1 ? ' open incident' : ' open incidents') + '.';
    if (view.updatedAt) text += ' Last change read at ' + when(view.updatedAt) + ' UTC.';
    if (view.unreadableRecords > 0) {
      text += ' ' + view.unreadableRecords + ' records could not be read (events of a newer Verity, or poison records).';
    }
    document.getElementById('summary').textContent = text;
  }

  function problem(text) {
    const p = document.getElementById('problem');
    p.textContent = text || '';
    p.hidden = !text;
  }

  function openFromHash() {
    const target = decodeURIComponent(location.hash.replace(/^#/, ''));
    if (!target) return;
    open.add(target);
    const box = document.getElementById(anchor(target));
    if (box) {
      box.open = true;
      if (box.getBoundingClientRect().top > window.innerHeight * 0.6) box.scrollIntoView({block: 'start'});
    }
  }

  async function poll() {
    let wait = POLL_MS;
    try {
      const response = await fetch(api, {headers: etag ? {'If-None-Match': etag} : {}, cache: 'no-store'});
      if (response.status === 200) {
        etag = response.headers.get('ETag');
        const first = lastView === null;
        draw(await response.json());
        if (first) openFromHash();
      } else if (response.status !== 304) {
        problem('The notifier answered ' + response.status + ' for ' + api + '; trying again.');
        wait = RETRY_MS;
      } else if (lastView && !lastView.error) {
        problem(null);
      }
    } catch (e) {
      problem('Cannot reach the notifier (' + e.message + '); showing what was read before, trying again.');
      wait = RETRY_MS;
    }
    setTimeout(poll, wait);
  }

  window.addEventListener('hashchange', openFromHash);
  poll();
})();
