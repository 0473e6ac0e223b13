import Mustache

/// AgentView's pages as Mustache templates, kept as Swift strings: they build into the binary
/// with the code (no resource bundle to find at run time, nothing to install beside `herald`),
/// and a page and the code that fills it change together. Every `{{value}}` is HTML-escaped by
/// Mustache; the unescaped tags are the layout's `{{{body}}}`, a page already rendered, the
/// operations page's `{{{chart}}}`, SVG drawn by the server from method names and numbers, and
/// the customer page's `{{{commsRows}}}` and filter `{{{…Options}}}`, written with `HTML.escape`
/// (`commsRowsHTML`, `optionsHTML`).
enum AgentTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("sign-in", signIn), ("home", home), ("search", search), ("customer", customer),
            ("audit", audit), ("message", message), ("comm", comm), ("one-off", oneOff),
            ("catalog", catalog), ("catalog-code", catalogCode), ("operations", operations), ("preview-body", previewBody),
        ] {
            // The templates are fixed text, checked by the tests: a parse error is a bug here.
            try! library.register(text, named: name)
        }
        return library
    }()

    static let layout = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Herald AgentView</title>
    <link rel="stylesheet" href="/agent/static/agent.css">
    </head>
    <body>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
    <p class="brand"><a href="/agent">Herald AgentView</a></p>
    {{#user}}
    <nav aria-label="Main">
    <ul>
    <li><a href="/agent">Search</a></li>
    <li><a href="/agent/catalog">Catalog</a></li>
    {{#supervisor}}<li><a href="/agent/operations">Operations</a></li>{{/supervisor}}
    {{#supervisor}}<li><a href="/agent/audit">Audit</a></li>{{/supervisor}}
    </ul>
    </nav>
    <form class="signout" method="post" action="/agent/sign-out">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <span>{{name}} ({{role}})</span>
    <button type="submit">Sign out</button>
    </form>
    {{/user}}
    </header>
    <main id="main">
    {{{body}}}
    </main>
    </body>
    </html>
    """

    static let signIn = """
    <h1>Sign in</h1>
    {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/agent/sign-in" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="name">User name</label>
    <input id="name" name="name" autocomplete="username" required value="{{name}}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
    </form>
    """

    static let searchForm = """
    <form method="get" action="/agent/search" role="search" class="inline">
    <label for="q">Customer id, account id, subscription id, MSISDN, email or name</label>
    <input id="q" name="q" value="{{query}}" required>
    <button type="submit">Search</button>
    </form>
    """

    static let home = """
    <h1>Find a customer</h1>
    \(searchForm)
    """

    static let search = """
    <h1>Search</h1>
    \(searchForm)
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{#hasMatches}}
    <table>
    <caption>{{count}} customers match “{{query}}”</caption>
    <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Mobile</th><th scope="col">Matched by</th></tr></thead>
    <tbody>
    {{#matches}}
    <tr><td><a href="{{href}}">{{id}}</a></td><td>{{name}}</td><td>{{email}}</td><td>{{mobile}}</td><td>{{matchedBy}}</td></tr>
    {{/matches}}
    </tbody>
    </table>
    {{/hasMatches}}
    """

    static let customer = """
    <h1>{{displayName}} <span class="id">{{id}}</span></h1>
    <div class="cards">
    <section aria-labelledby="contact">
    <h2 id="contact">Contact points</h2>
    <dl>
    <dt>Email</dt><dd>{{#email}}{{email}}{{/email}}{{^email}}none{{/email}}</dd>
    <dt>Mobile</dt><dd>{{#mobile}}{{mobile}}{{/mobile}}{{^mobile}}none{{/mobile}}</dd>
    <dt>Postal address</dt><dd>{{#address}}<address>{{#lines}}{{.}}<br>{{/lines}}{{postcode}}{{#country}} {{country}}{{/country}}</address>{{/address}}{{^address}}none{{/address}}</dd>
    <dt>External id</dt><dd>{{#externalId}}{{externalId}}{{/externalId}}{{^externalId}}none{{/externalId}}</dd>
    </dl>
    <h3>Push tokens</h3>
    {{#hasTokens}}
    <table>
    <thead><tr><th scope="col">Platform</th><th scope="col">Token</th><th scope="col">State</th></tr></thead>
    <tbody>
    {{#tokens}}<tr><td>{{platform}}</td><td class="token">{{token}}</td><td>{{state}}</td></tr>{{/tokens}}
    </tbody>
    </table>
    {{/hasTokens}}
    {{^hasTokens}}<p>none</p>{{/hasTokens}}
    </section>
    <section aria-labelledby="prefs">
    <h2 id="prefs">Preferences</h2>
    <dl>
    <dt>Language</dt><dd>{{language}}</dd>
    <dt>Time zone</dt><dd>{{timeZone}}</dd>
    <dt>Preferred methods</dt><dd>{{#preferred}}{{preferred}}{{/preferred}}{{^preferred}}none{{/preferred}}</dd>
    <dt>Opt-outs</dt><dd>{{#hasOptOuts}}<ul>{{#optOuts}}<li>{{.}}</li>{{/optOuts}}</ul>{{/hasOptOuts}}{{^hasOptOuts}}none{{/hasOptOuts}}</dd>
    <dt>Quiet hours</dt><dd>{{#quietHours}}{{quietHours}}{{/quietHours}}{{^quietHours}}none{{/quietHours}}</dd>
    </dl>
    </section>
    <section aria-labelledby="holdings">
    <h2 id="holdings">Accounts and subscriptions</h2>
    <ul>
    {{#accounts}}<li>Account {{id}} ({{currency}}{{#amountDue}}, due {{amountDue}}{{/amountDue}})</li>{{/accounts}}
    {{#subscriptions}}<li>Subscription {{id}}{{#msisdn}}, {{msisdn}}{{/msisdn}}{{#plan}}, {{plan}}{{/plan}}{{#accountId}} (account {{accountId}}){{/accountId}}</li>{{/subscriptions}}
    </ul>
    </section>
    </div>
    <section aria-labelledby="comms">
    <h2 id="comms">Comms</h2>
    <p><a href="{{href}}/one-off">Send a one-off comm</a></p>
    <form method="get" action="{{href}}" class="filters">
    <label for="status">Status</label>
    <select id="status" name="status"><option value="">any</option>{{{statusesOptions}}}</select>
    <label for="method">Method</label>
    <select id="method" name="method"><option value="">any</option>{{{methodsOptions}}}</select>
    <label for="code">Code</label>
    <input id="code" name="code" value="{{filterCode}}" size="12">
    <label for="level">Level</label>
    <select id="level" name="level"><option value="">any</option>{{{levelsOptions}}}</select>
    <label for="from">From</label>
    <input id="from" name="from" type="date" value="{{filterFrom}}">
    <label for="to">To</label>
    <input id="to" name="to" type="date" value="{{filterTo}}">
    <button type="submit">Filter</button>
    </form>
    {{#hasComms}}
    <div class="scroll">
    <table class="comms">
    <caption>Newest first</caption>
    <thead><tr>
    <th scope="col">Code</th><th scope="col">Description</th><th scope="col">Method</th><th scope="col">Sent to</th>
    <th scope="col">Request status</th><th scope="col">Target request status</th><th scope="col">Distribution status</th>
    <th scope="col">Raised at</th><th scope="col">Created</th><th scope="col">Sent</th><th scope="col">Read</th><th scope="col">Priority</th>
    </tr></thead>
    <tbody>
    {{{commsRows}}}
    </tbody>
    </table>
    </div>
    {{/hasComms}}
    {{^hasComms}}<p>No comms{{#filtered}} match these filters{{/filtered}}.</p>{{/hasComms}}
    {{#next}}<p><a rel="next" href="{{next}}">Older comms</a></p>{{/next}}
    </section>
    """

    static let audit = """
    <h1>Audit</h1>
    <table>
    <caption>The newest {{count}} actions of agents</caption>
    <thead><tr><th scope="col">At</th><th scope="col">Agent</th><th scope="col">Action</th><th scope="col">Request</th><th scope="col">Reason</th><th scope="col">Detail</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{at}}</td><td>{{agent}}</td><td>{{action}}</td><td>{{requestId}}</td><td>{{reason}}</td><td>{{detail}}</td></tr>{{/rows}}
    </tbody>
    </table>
    """

    static let comm = """
    <h1>Comm {{code}} <span class="id">{{id}}</span></h1>
    <p>{{description}}{{#customerHref}} · <a href="{{customerHref}}">Customer {{customerId}}</a>{{/customerHref}}</p>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    <div class="cards">
    <section aria-labelledby="header">
    <h2 id="header">Request</h2>
    <dl>
    <dt>Status</dt><dd class="{{targetStatus}}">{{status}} ({{statusCode}}), {{targetStatus}}</dd>
    <dt>Priority</dt><dd>{{priority}}</dd>
    <dt>Raised at</dt><dd>{{level}} {{levelId}}</dd>
    <dt>Source</dt><dd>{{source}}, by {{createdBy}}</dd>
    <dt>Created</dt><dd>{{created}}</dd>
    <dt>Updated</dt><dd>{{updated}}</dd>
    {{#overrideMethod}}<dt>Method asked</dt><dd>{{overrideMethod}}</dd>{{/overrideMethod}}
    {{#copyOf}}<dt>Copy of</dt><dd><a href="{{copyOfHref}}">{{copyOf}}</a></dd>{{/copyOf}}
    {{#workflowEventId}}<dt>Workflow event</dt><dd>{{workflowEventId}}</dd>{{/workflowEventId}}
    {{#externalTriggerId}}<dt>External trigger</dt><dd>{{externalTriggerId}}</dd>{{/externalTriggerId}}
    </dl>
    </section>
    <section aria-labelledby="distribution">
    <h2 id="distribution">Distribution</h2>
    {{#distribution}}
    <dl>
    <dt>Method</dt><dd>{{method}}</dd>
    <dt>Sent to</dt><dd class="target">{{target}}{{#alias}} ({{alias}}){{/alias}}</dd>
    <dt>Status</dt><dd>{{status}} ({{statusCode}})</dd>
    <dt>Language</dt><dd>{{language}}</dd>
    <dt>Attempts</dt><dd>{{attempts}}</dd>
    {{#reference}}<dt>Provider reference</dt><dd class="target">{{reference}}</dd>{{/reference}}
    {{#excludedUntil}}<dt>Quiet hours until</dt><dd>{{excludedUntil}}</dd>{{/excludedUntil}}
    {{#retryAt}}<dt>Next retry</dt><dd>{{retryAt}}</dd>{{/retryAt}}
    <dt>Sent</dt><dd>{{#sent}}{{sent}}{{/sent}}{{^sent}}not yet{{/sent}}</dd>
    {{#actualMethod}}<dt>Actual method</dt><dd>{{actualMethod}}</dd>{{/actualMethod}}
    {{#actualTarget}}<dt>Actual target</dt><dd class="target">{{actualTarget}}</dd>{{/actualTarget}}
    {{#actualSent}}<dt>Actually sent</dt><dd>{{actualSent}}</dd>{{/actualSent}}
    <dt>Read</dt><dd>{{#read}}{{read}}{{/read}}{{^read}}not known{{/read}}</dd>
    {{#lastError}}<dt>Last error</dt><dd class="error">{{lastError}}</dd>{{/lastError}}
    {{#fileLocation}}<dt>Local document</dt><dd class="target">{{fileLocation}}</dd>{{/fileLocation}}
    </dl>
    {{/distribution}}
    {{^distribution}}<p>Not processed yet: no method chosen.</p>{{/distribution}}
    </section>
    {{#stored}}
    <section aria-labelledby="stored">
    <h2 id="stored">Stored document</h2>
    <dl>
    <dt>Status</dt><dd>{{status}}</dd>
    {{#backend}}<dt>Backend</dt><dd>{{backend}}</dd>{{/backend}}
    {{#location}}<dt>Location</dt><dd class="target">{{location}}</dd>{{/location}}
    {{#sha256}}<dt>SHA-256</dt><dd class="target">{{sha256}}</dd>{{/sha256}}
    {{#size}}<dt>Size</dt><dd>{{size}} bytes</dd>{{/size}}
    {{#storedAt}}<dt>Stored</dt><dd>{{storedAt}}</dd>{{/storedAt}}
    {{#keyId}}<dt>Key</dt><dd>{{keyId}}</dd>{{/keyId}}
    {{#chainSeq}}<dt>Chain position</dt><dd>{{chainSeq}}</dd>{{/chainSeq}}
    <dt>Local copy</dt><dd class="target">{{local}}</dd>
    {{#lastError}}<dt>Last error</dt><dd class="error">{{lastError}} ({{attempts}} attempts)</dd>{{/lastError}}
    </dl>
    </section>
    {{/stored}}
    </div>
    {{#hasProblems}}
    <section aria-labelledby="problems">
    <h2 id="problems">Why it was not sent</h2>
    <ul class="problems">
    {{#problems}}<li><strong>{{kind}}</strong> ({{at}}): {{reason}}<br><span class="notice">{{explanation}}</span></li>{{/problems}}
    </ul>
    </section>
    {{/hasProblems}}
    {{#message}}
    <section aria-labelledby="text">
    <h2 id="text">Text of the {{method}}</h2>
    <pre class="message">{{text}}</pre>
    </section>
    {{/message}}
    {{#emailHref}}
    <section aria-labelledby="email">
    <h2 id="email">Email</h2>
    <iframe class="email" title="The email as sent" src="{{emailHref}}" sandbox referrerpolicy="no-referrer"></iframe>
    </section>
    {{/emailHref}}
    {{#letterHref}}
    <section aria-labelledby="letter">
    <h2 id="letter">Letter</h2>
    <object class="letter" data="{{letterHref}}" type="application/pdf" aria-label="The letter (PDF)"><p>The letter cannot be shown here.</p></object>
    <p><a href="{{letterHref}}">Open the letter (PDF)</a> · <a href="{{letterDownload}}" download>Download the PDF</a></p>
    </section>
    {{/letterHref}}
    <section aria-labelledby="timeline">
    <h2 id="timeline">Status timeline</h2>
    <table>
    <thead><tr><th scope="col">At</th><th scope="col">What</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Who</th><th scope="col">Why</th></tr></thead>
    <tbody>
    {{#timeline}}<tr><td><time datetime="{{atISO}}">{{at}}</time></td><td>{{entity}}</td><td>{{from}}</td><td>{{to}}</td><td>{{actor}}</td><td>{{reason}}</td></tr>{{/timeline}}
    </tbody>
    </table>
    </section>
    <section aria-labelledby="fields">
    <h2 id="fields">Merge fields</h2>
    {{#hasRequestFields}}
    <table>
    <caption>Given with the trigger</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
    <tbody>{{#requestFields}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/requestFields}}</tbody>
    </table>
    {{/hasRequestFields}}
    {{^hasRequestFields}}<p>No fields were given with the trigger.</p>{{/hasRequestFields}}
    {{#hasDistributionFields}}
    <table>
    <caption>As merged (default and trigger fields)</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
    <tbody>{{#distributionFields}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/distributionFields}}</tbody>
    </table>
    {{/hasDistributionFields}}
    </section>
    {{#hasActions}}
    <section aria-labelledby="actions">
    <h2 id="actions">Actions</h2>
    <div class="cards">
    {{#canCancel}}
    <form method="post" action="{{href}}/cancel" class="stack">
    <h3>Cancel</h3>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="cancel-reason">Reason</label>
    <input id="cancel-reason" name="reason" required maxlength="500">
    <button type="submit">Cancel this comm</button>
    </form>
    {{/canCancel}}
    {{#canResend}}
    <form method="post" action="{{href}}/resend" class="stack">
    <h3>Resend</h3>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="resend-method">Method</label>
    <select id="resend-method" name="method"><option value="">as the code decides</option>{{#resendMethods}}<option value="{{.}}">{{.}}</option>{{/resendMethods}}</select>
    <label for="resend-reason">Reason</label>
    <input id="resend-reason" name="reason" required maxlength="500">
    <button type="submit">Resend as a new comm</button>
    </form>
    {{/canResend}}
    {{#canRequeue}}
    <form method="post" action="{{href}}/requeue" class="stack">
    <h3>Requeue</h3>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="requeue-reason">Reason</label>
    <input id="requeue-reason" name="reason" required maxlength="500">
    <button type="submit">Put back in the queue</button>
    </form>
    {{/canRequeue}}
    </div>
    </section>
    {{/hasActions}}
    """

    static let oneOff = """
    <h1>One-off comm <span class="id">for <a href="{{customerHref}}">{{customerName}} ({{customerId}})</a></span></h1>
    <form method="get" action="{{href}}" class="inline">
    <label for="code">Comms code</label>
    <select id="code" name="code">{{#codes}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{code}}: {{description}}</option>{{/codes}}</select>
    <button type="submit">Choose</button>
    </form>
    {{#chosen}}
    <form method="post" action="{{href}}" class="stack wide">
    <h2>{{code}}: {{description}}</h2>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="code" value="{{code}}">
    <label for="method">Method</label>
    <select id="method" name="method"><option value="">as the code decides</option>{{#methods}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/methods}}</select>
    <label for="target">Raise at</label>
    <select id="target" name="target">{{#targets}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/targets}}</select>
    {{#fields}}
    <label for="f-{{name}}">{{name}}{{#required}} (required){{/required}}</label>
    <input id="f-{{name}}" name="f.{{name}}" value="{{value}}"{{#required}} required{{/required}}>
    {{/fields}}
    <label for="reason">Reason (needed to send)</label>
    <input id="reason" name="reason" value="{{reason}}" maxlength="500">
    <div class="inline"><button type="submit" name="do" value="preview">Preview</button><button type="submit" name="do" value="send">Send</button></div>
    </form>
    {{/chosen}}
    {{#preview}}
    <section aria-labelledby="preview" class="preview">
    <h2 id="preview">Preview ({{method}})</h2>
    {{> preview-body}}
    </section>
    {{/preview}}
    """

    /// A merged preview's problems, note, subject, text and HTML (the one-off form's and the
    /// catalog's), included as the partial `{{> preview-body}}`.
    static let previewBody = """
    {{#problems}}<p class="error" role="alert">{{.}}</p>{{/problems}}
    {{#note}}<p class="notice">{{note}}</p>{{/note}}
    {{#subject}}<p><strong>Subject:</strong> {{subject}}</p>{{/subject}}
    {{#text}}<pre class="message">{{text}}</pre>{{/text}}
    {{#html}}<iframe class="email" title="Preview of the merged HTML" sandbox srcdoc="{{html}}"></iframe>{{/html}}
    """

    static let catalog = """
    <h1>Catalog</h1>
    <div class="scroll">
    <table>
    <caption>{{count}} comms codes; open one to preview its templates with sample data</caption>
    <thead><tr><th scope="col">Code</th><th scope="col">Description</th><th scope="col">Methods</th><th scope="col">Languages</th>\
    <th scope="col">Required fields</th><th scope="col">Optional fields</th><th scope="col">Priority</th><th scope="col">Category</th><th scope="col">State</th></tr></thead>
    <tbody>
    {{#codes}}<tr><td><a href="{{href}}">{{code}}</a></td><td>{{description}}</td><td>{{methods}}</td><td>{{languages}}</td><td>{{required}}</td>\
    <td>{{optional}}</td><td>{{priority}}</td><td>{{category}}</td><td>{{state}}</td></tr>
    {{/codes}}
    </tbody>
    </table>
    </div>
    """

    static let catalogCode = """
    <h1>{{code}} <span class="id">{{description}}</span></h1>
    <p><a href="/agent/catalog">All codes</a>{{#defaultFields}} · default fields: {{defaultFields}}{{/defaultFields}}</p>
    <form method="get" action="{{href}}" class="filters">
    <label for="method">Method</label>
    <select id="method" name="method">{{#methods}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/methods}}</select>
    <label for="language">Language</label>
    <select id="language" name="language">{{#languages}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/languages}}</select>
    {{#fields}}<label for="f-{{name}}">{{name}}</label><input id="f-{{name}}" name="f.{{name}}" value="{{value}}">{{/fields}}
    <button type="submit">Preview</button>
    </form>
    {{#preview}}
    <section aria-labelledby="preview" class="preview">
    <h2 id="preview">Preview ({{method}}) with sample data</h2>
    {{> preview-body}}
    </section>
    {{/preview}}
    """

    static let operations = """
    <h1>Operations</h1>
    <div class="cards">
    <section aria-labelledby="queues">
    <h2 id="queues">Queues</h2>
    <table>
    <thead><tr><th scope="col">Stage</th><th scope="col">Waiting</th><th scope="col">Oldest waiting since</th><th scope="col">Age</th></tr></thead>
    <tbody>
    {{#stages}}<tr><td>{{stage}}</td><td>{{waiting}}</td><td>{{oldest}}</td><td>{{age}}</td></tr>{{/stages}}
    </tbody>
    </table>
    </section>
    <section aria-labelledby="sent">
    <h2 id="sent">Sent and failed, last 24 hours</h2>
    <figure class="chart">{{{chart}}}</figure>
    <table>
    <thead><tr><th scope="col">Method</th><th scope="col">Sent</th><th scope="col">Failed</th></tr></thead>
    <tbody>{{#counts}}<tr><td>{{method}}</td><td>{{sent}}</td><td>{{failed}}</td></tr>{{/counts}}</tbody>
    </table>
    </section>
    </div>
    <section aria-labelledby="errors">
    <h2 id="errors">Recent errors</h2>
    {{#hasProblems}}
    <table>
    <thead><tr><th scope="col">At</th><th scope="col">Comm</th><th scope="col">Code</th><th scope="col">What</th><th scope="col">Reason</th></tr></thead>
    <tbody>
    {{#problems}}<tr><td>{{at}}</td><td><a href="{{href}}">{{requestId}}</a></td><td>{{code}}</td><td>{{kind}}</td><td>{{reason}}</td></tr>{{/problems}}
    </tbody>
    </table>
    {{/hasProblems}}
    {{^hasProblems}}<p>No errors recorded.</p>{{/hasProblems}}
    </section>
    """

    static let message = """
    <h1>{{title}}</h1>
    <p>{{message}}</p>
    <p><a href="/agent">Back to search</a></p>
    """

    /// `/agent/static/agent.css`: plain, readable, high contrast; no inline styles anywhere
    /// (the CSP allows only this file).
    static let css = """
    :root { --fg: #1a1a1a; --muted: #555; --line: #c8c8c8; --accent: #0b57a4; --error: #a40b0b; --bg: #fff; --band: #f3f5f8; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
    a { color: var(--accent); }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
    .top { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 8px 16px; background: var(--band); border-bottom: 1px solid var(--line); }
    .brand { margin: 0; font-weight: 600; }
    .brand a { color: var(--fg); text-decoration: none; }
    nav ul { list-style: none; display: flex; gap: 12px; margin: 0; padding: 0; }
    .signout { margin-left: auto; display: flex; gap: 8px; align-items: center; }
    main { padding: 16px; max-width: 1400px; }
    h1 { font-size: 1.5rem; margin: 0 0 12px; }
    h1 .id { color: var(--muted); font-weight: normal; font-size: 1rem; }
    h2 { font-size: 1.15rem; margin: 16px 0 8px; }
    h3 { font-size: 1rem; margin: 12px 0 6px; }
    .stack { display: grid; gap: 6px; max-width: 320px; }
    .inline, .filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
    input, select, button { font: inherit; padding: 4px 8px; border: 1px solid #767676; border-radius: 3px; }
    button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
    :focus-visible { outline: 3px solid #f5a623; outline-offset: 1px; }
    .error { color: var(--error); font-weight: 600; }
    .notice { color: var(--muted); }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
    .cards section { border: 1px solid var(--line); border-radius: 4px; padding: 8px 12px; }
    dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; margin: 0; }
    dt { color: var(--muted); }
    dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
    .cards section { min-width: 0; overflow-wrap: anywhere; }
    address { font-style: normal; }
    table { border-collapse: collapse; width: 100%; }
    caption { text-align: left; color: var(--muted); padding: 4px 0; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
    thead th { background: var(--band); }
    .scroll { overflow-x: auto; }
    .token, .target { overflow-wrap: anywhere; min-width: 14ch; }
    tr.error td { color: var(--error); }
    dd.error { color: var(--error); }
    .message { white-space: pre-wrap; background: var(--band); padding: 8px 12px; border: 1px solid var(--line); max-width: 70ch; }
    iframe.email { width: 100%; max-width: 900px; height: 600px; border: 1px solid var(--line); background: #fff; }
    object.letter { width: 100%; max-width: 900px; height: 800px; border: 1px solid var(--line); }
    .problems li { margin-bottom: 6px; }
    .stack.wide { max-width: 520px; }
    figure.chart { margin: 0 0 8px; overflow-x: auto; }
    figure.chart svg { max-width: 100%; height: auto; }
    """
}
