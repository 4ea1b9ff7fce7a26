#!/usr/bin/env python3
"""Helper of bench/soak (Python 3 standard library only).

  soak.py ports N                     print N free loopback TCP ports
  soak.py edit BASE ID_PATH OUT       the edit client: log in, edit one entry until SIGTERM
  soak.py report DIR                  read the soak's files in DIR, print the Markdown table,
                                      exit 1 if an acknowledged edit is missing from the database
  soak.py propagation A B ID_PATH PUBLIC_PATH [ROUNDS]
                                      (bench/run) log in on instance A, save the entry's field
                                      through its admin form, poll instance B's public page until
                                      the new value shows; print each round's milliseconds

The edit client writes one line per outcome to OUT (tab separated):
  time  phase(login|form|save)  marker  outcome
where outcome is `ack` (a save answered 303 to the entry's own page), an HTTP status, `login`
(sent to the login page: the session was lost), or `error:<what>` (no HTTP answer at all).
"""

import html.parser
import http.client
import os
import signal
import socket
import sys
import time
import urllib.parse

# ---------------------------------------------------------------------------------------------
# ports


def free_ports(count):
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


# ---------------------------------------------------------------------------------------------
# the edit client


class FormValues(html.parser.HTMLParser):
    """The (name, value) pairs a browser would post from <form id="form">, and any csrf_token."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.pairs = []
        self.csrf = None
        self.textarea = None
        self.select = None
        self.select_value = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf_token" and self.csrf is None:
            self.csrf = a.get("value", "")
        if tag == "form" and a.get("id") == "form":
            self.in_form = True
            return
        if not self.in_form or "disabled" in a or not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "file"):
                self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select, self.select_value = a["name"], ""
        elif tag == "option" and self.select is not None and "selected" in a:
            self.select_value = a.get("value") or ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.pairs.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.pairs.append((self.select, self.select_value))
            self.select = None


class Client:
    """A browser-like client: one cookie jar, no redirects followed, a fresh connection per request."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.origin = f"{url.scheme}://{url.netloc}"
        self.cookies = {}

    def request(self, method, path, form=None):
        """-> (status, location, body); raises OSError/HTTPException when there is no answer."""
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "forum-portal-soak"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                lower = header.lower()
                if value == "" or "max-age=0" in lower or "expires=thu, 01 jan 1970" in lower:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            return response.status, response.getheader("Location", ""), data
        finally:
            conn.close()


def edit(base, path, out_path):
    email = os.environ["SOAK_EMAIL"]
    password = os.environ["SOAK_PASSWORD"]
    field = os.environ.get("SOAK_FIELD", "bio")
    run = os.environ.get("SOAK_RUN", str(int(time.time())))
    pause = float(os.environ.get("SOAK_EDIT_PAUSE", "0.02"))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    client = Client(base)
    logged_in = False
    number = 0
    with open(out_path, "a", buffering=1) as out:

        def note(phase, marker, outcome):
            out.write(f"{time.time():.3f}\t{phase}\t{marker}\t{outcome}\n")

        def attempt(phase, method, target, form=None):
            try:
                return client.request(method, target, form)
            except (OSError, http.client.HTTPException) as error:
                note(phase, "-", f"error:{type(error).__name__}")
                time.sleep(0.2)
                return None

        while not stopping:
            if not logged_in:
                client.cookies.clear()
                got = attempt("login", "GET", "/admin/login")
                if got is None:
                    continue
                status, _, page = got
                parser = FormValues()
                parser.feed(page)
                if status != 200 or not parser.csrf:
                    note("login", "-", str(status))
                    time.sleep(0.2)
                    continue
                form = [("csrf_token", parser.csrf), ("next", "/admin"), ("email", email), ("password", password)]
                got = attempt("login", "POST", "/admin/login", form)
                if got is None:
                    continue
                status, location, _ = got
                if status == 303 and not location.startswith("/admin/login"):
                    note("login", "-", "ok")
                    logged_in = True
                else:
                    note("login", "-", str(status))
                    time.sleep(0.2)
                continue

            got = attempt("form", "GET", path)
            if got is None:
                continue
            status, location, page = got
            if status == 303 and location.startswith("/admin/login"):
                note("form", "-", "login")
                logged_in = False
                continue
            parser = FormValues()
            parser.feed(page)
            if status != 200 or not any(name == "version" for name, _ in parser.pairs):
                note("form", "-", str(status))
                time.sleep(0.2)
                continue

            number += 1
            marker = f"soak-{run}-{number:06d}"
            form = [(n, v) for n, v in parser.pairs if n != field] + [(field, marker)]
            note("save", marker, "sent")
            got = attempt("save", "POST", path, form)
            if got is None:
                # No answer: the save may or may not have happened; it is not acknowledged.
                continue
            status, location, _ = got
            if status == 303 and location == path:
                note("save", marker, "ack")
            elif status == 303 and location.startswith("/admin/login"):
                note("save", marker, "login")
                logged_in = False
            else:
                note("save", marker, str(status))
                time.sleep(0.2)
            time.sleep(pause)


