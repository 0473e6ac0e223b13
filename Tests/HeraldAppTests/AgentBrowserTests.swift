import Foundation
import HeraldAppTestSupport
import HeraldTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// AgentView in a real browser: `herald demo`, then `herald serve` on its folder, driven by
/// headless Chromium through Selenium (a Python script): sign-in failure, lockout, sign-in,
/// search by MSISDN, a customer and its filter, a letter (PDF as `application/pdf`), an email
/// whose script must not run (the sandbox), cancel (status `C` and an audit row), resend
/// (`copyOf`), a one-off comm with preview, a CSRF-less POST (403), an agent refused the
/// supervisor pages, sign-out. axe-core checks every page (no serious or critical violation);
/// screenshots of every page go to `.build/screenshots/agent/`. Chromium, chromedriver,
/// selenium and selenium-axe-python come from scripts/test.sh; without them the test fails.
struct AgentBrowserTests {
    static let binary = packageRoot.appendingPathComponent(".build/debug/herald")
    static let key = "browser-test-key"
    static let screenshots = packageRoot.appendingPathComponent(".build/screenshots/agent")

    /// Runs `herald` with `arguments` (and `input` on stdin); expects exit 0.
    func herald(_ arguments: [String], input: String = "") async throws -> String {
        let result = try await TestProcess.run(Self.binary.path, arguments, input: Array(input.utf8))
        #expect(result.status == 0, "herald \(arguments.joined(separator: " ")): \(result.errors)")
        return result.output
    }

