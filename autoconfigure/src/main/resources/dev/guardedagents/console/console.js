/*
 * The Guarded Agents console. It reads and acts only through the agentruns and
 * agentreviews actuator endpoints, as the signed-in user: what the endpoints refuse, the
 * console shows as refused. Every value from the server is set as text, never as markup.
 */
(function () {
  'use strict';

  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.getAttribute('content') : '';
  }

  var ACTUATOR = meta('guarded-agents-actuator');
  var CSRF_HEADER = meta('guarded-agents-csrf-header');
  var CSRF_TOKEN = meta('guarded-agents-csrf-token');
  var RUN_STATUSES = ['RUNNING', 'WAITING', 'QUEUED', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
  var FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
  var view = document.getElementById('view');
  var message = document.getElementById('message');
  var refreshTimer = null;
  var keepMessage = false;
  var shownRun = null;

  // ---- DOM helpers -------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (key === 'text') {
        node.textContent = String(value);
      } else if (key === 'onclick' || key === 'onsubmit' || key === 'onchange') {
        node.addEventListener(key.substring(2), value);
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function show(nodes) {
    view.replaceChildren.apply(view, nodes);
  }

  function say(text, kind) {
    message.textContent = text;
    message.className = kind || '';
    message.hidden = !text;
  }

  function time(value) {
    return value ? String(value).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  }

  function money(value) {
    return (value === null || value === undefined) ? '' : Number(value).toFixed(6).replace(/0{1,4}$/, '');
  }

  function json(value) {
    return (value === null || value === undefined) ? null
      : el('pre', { text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) });
  }

  function status(value) {
    return el('span', { 'class': 'status status-' + value, text: value });
  }

  function table(headers, rows, id) {
    return el('table', { id: id }, [
      el('thead', {}, [el('tr', {}, headers.map(function (header) { return el('th', { text: header }); }))]),
      el('tbody', {}, rows)
    ]);
  }

  function cell(value, numeric) {
    return el('td', { 'class': numeric ? 'num' : null }, [value === null || value === undefined ? ''
      : (typeof value === 'object' ? value : String(value))]);
  }

  function runLink(id) {
    return el('a', { href: '#/run/' + encodeURIComponent(id), 'class': 'run-link', text: id });
  }

  // ---- the endpoints -----------------------------------------------------------------

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (CSRF_HEADER && CSRF_TOKEN) {
        headers[CSRF_HEADER] = CSRF_TOKEN;
      }
    }
    return fetch(ACTUATOR + path, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      redirect: 'manual',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.type === 'opaqueredirect') {
        throw new Error('Your session has ended: reload the page to sign in again.');
      }
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (ignored) {
          data = null;
        }
        if (!response.ok) {
          throw new Error(refusal(response.status, data));
        }
        return data;
      });
    });
  }

  function refusal(code, data) {
    var reason = data && (data.error && data.error !== 'Bad Request' ? data.error : data.message);
    if (code === 401) {
      return 'Not signed in (401)' + (reason ? ': ' + reason : '');
    }
    if (code === 403) {
      return 'Not allowed (403)' + (reason ? ': ' + reason : '');
    }
    if (code === 404 && !reason) {
      return 'Not found (404): is the endpoint exposed (management.endpoints.web.exposure.include)?';
    }
    return 'Refused (' + code + ')' + (reason ? ': ' + reason : '');
  }

  function query(params) {
    var parts = Object.keys(params).filter(function (key) {
      return params[key] !== '' && params[key] !== null && params[key] !== undefined;
    }).map(function (key) {
      return encodeURIComponent(key) + '=' + encodeURIComponent(params[key]);
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function failed(error) {
    say(error.message || String(error));
  }

  // ---- routing -----------------------------------------------------------------------

  function route() {
    if (!keepMessage) {
      say('');
    }
    keepMessage = false;
    shownRun = null;
    if (refreshTimer) {
      clearTimeout(refreshTimer);
      refreshTimer = null;
    }
    var hash = location.hash.replace(/^#\/?/, '');
    var question = hash.indexOf('?');
    var path = question >= 0 ? hash.substring(0, question) : hash;
    var params = {};
    new URLSearchParams(question >= 0 ? hash.substring(question + 1) : '').forEach(function (value, key) {
      params[key] = value;
    });
    var parts = path.split('/');
    var section = parts[0] || 'runs';
    document.querySelectorAll('nav a').forEach(function (link) {
      link.classList.toggle('active', link.id === 'nav-' + (section === 'run' ? 'runs' : section));
    });
    if (section === 'run' && parts[1]) {
      return runView(decodeURIComponent(parts[1]), Number(params.steps || 0));
    }
    if (section === 'reviews') {
      return reviewsView(params);
    }
    if (section === 'spend') {
      return spendView(params);
    }
    return runsView(params);
  }

  function go(hash, keep) {
    keepMessage = Boolean(keep);
    if (location.hash === hash) {
      route();
    } else {
      location.hash = hash;
    }
  }

  // ---- runs --------------------------------------------------------------------------

  function runsView(params) {
    var page = Number(params.page || 0);
    var statusSelect = el('select', { name: 'status', id: 'filter-status' }, [el('option', { value: '', text: 'any' })]
      .concat(RUN_STATUSES.map(function (value) {
        return el('option', { value: value, text: value, selected: params.status === value });
      })));
    var name = el('input', { name: 'name', id: 'filter-name', value: params.name || '', placeholder: 'plan name' });
    var key = el('input', { name: 'businessKey', id: 'filter-business-key', value: params.businessKey || '',
      placeholder: 'exact business key' });
    var filters = el('form', { 'class': 'filters', onsubmit: function (event) {
      event.preventDefault();
      go('#/runs' + query({ status: statusSelect.value, name: name.value.trim(), businessKey: key.value.trim() }));
    } }, [
      el('label', {}, ['Status', statusSelect]), el('label', {}, ['Plan', name]),
      el('label', {}, ['Business key', key]), el('button', { type: 'submit', id: 'search', text: 'Search' })
    ]);
    show([el('h2', { text: 'Runs' }), filters, el('p', { 'class': 'muted', text: 'Loading…' })]);
    api('GET', '/agentruns' + query({ status: params.status, name: params.name, businessKey: params.businessKey,
      page: page, size: 25 })).then(function (data) {
      var rows = data.runs.map(function (run) {
        var totals = run.totals || {};
        return el('tr', { 'data-run': run.id }, [
          cell(runLink(run.id)), cell(run.name), cell(status(run.status)), cell(run.businessKey),
          cell(run.stepCount, true), cell((totals.inputTokens || 0) + (totals.outputTokens || 0), true),
          cell(money(totals.cost), true), cell(time(run.createdAt))
        ]);
      });
      show([el('h2', { text: 'Runs' }), filters, data.mayAct ? bulkRetry(params, data.total) : null,
        rows.length ? table(['Run', 'Plan', 'Status', 'Business key', 'Steps', 'Tokens', 'Cost', 'Created'], rows,
          'runs') : el('p', { 'class': 'muted', id: 'runs', text: 'No runs match.' }),
        pager(page, data.size, data.total, function (to) {
          return '#/runs' + query({ status: params.status, name: params.name, businessKey: params.businessKey,
            page: to });
        }), schedules(data.schedules || [])]);
    }).catch(failed);
  }

  // the schedules this instance watches, with their next tick
  function schedules(list) {
    if (!list.length) {
      return null;
    }
    return el('section', {}, [el('h3', { text: 'Schedules' }), table(['Plan', 'Cron', 'Zone', 'Next tick', 'Catch-up'],
      list.map(function (schedule) {
        return el('tr', { 'data-schedule': schedule.name }, [cell(schedule.name), cell(schedule.cron),
          cell(schedule.zone), cell(time(schedule.nextTick)), cell(schedule.catchUp ? 'yes' : 'no')]);
      }), 'schedules')]);
  }

  // the failed runs of one plan, retried together (POST agentruns), for operators
  function bulkRetry(params, total) {
    if (params.status !== 'FAILED' || !params.name || total === 0) {
      return null;
    }
    var errorType = el('input', { id: 'retry-error-type', placeholder: 'any error type',
      'aria-label': 'only runs that failed with this exception class' });
    return el('div', { 'class': 'actions' }, [
      el('label', {}, ['Failed with (exception class)', errorType]),
      el('button', { id: 'retry-failed', text: 'Retry the failed runs of ' + params.name, onclick: function () {
        var body = { name: params.name, limit: 200 };
        if (errorType.value.trim()) {
          body.errorType = errorType.value.trim();
        }
        api('POST', '/agentruns', body).then(function (result) {
          say('Retried ' + result.retried.length + ' failed runs of ' + params.name, 'info');
          keepMessage = true;
          route();
        }).catch(failed);
      } })
    ]);
  }

  function pager(page, size, total, link) {
    var last = Math.max(0, Math.ceil(total / size) - 1);
    return el('div', { 'class': 'pager' }, [
      page > 0 ? el('a', { href: link(page - 1), text: '‹ previous' }) : null,
      el('span', { 'class': 'muted', text: 'page ' + (page + 1) + ' of ' + (last + 1) + ' (' + total + ')' }),
      page < last ? el('a', { href: link(page + 1), text: 'next ›' }) : null
    ]);
  }

  // ---- one run -----------------------------------------------------------------------

  function runView(id, stepsPage) {
    show([el('p', { 'class': 'muted', text: 'Loading run ' + id + '…' })]);
    shownRun = { id: id, stepsPage: stepsPage };
    loadRun(id);
  }

  function loadRun(id) {
    var stepsPage = (shownRun && shownRun.id === id) ? shownRun.stepsPage : 0;
    Promise.all([api('GET', '/agentruns/' + encodeURIComponent(id) + query({ size: 200, page: stepsPage })),
      decidableIds({ runId: id })]).then(function (loaded) {
      var detail = loaded[0];
      if (!detail) {
        throw new Error('No run ' + id);
      }
      if (!shownRun || shownRun.id !== id || shownRun.stepsPage !== stepsPage) {
        return;
      }
      renderRun(detail, loaded[1]);
      clearTimeout(refreshTimer);
      if (FINISHED.indexOf(detail.run.status) < 0) {
        refreshTimer = setTimeout(function () { loadRun(id); }, 2000);
      }
    }).catch(failed);
  }

  // the ids of the pending reviews the signed-in user may decide, as the endpoint says
  function decidableIds(filter) {
    return api('GET', '/agentreviews' + query(Object.assign({ size: 200 }, filter))).then(function (data) {
      return data.reviews.map(function (review) { return review.id; });
    });
  }

  function renderRun(detail, decidable) {
    var run = detail.run;
    var totals = run.totals || {};
    var summary = el('dl', { 'class': 'summary', id: 'run-summary' }, [
      el('dt', { text: 'Run' }), el('dd', { id: 'run-id', text: run.id }),
      el('dt', { text: 'Status' }), el('dd', { id: 'run-status' }, [status(run.status)]),
      el('dt', { text: 'Plan' }), el('dd', { text: run.name + ' (' + run.version + ')' }),
      el('dt', { text: 'Business key' }), el('dd', { text: run.businessKey || '' }),
      el('dt', { text: 'Started by' }), el('dd', { text: run.startedBy || '' }),
      el('dt', { text: 'Owner' }), el('dd', { text: run.owner || '' }),
      el('dt', { text: 'Sleeps until' }), el('dd', { id: 'run-wake', text: time(run.wakeAt) }),
      el('dt', { text: 'Waits for a message on' }), el('dd', { id: 'run-topic', text: run.receivesOn || '' }),
      el('dt', { text: 'Waits for child run' }),
      el('dd', { id: 'run-awaits' }, [run.awaits ? runLink(run.awaits) : '']),
      el('dt', { text: 'Parent run' }), el('dd', { id: 'run-parent' }, [run.parentId ? runLink(run.parentId) : '']),
      el('dt', { text: 'Created' }), el('dd', { text: time(run.createdAt) }),
      el('dt', { text: 'Finished' }), el('dd', { text: time(run.finishedAt) }),
      el('dt', { text: 'Model calls' }), el('dd', { text: totals.modelCalls || 0 }),
      el('dt', { text: 'Tool calls' }), el('dd', { text: totals.toolCalls || 0 }),
      el('dt', { text: 'Tokens (in/out)' }), el('dd', { text: (totals.inputTokens || 0) + ' / '
        + (totals.outputTokens || 0) }),
      el('dt', { text: 'Cost' }), el('dd', { text: money(totals.cost) + (totals.unpricedCalls
        ? ' (' + totals.unpricedCalls + ' unpriced)' : '') }),
      el('dt', { text: 'Recoveries' }), el('dd', { text: run.recoveries }),
      el('dt', { text: 'Compensation' }), el('dd', { text: run.compensation || '' }),
      el('dt', { text: 'Error' }), el('dd', { id: 'run-error', text: [run.errorType, run.errorMessage]
        .filter(Boolean).join(': ') })
    ]);
    var nodes = [el('p', {}, [el('a', { href: '#/runs', text: '‹ all runs' })]),
      el('h2', { text: 'Run ' + run.name }), summary, detail.mayAct ? runActions(run, detail.stepsTotal)
        : el('p', { 'class': 'muted', id: 'no-actions', text: 'Only operators may retry, cancel or fork runs.' })];
    if (run.arguments !== null && run.arguments !== undefined) {
      nodes.push(el('h2', { text: 'Arguments' }), json(run.arguments));
    }
    if (run.result !== null && run.result !== undefined) {
      nodes.push(el('h2', { text: 'Result' }), el('div', { id: 'run-result' }, [json(run.result)]));
    }
    nodes.push(el('h2', { text: 'Steps (' + detail.stepsTotal + ')' }), steps(detail.steps, 'steps'));
    if (detail.stepsTotal > detail.stepsSize) {
      nodes.push(pager(detail.stepsPage, detail.stepsSize, detail.stepsTotal, function (to) {
        return '#/run/' + encodeURIComponent(run.id) + query({ steps: to });
      }));
    }
    var pending = detail.reviews.filter(function (review) { return review.status === 'PENDING'; });
    nodes.push(el('h2', { text: 'Reviews' }));
    nodes.push(detail.reviews.length ? el('div', { id: 'run-reviews' }, detail.reviews.map(function (review) {
      return review.status === 'PENDING' ? reviewCard(review, decidable.indexOf(review.id) >= 0,
        function () { loadRun(run.id); })
        : el('div', { 'class': 'card' }, [status(review.status), ' ' + review.checkpoint + ' at step ' + review.seq
          + (review.reviewer ? ' by ' + review.reviewer : '') + (review.comment ? ': ' + review.comment : '')]);
    })) : el('p', { 'class': 'muted', text: pending.length ? '' : 'None.' }));
    if (detail.decisions.length) {
      nodes.push(el('h2', { text: 'Decisions' }), table(['Review', 'Decision', 'Reviewer', 'Via', 'At', 'Comment'],
        detail.decisions.map(function (decision) {
          return el('tr', {}, [cell(decision.reviewId), cell(decision.decision), cell(decision.reviewer),
            cell(decision.channel), cell(time(decision.decidedAt)), cell(decision.comment)]);
        }), 'decisions'));
    }
    if (detail.history.length) {
      nodes.push(el('h2', { text: 'Set aside by retries' }), steps(detail.history, 'history'));
    }
    if (detail.childrenTotal) {
      nodes.push(el('h2', { text: 'Children (' + detail.childrenTotal + ')' }), table(['Run', 'Plan', 'Status',
        'Created', 'Finished'], detail.children.map(function (child) {
        return el('tr', { 'data-child': child.id }, [el('td', {}, [runLink(child.id)]), cell(child.name),
          cell(status(child.status)), cell(time(child.createdAt)), cell(time(child.finishedAt))]);
      }), 'children'));
    }
    if (detail.actions.length) {
      nodes.push(el('h2', { text: 'Actions' }), table(['Action', 'By', 'At', 'Detail'],
        detail.actions.map(function (action) {
          return el('tr', {}, [cell(action.action), cell(action.actor), cell(time(action.at)), cell(action.detail)]);
        }), 'actions'));
    }
    show(nodes);
  }

  function steps(list, id) {
    var rows = [];
    list.forEach(function (step) {
      var usage = step.usage || {};
      rows.push(el('tr', { 'data-seq': step.seq }, [
        cell(step.seq, true), cell(step.kind), cell(step.name), cell(status(step.status)),
        cell(step.durationMillis.toFixed(1), true), cell(step.attempts + (step.fellBack ? ' (fallback)' : ''), true),
        cell(step.usage ? usage.inputTokens + ' / ' + usage.outputTokens : '', true), cell(money(usage.cost), true),
        cell(usage.promptName ? usage.promptName + ' v' + usage.promptVersion : ''), cell(usage.model),
        cell([step.errorType, step.errorMessage].filter(Boolean).join(': '))
      ]));
      if (step.input !== null && step.input !== undefined || step.output !== null && step.output !== undefined) {
        rows.push(el('tr', { 'class': 'payload' }, [el('td', {}), el('td', { colspan: 10 }, [
          el('details', {}, [el('summary', { text: 'input and output' }), json(step.input), json(step.output)])])]));
      }
    });
    return rows.length ? table(['#', 'Kind', 'Name', 'Status', 'ms', 'Attempts', 'Tokens', 'Cost', 'Prompt', 'Model',
      'Error'], rows, id) : el('p', { 'class': 'muted', id: id, text: 'No steps yet.' });
  }

  function runActions(run, stepCount) {
    var id = encodeURIComponent(run.id);
    var from = el('input', { type: 'number', id: 'fork-from', min: 1, max: stepCount + 1, value: Math.max(1, stepCount),
      'aria-label': 'fork from step' });
    var done = function (text) {
      return function (result) {
        say(text, 'info');
        return result;
      };
    };
    return el('div', { 'class': 'actions' }, [
      run.status === 'FAILED' ? el('button', { id: 'retry', text: 'Retry from the failed step', onclick: function () {
        api('POST', '/agentruns/' + id + '/retry', {}).then(done('Retried run ' + run.id))
          .then(function () { loadRun(run.id); }).catch(failed);
      } }) : null,
      FINISHED.indexOf(run.status) < 0 ? el('button', { id: 'cancel', 'class': 'danger', text: 'Cancel',
        onclick: function () {
          if (window.confirm('Cancel run ' + run.id + '?')) {
            api('DELETE', '/agentruns/' + id).then(done('Cancelled run ' + run.id))
              .then(function () { loadRun(run.id); }).catch(failed);
          }
        } }) : null,
      el('label', {}, ['Fork from step', from]),
      el('button', { id: 'fork', 'class': 'secondary', text: 'Fork', onclick: function () {
        api('POST', '/agentruns/' + id + '/fork', { fromStep: Number(from.value) }).then(function (fork) {
          say('Forked run ' + run.id + ' into run ' + fork.id, 'info');
          go('#/run/' + encodeURIComponent(fork.id), true);
        }).catch(failed);
      } }),
      el('button', { id: 'refresh', 'class': 'secondary', text: 'Refresh', onclick: function () { loadRun(run.id); } })
    ]);
  }

  // ---- reviews -----------------------------------------------------------------------

  function reviewsView(params) {
    var all = params.all === 'true';
    var toggle = el('a', { href: all ? '#/reviews' : '#/reviews?all=true', id: 'reviews-scope',
      text: all ? 'show only reviews I may decide' : 'show every pending review' });
    show([el('h2', { text: 'Pending reviews' }), toggle, el('p', { 'class': 'muted', text: 'Loading…' })]);
    Promise.all([api('GET', '/agentreviews' + query({ decidable: all ? 'false' : '', size: 50 })),
      all ? decidableIds({}) : null]).then(function (loaded) {
      var data = loaded[0];
      var decidable = loaded[1];
      var heading = all ? 'Every pending review' : 'Pending reviews'
        + (data.decidableBy ? ' for ' + data.decidableBy : '');
      show([el('h2', { text: heading }), el('p', {}, [toggle]),
        data.reviews.length ? el('div', { id: 'reviews' }, data.reviews.map(function (review) {
          return reviewCard(review, !decidable || decidable.indexOf(review.id) >= 0, function () {
            keepMessage = true;
            route();
          });
        })) : el('p', { 'class': 'muted', id: 'reviews', text: 'Nothing waits for you.' })]);
    }).catch(failed);
  }

  function reviewCard(review, mayDecide, after) {
    var comment = el('input', { 'class': 'comment', placeholder: 'comment', 'aria-label': 'comment' });
    var edits = review.editable.length ? el('textarea', { 'class': 'edits', 'aria-label': 'edits',
      placeholder: 'edits as JSON, for example {"' + review.editable[0] + '": …}' }) : null;
    var decide = function (decision, withEdits) {
      return function () {
        var body = { decision: decision, comment: comment.value || undefined };
        if (withEdits) {
          try {
            body.edits = JSON.parse(edits.value || '{}');
          } catch (error) {
            say('The edits are not JSON: ' + error.message);
            return;
          }
        }
        api('POST', '/agentreviews/' + encodeURIComponent(review.id), body).then(function (decided) {
          say((decision === 'APPROVE' ? 'Approved' : 'Rejected') + ' review ' + review.id + ' (' + decided.status
            + ', ' + decided.approvals + ' of ' + decided.requiredApprovals + ' approvals)', 'info');
          after();
        }).catch(failed);
      };
    };
    return el('div', { 'class': 'card review', 'data-review': review.id }, [
      el('div', {}, [status(review.status), ' ', el('strong', { text: review.checkpoint }),
        ' (' + review.kind.toLowerCase().replace('_', '-') + ') in run ', runLink(review.runId),
        ' at step ' + review.seq]),
      el('div', { 'class': 'muted', text: 'reviewers: ' + (review.reviewers || 'anyone') + '; approvals '
        + review.approvals + ' of ' + review.requiredApprovals + (review.deadline ? '; deadline ' + time(review.deadline)
        + ', then ' + review.onTimeout : '') }),
      review.summary ? el('p', { text: review.summary }) : null,
      json(review.payload),
      review.editable.length ? el('div', { 'class': 'muted', text: 'editable: ' + review.editable.join(', ') }) : null,
      mayDecide ? edits : null,
      mayDecide ? el('div', { 'class': 'actions' }, [comment,
        el('button', { 'class': 'approve', text: 'Approve', onclick: decide('APPROVE', false) }),
        edits ? el('button', { 'class': 'approve-edits secondary', text: 'Approve with edits',
          onclick: decide('APPROVE', true) }) : null,
        el('button', { 'class': 'reject danger', text: 'Reject', onclick: decide('REJECT', false) })])
        : el('p', { 'class': 'muted not-yours', text: 'You may not decide this review (reviewers: '
          + (review.reviewers || 'anyone') + '), or you have already approved it.' })
    ]);
  }

  // ---- spend -------------------------------------------------------------------------

  function spendView(params) {
    var by = params.by || 'plan';
    var page = Number(params.page || 0);
    var today = new Date();
    var weekAgo = new Date(today.getTime() - 7 * 86400000);
    var from = el('input', { type: 'date', id: 'spend-from', value: params.from || weekAgo.toISOString().slice(0, 10) });
    var to = el('input', { type: 'date', id: 'spend-to', value: params.to
      || new Date(today.getTime() + 86400000).toISOString().slice(0, 10) });
    var grouping = el('select', { id: 'spend-by' }, ['plan', 'business-key', 'model', 'day'].map(function (value) {
      return el('option', { value: value, text: value, selected: value === by });
    }));
    var form = el('form', { 'class': 'filters', onsubmit: function (event) {
      event.preventDefault();
      go('#/spend' + query({ by: grouping.value, from: from.value, to: to.value }));
    } }, [el('label', {}, ['By', grouping]), el('label', {}, ['From', from]), el('label', {}, ['To (exclusive)', to]),
      el('button', { type: 'submit', text: 'Show' })]);
    show([el('h2', { text: 'Spend' }), form, el('p', { 'class': 'muted', text: 'Loading…' })]);
    api('GET', '/agentruns/spend/' + by + query({ from: from.value, to: to.value, page: page, size: 50 }))
      .then(function (data) {
          var line = function (group, label) {
          return el('tr', {}, [cell(label), cell(group.runs, true), cell(group.modelCalls, true),
            cell(group.inputTokens, true), cell(group.outputTokens, true), cell(money(group.cost), true),
            cell(group.unpriced, true)]);
        };
        var rows = data.groups.map(function (group) { return line(group, group.key || '(none)'); });
        rows.push(line(data.total, 'total'));
        show([el('h2', { text: 'Spend by ' + by }), form, table([by, 'Runs', 'Model calls', 'Input tokens',
          'Output tokens', 'Cost', 'Unpriced calls'], rows, 'spend'),
          pager(page, data.size, data.groupCount, function (target) {
            return '#/spend' + query({ by: by, from: from.value, to: to.value, page: target });
          })]);
      }).catch(failed);
  }

  window.addEventListener('hashchange', route);
  route();
}());