def log_in(client, email, password):
    status, _, page = client.request("GET", "/admin/login")
    parser = FormValues()
    parser.feed(page)
    if status != 200 or not parser.csrf:
        sys.exit(f"propagation: no login form ({status})")
    form = [("csrf_token", parser.csrf), ("next", "/admin"), ("email", email), ("password", password)]
    status, location, _ = client.request("POST", "/admin/login", form)
    if status != 303 or location.startswith("/admin/login"):
        sys.exit(f"propagation: cannot log in ({status} {location})")


def propagation(base_a, base_b, path, public_path, rounds="5"):
    """Save a unique value on A; time until B's public page shows it (from A's 303)."""
    field = os.environ.get("SOAK_FIELD", "bio")
    admin = Client(base_a)
    log_in(admin, os.environ["SOAK_EMAIL"], os.environ["SOAK_PASSWORD"])
    reader = Client(base_b)
    for number in range(int(rounds)):
        status, _, page = admin.request("GET", path)
        parser = FormValues()
        parser.feed(page)
        if status != 200 or not any(name == "version" for name, _ in parser.pairs):
            sys.exit(f"propagation: no edit form at {path} ({status})")
        marker = f"propagation-{int(time.time())}-{number}"
        form = [(n, v) for n, v in parser.pairs if n != field] + [(field, marker)]
        status, location, _ = admin.request("POST", path, form)
        saved = time.monotonic()
        if status != 303 or location != path:
            sys.exit(f"propagation: the save was not acknowledged ({status} {location})")
        while True:
            status, _, page = reader.request("GET", public_path)
            if status == 200 and marker in page:
                print(f"{(time.monotonic() - saved) * 1000:.1f}")
                break
            if time.monotonic() - saved > 120:
                print("timeout")
                break
            time.sleep(0.002)
        sys.stdout.flush()
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# the report


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f if line.strip()]
    except FileNotFoundError:
        return []


def ok(status):
    return 200 <= status < 400


def seconds(value):
    return f"{value:.2f} s"


def statuses_text(counts):
    return ", ".join(f"{s}: {n}" for s, n in sorted(counts.items())) or "none"