    static func call(_ method: String, _ url: String, json: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    @Test func agentFlowsInHeadlessChromium() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the herald product first (swift build)")
        for tool in ["chromium", "chromedriver"] {
            try #require(TestProcess.which(tool) != nil, "\(tool) is not installed; scripts/test.sh installs chromium and chromium-driver")
        }
        let modules = try await TestProcess.python("import selenium, selenium_axe_python")
        try #require(modules.status == 0, "selenium / selenium-axe-python missing (scripts/test.sh installs them): \(modules.errors)")

        let dir = temporaryDirectory("agent-browser")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await herald(["demo", "--data-dir", dir.path])
        // The welcome email carries a script: shown to the agent, it must not run.
        let template = dir.appendingPathComponent("catalog/WELCOME/email.en.html.mustache")
        let html = try String(contentsOf: template, encoding: .utf8)
        try html.replacingOccurrences(of: "</body>", with: #"<script>document.body.insertAdjacentHTML("beforeend", "<p id=\"ran\">the script ran</p>")</script></body>"#)
            .write(to: template, atomically: true, encoding: .utf8)
        let passwords = ["demo": "demo-password-1", "kim": "kim-password-1", "lockme": "lock-password-1"]
        _ = try await herald(["users", "passwd", "demo", "--password-stdin", "--data-dir", dir.path], input: passwords["demo"]! + "\n")
        _ = try await herald(["users", "add", "kim", "--role", "agent", "--password-stdin", "--data-dir", dir.path], input: passwords["kim"]! + "\n")
        _ = try await herald(["users", "add", "lockme", "--role", "agent", "--password-stdin", "--data-dir", dir.path], input: passwords["lockme"]! + "\n")

        let port = Int.random(in: 20000..<40000)
        let base = "http://127.0.0.1:\(port)"
        let serve = Process()
        serve.executableURL = Self.binary
        serve.arguments = ["serve", "--data-dir", dir.path, "--port", "\(port)"]
        serve.environment = ProcessInfo.processInfo.environment.merging(["HERALD_ADMIN_API_KEY": Self.key]) { _, new in new }
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        var healthy = false
        let deadline = Date().addingTimeInterval(60)
        while !healthy && Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            healthy = (try? await Self.call("GET", base + "/healthz"))?.0 == 200
        }
        try #require(healthy, "herald serve did not answer /healthz within 60 s")

        // A new welcome email (merged with the script), a request waiting for its event, the demo's letter.
        let (emailStatus, email) = try await Self.call("POST", base + "/v1/comms-requests",
                                                       json: #"{"commsCode": "WELCOME", "customerId": "C-1001", "deliveryMethod": "email"}"#)
        try #require(emailStatus == 201 || emailStatus == 200, "\(email)")
        let emailId = try #require(email["id"] as? String)
        let (_, event) = try await Self.call("POST", base + "/v1/workflow-events",
                                             json: #"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-2001", "whenToCreate": "OnResolve"}"#)
        let waitingId = try #require((event["commsRequestIds"] as? [String])?.first, "\(event)")
        let (_, jean) = try await Self.call("GET", base + "/v1/comms-requests?customerId=C-1002")
        let letterId = try #require((jean["items"] as? [[String: Any]])?.first { item in
            ((item["distribution"] as? [String: Any])?["deliveryMethod"] as? String) == "letter"
        }?["id"] as? String)
        // A customer and merge fields that are all markup: shown as text, never run.
        let xss = #"<script>document.body.insertAdjacentHTML('beforeend','<p id=xss>ran</p>')</script><img src=x id=xss-img>"#
        let xssJSON = String(decoding: try JSONSerialization.data(withJSONObject: [
            "title": xss, "firstName": xss, "lastName": xss, "externalId": xss, "mobile": "+447700900999",
            "postalAddress": ["lines": [xss, xss], "postcode": xss, "country": "GB"],
            "preferences": ["optOut": [["category": xss]]],
        ] as [String: Any]), as: UTF8.self)
        let (xssStatus, xssCustomer) = try await Self.call("PUT", base + "/v1/customers/C-XSS", json: xssJSON)
        try #require((200..<300).contains(xssStatus), "\(xssCustomer)")
        let (_, xssComm) = try await Self.call("POST", base + "/v1/comms-requests", json: String(decoding: try JSONSerialization.data(withJSONObject: [
            "commsCode": "WELCOME", "customerId": "C-XSS", "deliveryMethod": "sms", "fields": ["OFFERCODE": xss, "NOTE": xss],
        ] as [String: Any]), as: UTF8.self))
        let xssCommId = try #require(xssComm["id"] as? String, "\(xssComm)")
        var merged = false
        let mergeDeadline = Date().addingTimeInterval(30)
        while !merged && Date() < mergeDeadline {
            let (_, detail) = try await Self.call("GET", base + "/v1/comms-requests/\(emailId)")
            merged = ((detail["distribution"] as? [String: Any])?["fileLocation"] as? String) != nil
            if !merged { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(merged, "the welcome email was not merged within 30 s")

        try? FileManager.default.removeItem(at: Self.screenshots)
        let arguments: [String: String] = [
            "base": base, "screenshots": Self.screenshots.path, "db": dir.appendingPathComponent("herald.sqlite").path,
            "demoPassword": passwords["demo"]!, "kimPassword": passwords["kim"]!, "lockPassword": passwords["lockme"]!,
            "msisdn": "+44 7700 900123", "customer": "C-1001", "letter": letterId, "email": emailId, "waiting": waitingId,
            "xssCustomer": "C-XSS", "xssComm": xssCommId,
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        let run = try await TestProcess.python(Self.script, [json])
        let report = (try? JSONSerialization.jsonObject(with: run.stdout)) as? [String: Any]
        let failures = report?["failures"] as? [String] ?? ["no report: \(run.output) \(run.errors)"]
        #expect(run.status == 0 && failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let steps = report?["steps"] as? [[String: Any]] ?? []
        #expect(steps.count >= 29, "only \(steps.count) steps ran")
        let axe = report?["axe"] as? [String: [String]] ?? [:]
        #expect(axe.count >= 20, "axe ran on \(axe.count) pages")
        #expect(axe.values.allSatisfy { $0.isEmpty }, "\(axe)")
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: Self.screenshots.path)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 20, "\(shots)")

        serve.terminate()
    }

    /// The Selenium script: argument 1 is a JSON object (base URL, screenshot folder, the
    /// store's path, passwords, ids); prints a JSON report; exits 1 on any failed step.
    static let script = #"""
import json, os, re, sqlite3, sys, time, urllib.request, urllib.error
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait
from selenium_axe_python import Axe

args = json.loads(sys.argv[1])
base, shots, db_path = args["base"], args["screenshots"], args["db"]
os.makedirs(shots, exist_ok=True)
results = {"steps": [], "axe": {}, "screenshots": []}
failures = []

def check(name, ok, detail=""):
    results["steps"].append({"step": name, "ok": bool(ok), "detail": detail})
    if not ok:
        failures.append(f"{name}: {detail}")

options = Options()
options.binary_location = args.get("chromium", "/usr/bin/chromium")
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service(args.get("chromedriver", "/usr/bin/chromedriver")), options=options)
driver.set_page_load_timeout(30)
driver.set_script_timeout(60)
axe = Axe(driver)
shot_number = [0]

def page(name):
    """Screenshot and axe-check the page the browser shows now."""
    shot_number[0] += 1
    path = os.path.join(shots, f"{shot_number[0]:02d}-{name}.png")
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 800)")
    driver.set_window_size(1280, min(int(height) + 40, 6000))
    driver.save_screenshot(path)
    results["screenshots"].append(path)
    axe.inject()
    report = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {iframes: false, resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', description: String(e), nodes: []}]));")
    bad = [f"{v['id']} ({v['impact']}): {v['description']} at {[n.get('target') for n in v['nodes']][:3]}"
           for v in report if v.get("impact") in ("serious", "critical")]
    results["axe"][name] = bad
    if bad:
        failures.append(f"axe on {name}: {bad}")

def click(element):
    """Clicks a submit button or link and waits for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    def replaced(_):
        # The old document's node is gone: chromedriver says so as a stale element, or (newer
        # Chrome, seen in CI) as "Node with given id does not belong to the document".
        try:
            old.is_enabled()
            return False
        except Exception:
            return True
    WebDriverWait(driver, 30).until(replaced)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")

def go(path):
    driver.get(base + path)

def sign_in(name, password):
    go("/agent/sign-in")
    driver.find_element(By.ID, "name").clear()
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    click(driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))

def text():
    return driver.find_element(By.TAG_NAME, "body").text

def cookie_header():
    return "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())

def fetch(path, method="GET", data=None):
    request = urllib.request.Request(base + path, method=method, data=data, headers={"Cookie": cookie_header()})
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None

def db(sql, *params):
    with sqlite3.connect(db_path, timeout=10) as c:
        return c.execute(sql, params).fetchall()

try:
    # Sign-in failure.
    go("/agent")
    check("signed out /agent goes to sign-in", driver.current_url.endswith("/agent/sign-in"), driver.current_url)
    page("sign-in")
    sign_in("demo", "not-the-password")
    check("wrong password refused", "not right" in text().lower() or "wrong" in text().lower() or "incorrect" in text().lower(), text()[:300])
    page("sign-in-refused")

    # Lockout: five failures lock the user; the right password is then refused too.
    for i in range(5):
        sign_in("lockme", f"wrong-{i}")
    sign_in("lockme", args["lockPassword"])
    check("locked after five failures", "locked" in text().lower(), text()[:300])
    page("sign-in-locked")

    # Sign-in.
    sign_in("demo", args["demoPassword"])
    check("signed in", driver.current_url.rstrip("/").endswith("/agent") and "demo (supervisor)" in text(), driver.current_url + " " + text()[:200])
    page("search-home")

    # Search by MSISDN: one customer opens directly.
    box = driver.find_element(By.ID, "q")
    box.send_keys(args["msisdn"])
    click(driver.find_element(By.CSS_SELECTOR, "form[role=search] button"))
    check("search by MSISDN opens the customer", driver.current_url.endswith("/agent/customers/" + args["customer"]), driver.current_url)
    page("customer")

    # Markup in every customer field and merge field is shown as text; nothing of it runs.
    for name, path in [("customer-markup", "/agent/customers/" + args["xssCustomer"]), ("comm-markup", "/agent/comms/" + args["xssComm"])]:
        go(path)
        time.sleep(0.3)
        scripts = driver.find_elements(By.TAG_NAME, "script")
        injected = driver.find_elements(By.ID, "xss") + driver.find_elements(By.ID, "xss-img")
        check(f"no markup runs on {name}", not scripts and not injected and "<script>" in text(), f"scripts {len(scripts)}, injected {len(injected)}")
        page(name)
    go("/agent/customers/" + args["customer"])

    # Filter the comms list by method.
    Select(driver.find_element(By.ID, "method")).select_by_value("email")
    click(driver.find_element(By.CSS_SELECTOR, "form.filters button"))
    rows = driver.find_elements(By.CSS_SELECTOR, "table.comms tbody tr")
    methods = [r.find_elements(By.TAG_NAME, "td")[2].text for r in rows]
    check("filter by method", "method=email" in driver.current_url and rows and all(m == "email" for m in methods), f"{driver.current_url} {methods}")
    page("customer-filtered")

    # A letter: shown inline, served as application/pdf.
    go("/agent/comms/" + args["letter"])
    objects = driver.find_elements(By.CSS_SELECTOR, "object.letter")
    check("letter page embeds the PDF", len(objects) == 1 and objects[0].get_attribute("type") == "application/pdf")
    page("comm-letter")
    status, headers, body = fetch(f"/agent/comms/{args['letter']}/letter.pdf")
    check("letter served as application/pdf", status == 200 and headers.get("Content-Type") == "application/pdf" and body.startswith(b"%PDF"),
          f"{status} {headers.get('Content-Type')} {body[:8]!r}")
    status, headers, _ = fetch(f"/agent/comms/{args['letter']}/letter.pdf?download=1")
    check("letter downloadable", status == 200 and headers.get("Content-Disposition", "").startswith("attachment"), str(headers.get("Content-Disposition")))

    # An email: in a sandboxed frame; its script does not run.
    go("/agent/comms/" + args["email"])
    frames = driver.find_elements(By.CSS_SELECTOR, "iframe.email")
    sandbox = frames[0].get_attribute("sandbox") if frames else None
    check("email in a sandboxed frame without scripts", len(frames) == 1 and sandbox is not None and "allow-scripts" not in sandbox, str(sandbox))
    page("comm-email")
    driver.switch_to.frame(frames[0])
    time.sleep(0.5)
    scripts = driver.find_elements(By.TAG_NAME, "script")
    ran = driver.find_elements(By.ID, "ran")
    shown = driver.find_element(By.TAG_NAME, "body").text
    driver.switch_to.default_content()
    check("the email's script did not run", len(scripts) >= 1 and not ran and "Welcome to Herald Telecom" in shown,
          f"scripts {len(scripts)}, ran {len(ran)}, text {shown[:80]!r}")

    # Cancel a waiting request: status C and an audit row.
    go("/agent/comms/" + args["waiting"])
    driver.find_element(By.ID, "cancel-reason").send_keys("customer asked by phone")
    click(driver.find_element(By.CSS_SELECTOR, "form[action$='/cancel'] button"))
    check("cancel answered", "Cancelled." in text(), text()[:200])
    status_code = db("SELECT status FROM comms_requests WHERE id = ?", args["waiting"])
    audit = db("SELECT agent, action, reason FROM agent_audit WHERE request_id = ? AND action = 'cancel'", args["waiting"])
    check("cancelled in the store with an audit row", status_code == [("C",)] and audit == [("demo", "cancel", "customer asked by phone")], f"{status_code} {audit}")
    page("comm-cancelled")

    # Resend: a new request, copyOf the original.
    go("/agent/comms/" + args["letter"])
    driver.find_element(By.ID, "resend-reason").send_keys("letter lost in the post")
    click(driver.find_element(By.CSS_SELECTOR, "form[action$='/resend'] button"))
    new_id = driver.current_url.split("/agent/comms/")[-1].split("?")[0]
    copy = db("SELECT copy_of, source FROM comms_requests WHERE id = ?", new_id)
    check("resend made a copy", copy == [(args["letter"], "agent")] and "Copy of" in text(), f"{new_id} {copy}")
    page("comm-resent")

    # One-off comm with preview, then send.
    go(f"/agent/customers/{args['customer']}/one-off")
    page("one-off")
    Select(driver.find_element(By.ID, "code")).select_by_value("WELCOME")
    click(driver.find_element(By.CSS_SELECTOR, "form.inline button"))
    Select(driver.find_element(By.ID, "method")).select_by_value("sms")
    click(driver.find_element(By.CSS_SELECTOR, "button[value=preview]"))
    previews = driver.find_elements(By.CSS_SELECTOR, ".preview pre.message")
    check("one-off preview shows the merged SMS", previews and "Zoë" in previews[0].text, previews[0].text if previews else text()[:300])
    page("one-off-preview")
    driver.find_element(By.ID, "reason").send_keys("welcome again on request")
    click(driver.find_element(By.CSS_SELECTOR, "button[value=send]"))
    one_off = driver.current_url.split("/agent/comms/")[-1].split("?")[0]
    stored = db("SELECT comms_code, source, override_method, created_by FROM comms_requests WHERE id = ?", one_off)
    check("one-off sent", stored == [("WELCOME", "agent", "sms", "agent:demo")] and "queued" in text(), f"{one_off} {stored}")
    page("comm-one-off")

    # Catalog and operations.
    go("/agent/catalog")
    check("catalog lists the codes", "PAYMENT_REMINDER" in text())
    page("catalog")
    go("/agent/catalog/WELCOME?method=email")
    check("catalog previews a template", len(driver.find_elements(By.CSS_SELECTOR, ".preview iframe")) == 1)
    page("catalog-preview")
    go("/agent/operations")
    check("operations chart", len(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg rect title")) == 12, text()[:200])
    page("operations")
    go("/agent/audit")
    page("audit")

    # A POST without the CSRF token is refused.
    status, _, body = fetch(f"/agent/comms/{args['waiting']}/cancel", "POST", b"reason=forged")
    check("CSRF-less POST refused", status == 403 and b"CSRF" in body, str(status))

    # Sign out.
    click(driver.find_element(By.CSS_SELECTOR, "form.signout button"))
    go("/agent")
    check("signed out", driver.current_url.endswith("/agent/sign-in"), driver.current_url)

    # An agent is refused the supervisor pages.
    sign_in("kim", args["kimPassword"])
    check("agent signed in", "kim (agent)" in text(), text()[:200])
    for path in ["/agent/operations", "/agent/audit"]:
        go(path)
        check(f"agent refused {path}", "needs the supervisor role" in text(), text()[:200])
        status, _, _ = fetch(path)
        check(f"agent gets 403 on {path}", status == 403, str(status))
    page("agent-refused")
    click(driver.find_element(By.CSS_SELECTOR, "form.signout button"))
    check("agent signed out", driver.current_url.endswith("/agent/sign-in"), driver.current_url)
except Exception as e:
    import traceback; traceback.print_exc(file=sys.stderr)
    failures.append(f"exception: {type(e).__name__}: {e}")
    try:
        driver.save_screenshot(os.path.join(shots, "99-failure.png"))
    except Exception:
        pass
finally:
    driver.quit()

results["failures"] = failures
print(json.dumps(results))
sys.exit(1 if failures else 0)
"""#
}
