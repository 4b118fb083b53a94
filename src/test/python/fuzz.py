#!/usr/bin/env python3
"""Fuzzes the running service with schemathesis, driven by its own /api/v1/openapi.json.

    bin/fuzz            (installs the pinned tools, then runs this with .tools/venv/bin/python)

Starts, on free ports, a Temporal dev server (the pinned CLI), an embedded PostgreSQL
(support/DevPostgres, on the classpath bin/fuzz passes in DEV_POSTGRES_CLASSPATH), the migrations and the service itself (target/syncplane.jar), then:

1. seeds integration `sf` (the document's example id) with two connections, so operations on
   existing ids get exercised too, and a bystander integration with an id the fuzzer cannot guess,
   which must come out untouched;
2. runs schemathesis against the served document with the bearer token, every phase (examples,
   coverage, fuzzing, stateful) for a bounded time, one worker, in two rounds (first without deleting
   integrations, so connections and Schedules pile up, then everything), checking:
     not_a_server_error            no 5xx, ever
     status_code_conformance       only documented statuses
     content_type_conformance      JSON where JSON is documented, problem+json for errors
     response_schema_conformance   bodies match the document's schemas
   and recording every request and response (HAR);
3. after each round checks "no write made by a rejected request" against the database and Temporal, from that
   ledger of answered requests: every integration, connection and update-run row, every version
   step and every Schedule must be explained by a request the API answered with 2xx, and nothing an
   accepted request created may be missing unless an accepted request deleted it.

Prints each check and ends with "N passed, M failed"; exits 1 on any failure. Logs of the servers,
the schemathesis reports and HARs stay in target/fuzz/.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[3]
VENV = ROOT / ".tools/venv/bin"
JAR = ROOT / "target/syncplane.jar"
OUT = ROOT / "target/fuzz"
TOKEN = "fuzz-token"
MAX_TIME = int(os.environ.get("FUZZ_MAX_TIME", "150"))  # seconds of schemathesis
SEED = os.environ.get("FUZZ_SEED")  # reproduce a run
SETTLE = 120  # seconds for accepted work (fan-outs, deletes) to finish before the ledger check
API = "/api/v1"
BYSTANDER = "bystander-" + os.urandom(6).hex()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, seconds):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as e:  # not up yet
            last = e
        time.sleep(0.5)
    raise RuntimeError(f"{what} not ready within {seconds} s (last: {last})")


def port_open(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Stack:
    """The real servers, each a child process in its own process group; stop() ends them in reverse."""

    def __init__(self):
        self.procs = []
        self.ports = {name: free_port() for name in ("temporal", "postgres", "api", "admin")}
        self.tmp = Path(tempfile.mkdtemp(prefix="syncplane-fuzz-"))
        OUT.mkdir(parents=True, exist_ok=True)
        self.env = dict(
            os.environ,
            SYNCPLANE_DATABASE_URL=f"jdbc:postgresql://localhost:{self.ports['postgres']}/postgres",
            SYNCPLANE_TEMPORAL_ADDRESS=f"localhost:{self.ports['temporal']}",
            SYNCPLANE_PORT=str(self.ports["api"]),
            SYNCPLANE_BIND_HOST="127.0.0.1",
            SYNCPLANE_ADMIN_PORT=str(self.ports["admin"]),
            SYNCPLANE_API_TOKEN=TOKEN,
            SYNCPLANE_UPDATE_WAIT_MS="5000",
        )

    def spawn(self, name, args):
        log = open(OUT / f"{name}.log", "w")
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def start(self):
        temporal_cli = os.environ.get("TEMPORAL_CLI", str(VENV / "temporal"))
        attributes = subprocess.run(["java", "-jar", str(JAR), "search-attributes"], capture_output=True,
                                    text=True, check=True).stdout.split()
        sa_flags = [f for a in attributes for f in ("--search-attribute", a)]
        self.spawn("temporal", [temporal_cli, "server", "start-dev", "--headless", "--ip", "127.0.0.1",
                                "--port", str(self.ports["temporal"]), "--log-level", "warn", *sa_flags])
        self.spawn("postgres", ["java", "-cp", os.environ["DEV_POSTGRES_CLASSPATH"], "dev.syncplane.support.DevPostgres",
                                "--port", str(self.ports["postgres"]), "--data-dir", str(self.tmp / "pg")])
        wait_for("PostgreSQL", lambda: port_open(self.ports["postgres"]), 120)
        wait_for("Temporal", lambda: port_open(self.ports["temporal"]), 120)
        subprocess.run(["java", "-jar", str(JAR), "db", "migrate", "config.yml"], cwd=ROOT, env=self.env,
                       check=True, stdout=open(OUT / "migrate.log", "w"), stderr=subprocess.STDOUT)
        self.spawn("syncplane", ["java", "-jar", str(JAR), "server", "config.yml"])
        wait_for("syncplane health", self.healthy, 180)

    def healthy(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ports['admin']}/healthcheck", timeout=5) as r:
            return r.status == 200

    def stop(self):
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- the ledger: every request and its answer --------------------------------------------------


class Exchange:
    def __init__(self, method, path, status, request_body, response_body):
        self.method = method
        self.path = path
        self.status = status
        self.request = request_body
        self.response = response_body

    @property
    def accepted(self):
        return 200 <= self.status < 300

    def segments(self):
        """Path segments after /api/v1, percent-decoded as the server decodes them."""
        path = self.path[len(API):] if self.path.startswith(API) else None
        return None if path is None else [unquote(s) for s in path.strip("/").split("/")]


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    parsed = json.loads(raw) if raw else None
    return Exchange(method, path, status, body, parsed)


def seed(base):
    # "sf" is the example id the document gives, so the examples and coverage phases find it.
    out = [call(base, "POST", f"{API}/integrations",
                {"id": "sf", "provider": "salesforce", "name": "Salesforce", "periodMs": 3_600_000})]
    for customer in ("acme", "globex"):
        out.append(call(base, "POST", f"{API}/integrations/sf/connections", {"customerId": customer}))
    # A bystander: unless an accepted request addressed it (the fuzzer finds it through the list), it
    # must come out exactly as it went in (version 1, both connections and their Schedules).
    out.append(call(base, "POST", f"{API}/integrations",
                    {"id": BYSTANDER, "provider": "hubspot", "name": "Bystander", "periodMs": 3_600_000}))
    for customer in ("initech", "umbrella"):
        out.append(call(base, "POST", f"{API}/integrations/{BYSTANDER}/connections", {"customerId": customer}))
    bad = [e for e in out if not e.accepted]
    if bad:
        raise RuntimeError(f"seeding failed: {[(e.path, e.status, e.response) for e in bad]}")
    return out


def har_exchanges(har_path):
    har = json.loads(har_path.read_text(encoding="utf-8"))
    out = []
    for entry in har["log"]["entries"]:
        request, response = entry["request"], entry["response"]
        path = urlsplit(request["url"]).path
        body = None
        post = request.get("postData") or {}
        if post.get("text"):
            try:
                body = json.loads(post["text"])
            except ValueError:
                body = post["text"]
        content = response.get("content") or {}
        text = content.get("text") or ""
        if content.get("encoding") == "base64":
            text = base64.b64decode(text).decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        out.append(Exchange(request["method"], path, response["status"], body, parsed))
    return out


class Ledger:
    """What the accepted requests explain, derived from the requests and their answers alone."""

    def __init__(self, exchanges):
        self.created = set()  # integration ids created by an accepted POST
        self.deleted = set()  # integration ids an accepted DELETE asked to remove
        self.update_ids = defaultdict(set)  # integration id -> update ids of accepted PUT/PATCH
        self.connections = {}  # connection id -> (integration id, customer id), accepted connects
        self.disconnected = set()  # connection ids an accepted DELETE removed
        self.counts = defaultdict(int)
        self.addressed_bystander = False  # an accepted write of the fuzzer named it (set by the caller)
        for e in exchanges:
            self.counts["accepted" if e.accepted else "refused"] += 1
            if not e.accepted or not isinstance(e.response, dict):
                continue
            s = e.segments()
            if not s or s[0] != "integrations":
                continue
            if e.method == "POST" and len(s) == 1:
                self.created.add(e.response["id"])
            elif e.method in ("PUT", "PATCH") and len(s) == 2:
                self.update_ids[s[1]].add(e.response["update"]["id"])
            elif e.method == "DELETE" and len(s) == 2:
                self.deleted.add(s[1])
            elif e.method == "POST" and len(s) == 3 and s[2] == "connections":
                c = e.response
                self.connections[c["id"]] = (c["integrationId"], c["customerId"])
        for e in exchanges:  # 204/202 of a disconnect carry no body
            s = e.segments()
            if e.accepted and e.method == "DELETE" and s and len(s) == 4 and s[2] == "connections":
                self.disconnected.add(s[3])


def database_state(ports):
    import pg8000.native

    db = pg8000.native.Connection("postgres", password="postgres", host="127.0.0.1", port=ports["postgres"],
                                  database="postgres")
    try:
        return {
            "integrations": {r[0]: {"version": r[1], "state": r[2]}
                             for r in db.run("SELECT id, version, state FROM integrations")},
            "connections": {r[0]: (r[1], r[2]) for r in db.run("SELECT id, integration_id, customer_id FROM connections")},
            "updates": [{"id": r[0], "integration": r[1], "kind": r[2], "version": r[3], "state": r[4]}
                        for r in db.run("SELECT id, integration_id, kind, version, state FROM update_runs")],
            "sync_connections": {r[0] for r in db.run("SELECT DISTINCT connection_id FROM sync_runs")},
        }
    finally:
        db.close()


def schedule_ids(ports):
    cli = os.environ.get("TEMPORAL_CLI", str(VENV / "temporal"))
    result = subprocess.run([cli, "schedule", "list", "--address", f"127.0.0.1:{ports['temporal']}", "-o", "json"],
                            capture_output=True, text=True, timeout=60, check=True)
    text = result.stdout.strip()
    if not text:
        return set()
    try:
        items = json.loads(text)
    except ValueError:  # one JSON object a line
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(items, dict):
        items = [items]
    return {i.get("scheduleId") or i.get("schedule_id") or i.get("id") for i in items}


def ledger_problems(ledger, state, schedules):
    problems = []
    integrations = state["integrations"]
    for iid, row in integrations.items():
        if iid not in ledger.created:
            problems.append(f"integration {iid!r} exists but no accepted POST created it")
        if row["state"] == "DELETING" and iid not in ledger.deleted:
            problems.append(f"integration {iid!r} is being deleted but no accepted DELETE asked for it")
    for iid in ledger.created - set(integrations) - ledger.deleted:
        problems.append(f"integration {iid!r} was created and never deleted by an accepted DELETE, yet is gone")
    changes = defaultdict(list)
    for u in state["updates"]:
        if u["kind"] == "CHANGE":
            changes[u["integration"]].append(u)
            if u["id"] not in ledger.update_ids[u["integration"]]:
                problems.append(f"update run {u['id']} (v{u['version']} of {u['integration']!r}) has no accepted PUT/PATCH")
        elif u["kind"] == "DELETE" and u["integration"] not in ledger.deleted:
            problems.append(f"delete run {u['id']} of {u['integration']!r} has no accepted DELETE")
    for iid, row in integrations.items():
        if row["version"] != 1 + len(changes[iid]):
            problems.append(f"integration {iid!r} is at version {row['version']} after {len(changes[iid])} recorded changes")
    for cid, (iid, customer) in state["connections"].items():
        if ledger.connections.get(cid) != (iid, customer):
            problems.append(f"connection {cid} ({iid!r}, {customer!r}) has no accepted connect")
    for cid, (iid, customer) in ledger.connections.items():
        if cid not in state["connections"] and cid not in ledger.disconnected and iid not in ledger.deleted:
            problems.append(f"connection {cid} ({iid!r}, {customer!r}) was accepted, never disconnected, yet is gone")
    for cid in state["sync_connections"]:
        if cid not in ledger.connections:
            problems.append(f"sync runs recorded for connection {cid}, which no accepted connect created")
    bystander = state["integrations"].get(BYSTANDER)
    if not ledger.addressed_bystander and (not bystander or bystander["version"] != 1 or sum(1 for i, _ in state["connections"].values() if i == BYSTANDER) != 2):
        problems.append(f"the bystander {BYSTANDER} changed: {bystander}, connections "
                        f"{[c for c in state['connections'].values() if c[0] == BYSTANDER]}")
    expected = {f"sync:{iid}:{customer}" for iid, customer in state["connections"].values()}
    if schedules != expected:
        problems.append(f"Schedules without a connection: {sorted(schedules - expected)}; "
                        f"connections without a Schedule: {sorted(expected - schedules)}")
    return problems


def planted_writes(ledger, state, schedules):
    """The check must see writes no accepted request explains: plant one of each kind in a copy of the
    observed state and return the kinds it missed (an empty list means the check can fail)."""
    import copy

    plants = []
    some_integration = next(iter(state["integrations"]), None)

    def plant(description, mutate):
        s, sch = copy.deepcopy(state), set(schedules)
        mutate(s, sch)
        if not ledger_problems(ledger, s, sch):
            plants.append(description)

    plant("an integration a refused POST created",
          lambda s, _: s["integrations"].__setitem__("refused-create", {"version": 1, "state": "ACTIVE"}))
    if some_integration:
        def bump(s, _):
            s["integrations"][some_integration]["version"] += 1
            s["updates"].append({"id": "refused-change", "integration": some_integration, "kind": "CHANGE",
                                 "version": s["integrations"][some_integration]["version"], "state": "APPLIED"})
        plant("a version step a refused PUT committed", bump)
        plant("a version step without its update run",
              lambda s, _: s["integrations"][some_integration].__setitem__(
                  "version", s["integrations"][some_integration]["version"] + 1))
        plant("a connection a refused connect created",
              lambda s, sch: (s["connections"].__setitem__("refused-connect", (some_integration, "nobody")),
                              sch.add(f"sync:{some_integration}:nobody")))
    plant("a Schedule a refused request created", lambda _, sch: sch.add("sync:refused:schedule"))
    if (ledger.created - ledger.deleted) & set(state["integrations"]):
        plant("an integration a refused DELETE removed",
              lambda s, _: [s["integrations"].pop(i, None) for i in ledger.created - ledger.deleted])
    return plants


def settled(state):
    """No accepted work still in flight: no run committed-but-not-applied, no integration half deleted."""
    busy = [u for u in state["updates"] if u["state"] in ("COMMITTED", "PROPAGATING")]
    busy += [i for i, row in state["integrations"].items() if row["state"] == "DELETING"]
    return not busy


def delete_operation_id(base):
    """The operationId of DELETE /integrations/{id}, read from the served document."""
    with urllib.request.urlopen(f"{base}{API}/openapi.json", timeout=30) as r:
        doc = json.loads(r.read())
    return doc["paths"][f"{API}/integrations/{{id}}"]["delete"]["operationId"]


def run_schemathesis(stack, name, max_time, extra):
    base = f"http://127.0.0.1:{stack.ports['api']}"
    har = OUT / f"schemathesis-{name}.har"
    args = [
        str(VENV / "schemathesis"), "run", f"{base}{API}/openapi.json",
        "--url", base,
        "--header", f"Authorization: Bearer {TOKEN}",
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--workers", "1",
        "--max-time", str(max_time),
        "--request-timeout", "30",
        "--generation-database", "none",
        "--suppress-health-check", "all",
        "--report", "har,junit",
        "--report-har-path", str(har),
        "--report-junit-path", str(OUT / f"schemathesis-{name}-junit.xml"),
        "--no-color",
        *extra,
    ]
    if SEED:
        args += ["--seed", SEED]
    print("fuzz: " + " ".join(a if "Bearer" not in a else "'Authorization: Bearer ***'" for a in args), flush=True)
    started = time.monotonic()
    log_path = OUT / f"schemathesis-{name}.log"
    with open(log_path, "w") as log:
        result = subprocess.run(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=max_time + 600)
    tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    print("\n".join(l for l in tail[-30:] if l.strip()), flush=True)
    return result.returncode, har, time.monotonic() - started


def ledger_of(exchanges, seeded):
    ledger = Ledger(exchanges)
    ledger.addressed_bystander = any(
        e.accepted and e.method != "GET" and (e.segments() or [None, None])[1:2] == [BYSTANDER]
        for e in exchanges[seeded:])
    return ledger


def ledger_check(stack, ledger, name, requests, report):
    deadline = time.monotonic() + SETTLE
    while True:  # accepted fan-outs and deletes finish on their own; wait for them, bounded
        state = database_state(stack.ports)
        schedules = schedule_ids(stack.ports)
        problems = ledger_problems(ledger, state, schedules)
        if (settled(state) and not problems) or time.monotonic() > deadline:
            break
        time.sleep(2)
    report(settled(state), f"[{name}] accepted work settled (no update run or delete still in flight)")
    report(not problems,
           f"[{name}] no write by a refused request ({len(state['integrations'])} integrations, "
           f"{len(state['connections'])} connections, {len(state['updates'])} update runs, "
           f"{len(schedules)} Schedules, all explained by {ledger.counts['accepted']} accepted of "
           f"{requests} requests)",
           "; ".join(problems[:10]))
    missed = planted_writes(ledger, state, schedules)
    report(not missed, f"[{name}] the ledger check catches planted writes (integration, version step, update run, "
           "connection, Schedule, deletion)", "missed: " + "; ".join(missed) if missed else "")


def main():
    if not JAR.exists():
        print(f"fuzz: {JAR} is missing; run bin/setup (bin/fuzz does)", file=sys.stderr)
        return 2
    passed = failed = 0

    def report(ok, description, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print(f"{'ok  ' if ok else 'FAIL'}  {description}" + (f": {detail}" if detail else ""), flush=True)

    stack = Stack()
    try:
        t0 = time.monotonic()
        stack.start()
        print(f"fuzz: servers up in {time.monotonic() - t0:.0f} s (API :{stack.ports['api']}, "
              f"Temporal :{stack.ports['temporal']}, PostgreSQL :{stack.ports['postgres']})", flush=True)
        base = f"http://127.0.0.1:{stack.ports['api']}"
        seeded = seed(base)

        # Two rounds: first everything but deleting integrations, so connections and Schedules pile up
        # and the ledger check sees them; then everything, deletes included, and the check again.
        exchanges = list(seeded)
        rounds = [("no-deletes", int(MAX_TIME * 0.75), ["--exclude-operation-id", delete_operation_id(base)]),
                  ("all", MAX_TIME - int(MAX_TIME * 0.75), [])]
        for name, max_time, extra in rounds:
            code, har, took = run_schemathesis(stack, name, max_time, extra)
            fuzzed = har_exchanges(har)
            exchanges += fuzzed
            statuses = defaultdict(int)
            for e in fuzzed:
                statuses[e.status // 100 * 100] += 1
            server_errors = [e for e in fuzzed if e.status >= 500]
            report(code == 0, f"[{name}] schemathesis found no failing check ({took:.0f} s, {len(fuzzed)} requests: "
                   + ", ".join(f"{k // 100}xx {v}" for k, v in sorted(statuses.items())) + ")",
                   "" if code == 0 else f"exit {code}; see target/fuzz/schemathesis-{name}.log")
            report(not server_errors, f"[{name}] no 5xx answer",
                   "; ".join(f"{e.method} {e.path} -> {e.status}" for e in server_errors[:5]))
            report(statuses[200] > 0 and statuses[400] > 0, f"[{name}] both accepted and refused requests",
                   f"statuses {dict(statuses)}")
            ledger_check(stack, ledger_of(exchanges, len(seeded)), name, len(exchanges), report)
    except Exception as e:  # a broken setup is a failure, never a skip
        report(False, "fuzz run", f"{type(e).__name__}: {e}")
    finally:
        stack.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