def report(directory):
    p = lambda name: os.path.join(directory, name)  # noqa: E731
    config = dict(line.split("=", 1) for line in read_lines(p("config")))
    events = [(float(t), name) for t, name in (line.split("\t", 1) for line in read_lines(p("events.tsv")))]
    at = {name: t for t, name in events}
    start, end = at["load_start"], at["load_end"]

    # nginx's access log: $msec $status $request_method $request_uri $request_time $upstream_addr
    requests = []
    for line in read_lines(p("access.log")):
        parts = line.split(" ", 5)
        try:
            requests.append((float(parts[0]), int(parts[1]), parts[2], parts[3], float(parts[4])))
        except (IndexError, ValueError):
            pass
    requests.sort(key=lambda r: r[0])
    during = [r for r in requests if start - 0.5 <= r[0] <= end + 2]
    by_status = {}
    for r in during:
        by_status[r[1]] = by_status.get(r[1], 0) + 1
    # 499: the client closed the connection first (wrk does when its time is up), not a failure.
    failures = [r for r in during if not ok(r[1]) and r[1] != 499]

    def window(begin, finish, label):
        # Failed responses logged between `begin` (less half a second) and `finish`.
        inside = [r for r in failures if begin - 0.5 <= r[0] < finish]
        answered = [r for r in during if begin <= r[0] < finish]
        slowest = max((r[4] for r in answered), default=0.0)
        if not inside:
            return f"{label}: no failed response; slowest answer {slowest:.2f} s"
        counts = {}
        for r in inside:
            counts[r[1]] = counts.get(r[1], 0) + 1
        first, last = inside[0][0] - begin, inside[-1][0] - begin
        return (
            f"{label}: {len(inside)} failed ({statuses_text(counts)}), from {first:+.2f} s to {last:+.2f} s "
            f"after it (window {last - first:.2f} s); slowest answer {slowest:.2f} s"
        )

    # Longest run of consecutive failed responses, in log order.
    longest, run = (0, None, None), []
    for r in during:
        if ok(r[1]) or r[1] == 499:
            run = []
        else:
            run.append(r)
            if len(run) > longest[0]:
                longest = (len(run), run[0][0], run[-1][0])

    # The edit client's outcomes.
    sent, acked, last_sent_time = {}, {}, {}
    edit_failures, logins, form_failures = {}, 0, {}
    for line in read_lines(p("edits.tsv")):
        t, phase, marker, outcome = line.split("\t")
        t = float(t)
        if phase == "login" and outcome == "ok":
            logins += 1
        elif phase == "save" and outcome == "sent":
            sent[marker] = t
        elif phase == "save" and outcome == "ack":
            acked[marker] = t
        elif outcome != "sent":
            bucket = edit_failures if phase == "save" else form_failures
            key = f"{phase} {outcome}" if phase != "save" else outcome
            bucket[key] = bucket.get(key, 0) + 1
    saved = set(read_lines(p("history_markers.txt")))
    current = (read_lines(p("current_value.txt")) or [""])[0]
    missing = sorted(m for m in acked if m not in saved)
    unacked_saved = sorted(m for m in sent if m not in acked and m in saved)
    last_ack = max(acked, key=lambda m: acked[m]) if acked else None
    # The entry must now hold the last acknowledged edit, or one sent after it (whose answer
    # was lost): never an older one.
    current_ok = last_ack is None or current == last_ack or (current in sent and sent[current] > acked[last_ack])

    elapsed = end - start
    times = sorted(r[4] for r in during)

    def percentile(q):
        return times[min(len(times) - 1, int(q * len(times)))] if times else 0.0

    # The edit client's longest wait between two acknowledged edits.
    ack_times = [start] + sorted(acked.values()) + [end]
    gap = max(zip(ack_times, ack_times[1:]), key=lambda pair: pair[1] - pair[0])
    rows = [
        ("soak", f"{elapsed:.0f} s; wrk {config.get('wrk', '?')} over {config.get('paths', '?')} through nginx "
                 f"(1 worker, round robin) to 2 portal instances on one PostgreSQL"),
        ("requests (nginx access log)", f"{len(during)} ({len(during) / elapsed:.0f} req/s)"),
        ("responses by status", statuses_text(by_status)),
        ("failed responses (not 2xx/3xx, 499 aside)", str(len(failures))),
        ("response time (nginx `$request_time`)",
         f"p50 {percentile(0.5) * 1000:.0f} ms, p99 {percentile(0.99) * 1000:.0f} ms, max {times[-1] if times else 0:.2f} s"),
    ]
    if "pg_restart" in at:
        took = at.get("pg_restarted", at["pg_restart"]) - at["pg_restart"]
        rows.append(("PostgreSQL restart (`pg_ctl restart -m fast`, took " + seconds(took) + ")",
                     window(at["pg_restart"], at.get("instance_kill", end), "at the restart")))
    if "instance_kill" in at:
        took = at.get("instance_exited", at["instance_kill"]) - at["instance_kill"]
        rows.append(("SIGTERM to instance B (exited after " + seconds(took) + ")",
                     window(at["instance_kill"], at.get("instance_restart", end), "at the SIGTERM")))
    if "instance_restart" in at:
        rows.append(("instance B started again (ready after "
                     + seconds(at.get("instance_ready", at["instance_restart"]) - at["instance_restart"]) + ")",
                     window(at["instance_restart"], end, "from its start")))
    if longest[0]:
        rows.append(("longest run of failed responses",
                     f"{longest[0]} in a row, {longest[1] - start:.2f}–{longest[2] - start:.2f} s into the soak"))
    else:
        rows.append(("longest run of failed responses", "none"))
    rows += [
        ("edits sent / acknowledged (303)", f"{len(sent)} / {len(acked)} ({logins} logins)"),
        ("edits not acknowledged, by answer", statuses_text(edit_failures)),
        ("longest wait between two acknowledged edits",
         f"{gap[1] - gap[0]:.2f} s, from {gap[0] - start:.2f} s into the soak"),
        ("other edit-client failures (login, form)", statuses_text(form_failures)),
        ("acknowledged edits found in the database (history)",
         f"**{len(acked) - len(missing)} of {len(acked)}**" + (f" — MISSING: {', '.join(missing[:10])}" if missing else "")),
        ("unacknowledged edits saved anyway", str(len(unacked_saved))),
        ("entry's value afterwards", ("the last acknowledged edit" if current == last_ack else
                                      "an edit sent after the last acknowledged one" if current_ok else
                                      f"WRONG: {current!r}, the last acknowledged edit was {last_ack}")),
    ]
    print("| measure | result |")
    print("| --- | --- |")
    for measure, result in rows:
        print(f"| {measure} | {result} |")
    problems = []
    if missing:
        problems.append(f"{len(missing)} acknowledged edit(s) missing from the database")
    if not current_ok:
        problems.append("the entry's value afterwards is older than the last acknowledged edit")
    if not acked:
        problems.append("no edit was acknowledged at all")
    for problem in problems:
        print(f"soak: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "ports":
        print(" ".join(str(port) for port in free_ports(int(sys.argv[2]))))
    elif command == "edit":
        edit(*sys.argv[2:5])
    elif command == "propagation":
        propagation(*sys.argv[2:7])
    elif command == "report":
        sys.exit(report(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
