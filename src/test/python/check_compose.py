#!/usr/bin/env python3
"""Checks of docker-compose.yml (and the Dockerfile it builds), no Docker engine needed.

    python3 src/test/python/check_compose.py [path/to/docker-compose.yml]

The file is loaded by compose-go (github.com/compose-spec/compose-go/v2), the loader `docker compose`
itself uses: src/test/go/composecheck, a tiny Go program pinned in its go.mod/go.sum and built here with
`go build` (modules from the Go module proxy, cached after the first build). The loader validates the
file against the compose specification's JSON schema, interpolates ${VAR:-default}, normalizes every
short syntax and checks consistency (unknown services, configs or volumes, depends_on cycles); it
prints the resulting model as JSON, exactly what `docker compose config --format json` prints. A file
it refuses fails here. This script then checks, on that model, what `docker compose up` relies on:
the services, the start order their depends_on conditions give, the published ports, the SYNCPLANE_*
variables the service gets (against the ones config.yml reads), healthchecks on every long-running
service, pinned image versions, that the Temporal server reads the repository's dynamic config file
(the one bin/temporal-server uses too), and that the search attributes registered in Temporal are the
ones the code uses (Names.CUSTOM_SEARCH_ATTRIBUTES). Nothing is skipped: without Go the run fails.

Finally it breaks copies of the file on purpose (a misspelt key, a wrong condition, a missing
variable, a dangling depends_on) and requires the checks to catch each one, so a checker that stopped
looking would fail too.

Prints one line a check and ends with "N passed, M failed"; exits 1 if any check failed, 2 if the file
cannot be loaded at all.
"""

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SERVICES = ["postgresql", "temporal-schema", "temporal", "temporal-setup", "temporal-ui", "syncplane"]

# service -> {dependency: required condition}: the start order the deployment relies on.
DEPENDS_ON = {
    "temporal-schema": {"postgresql": "service_healthy"},
    "temporal": {"temporal-schema": "service_completed_successfully"},
    "temporal-setup": {"temporal": "service_healthy"},
    "temporal-ui": {"temporal": "service_healthy"},
    "syncplane": {
        "postgresql": "service_healthy",
        "temporal-setup": "service_completed_successfully",
    },
}
START_ORDER = ["postgresql", "temporal-schema", "temporal", "temporal-setup", "syncplane"]

# (service, container port, host port, host ip or None for any interface)
PORTS = [
    ("syncplane", 8080, 8080, None),
    ("syncplane", 8081, 8081, "127.0.0.1"),
    ("temporal-ui", 8080, 8233, None),
    ("temporal", 7233, 7233, None),
]

SYNCPLANE_REQUIRED_ENV = [
    "SYNCPLANE_DATABASE_URL",
    "SYNCPLANE_DATABASE_USER",
    "SYNCPLANE_DATABASE_PASSWORD",
    "SYNCPLANE_TEMPORAL_ADDRESS",
    "SYNCPLANE_TEMPORAL_NAMESPACE",
    "SYNCPLANE_TEMPORAL_UI_URL",
    "SYNCPLANE_API_TOKEN",
]


class Fail(Exception):
    pass


def require(condition, message):
    if not condition:
        raise Fail(message)


def as_env_map(env):
    """The loader normalizes environment to a mapping; a variable without a value is null."""
    return {str(k): ("" if v is None else str(v)) for k, v in (env or {}).items()}


def depends_on_map(service):
    """The loader normalizes depends_on to {service: {condition, required, ...}}."""
    return {str(k): (v or {}).get("condition", "service_started") for k, v in (service.get("depends_on") or {}).items()}


def parse_ports(service_name, service):
    """(host_ip, host_port, container_port) for every published port; the loader expands short syntax."""
    out = []
    for entry in service.get("ports") or []:
        published = entry.get("published")
        require(published not in (None, ""), f"{service_name}: port {entry!r} is not published on the host")
        out.append((entry.get("host_ip"), int(published), int(entry["target"])))
    return out


def image_tag(image):
    """The tag of an image reference, '' when there is none; digests count as pinned."""
    if "@sha256:" in image:
        return "@digest"
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


class Checker:
    def __init__(self, compose_path, model):
        self.compose_path = compose_path
        self.root = ROOT
        self.doc = model
        if not isinstance(self.doc, dict) or not isinstance(self.doc.get("services"), dict):
            raise Fail(f"{compose_path}: no services mapping")
        self.services = self.doc["services"]
        self.passed = 0
        self.failed = 0

    def svc(self, name):
        require(name in self.services, f"service {name!r} is missing")
        return self.services[name] or {}

    def run(self, description, fn):
        try:
            detail = fn()
        except Fail as e:
            self.failed += 1
            print(f"FAIL  {description}: {e}")
        except Exception as e:  # a malformed file must read as a failed check, not a traceback
            self.failed += 1
            print(f"FAIL  {description}: {type(e).__name__}: {e}")
        else:
            self.passed += 1
            print(f"ok    {description}" + (f" ({detail})" if detail else ""))

    # ---- the checks ---------------------------------------------------------------------------

    def services_exist(self):
        missing = [s for s in SERVICES if s not in self.services]
        require(not missing, f"missing services: {', '.join(missing)}")
        return ", ".join(SERVICES)

    def start_order(self):
        problems = []
        for name, wanted in DEPENDS_ON.items():
            have = depends_on_map(self.svc(name))
            for dep, condition in wanted.items():
                if have.get(dep) != condition:
                    problems.append(f"{name} must depend on {dep} with condition {condition} (has {have.get(dep)})")
        for name in self.services:
            for dep in depends_on_map(self.svc(name)):
                if dep not in self.services:
                    problems.append(f"{name} depends on unknown service {dep}")
        require(not problems, "; ".join(problems))
        # The conditions must order the chain; a cycle would make `up` hang or fail.
        order = self._topological_order()
        positions = [order.index(s) for s in START_ORDER]
        require(positions == sorted(positions), f"start order {order} does not follow {START_ORDER}")
        return " -> ".join(START_ORDER)

    def _topological_order(self):
        done, order, visiting = set(), [], set()

        def visit(name, path):
            if name in done:
                return
            require(name not in visiting, f"depends_on cycle: {' -> '.join(path + [name])}")
            visiting.add(name)
            for dep in depends_on_map(self.svc(name)):
                visit(dep, path + [name])
            visiting.discard(name)
            done.add(name)
            order.append(name)

        for name in self.services:
            visit(name, [])
        return order

    def ports(self):
        problems = []
        for name, target, published, host_ip in PORTS:
            mapped = parse_ports(name, self.svc(name))
            hits = [m for m in mapped if m[1] == published and m[2] == target]
            if not hits:
                problems.append(f"{name} does not publish {published}:{target} (has {mapped})")
            elif host_ip and any(m[0] != host_ip for m in hits):
                problems.append(f"{name} must publish {published} on {host_ip} only (has {hits})")
        require(not problems, "; ".join(problems))
        return ", ".join(f"{p}->{s}:{t}" for s, t, p, _ in PORTS)

    def syncplane_env(self):
        env = as_env_map(self.svc("syncplane").get("environment"))
        missing = [k for k in SYNCPLANE_REQUIRED_ENV if not env.get(k)]
        require(not missing, f"syncplane does not set {', '.join(missing)}")
        require(
            env.get("SYNCPLANE_ADMIN_BIND_HOST") == "0.0.0.0",
            "syncplane must set SYNCPLANE_ADMIN_BIND_HOST=0.0.0.0, or the published admin port reaches nothing",
        )
        require(
            re.match(r"^jdbc:postgresql://postgresql(:5432)?/\w+", env["SYNCPLANE_DATABASE_URL"]),
            f"SYNCPLANE_DATABASE_URL must point at the postgresql service: {env['SYNCPLANE_DATABASE_URL']}",
        )
        require(
            env["SYNCPLANE_TEMPORAL_ADDRESS"] == "temporal:7233",
            f"SYNCPLANE_TEMPORAL_ADDRESS must be temporal:7233: {env['SYNCPLANE_TEMPORAL_ADDRESS']}",
        )
        require(
            env["SYNCPLANE_TEMPORAL_UI_URL"] == "http://localhost:8233",
            f"SYNCPLANE_TEMPORAL_UI_URL must be http://localhost:8233: {env['SYNCPLANE_TEMPORAL_UI_URL']}",
        )
        # Every SYNCPLANE_* the compose file sets must be one config.yml reads (catches typos).
        config_yml = (self.root / "config.yml").read_text(encoding="utf-8")
        read = set(re.findall(r"\$\{(SYNCPLANE_[A-Z0-9_]+)", config_yml))
        unknown = sorted(k for k in env if k.startswith("SYNCPLANE_") and k not in read)
        require(not unknown, f"config.yml reads none of {', '.join(unknown)}")
        not_read = sorted(k for k in SYNCPLANE_REQUIRED_ENV if k not in read)
        require(not not_read, f"config.yml no longer reads {', '.join(not_read)}; update this checker")
        # Every variable config.yml reads: one without a default, or whose default only makes sense
        # on a developer's host (localhost, loopback), must be set for the container. An explicitly empty
        # default (${VAR:-}) is an optional setting that is off unless set (temporal.tls, temporal.apiKey).
        unset = []
        for name, default in re.findall(r"\$\{(SYNCPLANE_[A-Z0-9_]+)(?::-([^}]*))?\}", config_yml):
            host_only = default is not None and re.search(r"localhost|127\.0\.0\.1", default)
            if (default is None or host_only) and not env.get(name):
                unset.append(f"{name} (config.yml default: {default or 'none'})")
        require(not unset, "syncplane must set " + ", ".join(unset))
        return f"{len([k for k in env if k.startswith('SYNCPLANE_')])} SYNCPLANE_* variables, all read by config.yml"

    def one_shot_services(self):
        """Services something waits on to complete: they exit, so they need no healthcheck."""
        out = set()
        for name in self.services:
            for dep, condition in depends_on_map(self.svc(name)).items():
                if condition == "service_completed_successfully":
                    out.add(dep)
        return out

    def healthchecks(self):
        one_shot = self.one_shot_services()
        long_running = [s for s in self.services if s not in one_shot]
        problems = []
        for name in long_running:
            hc = self.svc(name).get("healthcheck")
            if not hc or hc.get("disable") or not hc.get("test") or hc.get("test") == ["NONE"]:
                problems.append(f"{name} has no healthcheck")
        require(not problems, "; ".join(problems))
        for name in one_shot:
            restart = str(self.svc(name).get("restart", "no"))
            require(restart in ("no", "on-failure") or restart.startswith("on-failure:"),
                    f"one-shot {name} has restart: {restart}, so it would never complete")
        return f"long-running: {', '.join(long_running)}; one-shot: {', '.join(sorted(one_shot))}"

    def images_pinned(self):
        problems, seen = [], []
        for name, service in self.services.items():
            image = (service or {}).get("image")
            if image is None:
                require("build" in (service or {}), f"{name} has neither image nor build")
                continue
            tag = image_tag(str(image))
            if not tag or tag == "latest" or "$" in str(image):
                problems.append(f"{name}: {image} is not pinned to a version")
            seen.append(str(image))
        dockerfile = self.root / "Dockerfile"
        if dockerfile.exists():
            for line in dockerfile.read_text(encoding="utf-8").splitlines():
                m = re.match(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", line, re.IGNORECASE)
                if m:
                    tag = image_tag(m.group(1))
                    if not tag or tag == "latest":
                        problems.append(f"Dockerfile: FROM {m.group(1)} is not pinned to a version")
                    seen.append(m.group(1))
        require(not problems, "; ".join(problems))
        return ", ".join(sorted(set(seen)))

    def temporal_versions_match(self):
        server = image_tag(str(self.svc("temporal").get("image", "")))
        problems = []
        for name in ("temporal-schema", "temporal-setup"):
            image = str(self.svc(name).get("image", ""))
            if not image.startswith("temporalio/admin-tools:"):
                problems.append(f"{name} must run temporalio/admin-tools (has {image})")
            elif image_tag(image) != server:
                problems.append(f"{name} runs {image} but the server is {server}; move them together")
        require(not problems, "; ".join(problems))
        return f"server and admin-tools {server}"

    def temporal_dynamic_config(self):
        """The server reads the dynamic config file the repository holds, the one bin/temporal-server passes."""
        temporal = self.svc("temporal")
        wanted = as_env_map(temporal.get("environment")).get("DYNAMIC_CONFIG_FILE_PATH", "")
        require(wanted, "temporal sets no DYNAMIC_CONFIG_FILE_PATH (the image ships no dynamic config file)")
        # A relative path is read from the image's working directory, /etc/temporal.
        target = wanted if wanted.startswith("/") else "/etc/temporal/" + wanted
        mounts = [c for c in temporal.get("configs") or [] if c.get("target") == target]
        require(mounts, f"temporal reads {target}, and no config is mounted there")
        source = mounts[0].get("source")
        config = (self.doc.get("configs") or {}).get(source) or {}
        require(config.get("file"), f"config {source} is not a file; keep it in the one file bin/temporal-server uses too")
        # The loader resolves the file against the compose file's folder; read it from the repository.
        relative = Path(config["file"]).relative_to(self.compose_path.parent)
        require((self.root / relative).is_file(), f"config {source} names {relative}, which does not exist")
        script = (self.root / "bin/temporal-server").read_text(encoding="utf-8")
        m = re.search(r'^DYNAMIC_CONFIG="\$ROOT/([^"]+)"', script, re.MULTILINE)
        require(m, "cannot find DYNAMIC_CONFIG=\"$ROOT/...\" in bin/temporal-server")
        require(Path(m.group(1)) == relative, f"compose mounts {relative}, bin/temporal-server passes {m.group(1)}")
        return f"{relative} on {target}, as bin/temporal-server passes it"

    def temporal_setup_matches_code(self):
        setup = self.svc("temporal-setup")
        env = as_env_map(setup.get("environment"))
        script = " ".join(str(c) for c in (setup.get("command") or []))
        require("search-attribute create" in script, "temporal-setup does not run `temporal operator search-attribute create`")
        require("namespace create" in script, "temporal-setup does not create the namespace")
        names_java = self.root / "src/main/java/dev/syncplane/temporal/Names.java"
        m = re.search(r"CUSTOM_SEARCH_ATTRIBUTES\s*=\s*List\.of\(([^)]*)\)", names_java.read_text(encoding="utf-8"))
        require(m, f"cannot find CUSTOM_SEARCH_ATTRIBUTES in {names_java}")
        in_code = re.findall(r'"([^"]+)"', m.group(1))
        registered = env.get("SEARCH_ATTRIBUTES", "").split()
        require(sorted(registered) == sorted(in_code),
                f"temporal-setup registers {registered}, the code needs {in_code}")
        namespace = as_env_map(self.svc("syncplane").get("environment")).get("SYNCPLANE_TEMPORAL_NAMESPACE")
        require(env.get("NAMESPACE") == namespace,
                f"temporal-setup creates namespace {env.get('NAMESPACE')!r}, syncplane uses {namespace!r}")
        return f"namespace {namespace}; {' '.join(registered)}"

    def dockerfile(self):
        build = self.svc("syncplane").get("build") or {}
        # The loader resolves the context against the compose file's folder; read it from the repository.
        context = Path(build.get("context", str(self.compose_path.parent)))
        context = self.root / context.relative_to(self.compose_path.parent)
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        require(dockerfile.exists(), f"syncplane builds from {dockerfile}, which does not exist")
        text = dockerfile.read_text(encoding="utf-8")
        stages = re.findall(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", text, re.IGNORECASE | re.MULTILINE)
        require(len(stages) >= 2, f"{dockerfile.name} is not multi-stage (FROM lines: {stages})")
        require(re.search(r"COPY\s+--from=\S+\s+\S*syncplane\.jar", text), "the runtime stage does not copy syncplane.jar from the build stage")
        require(re.search(r"^\s*COPY\s+config\.yml\b", text, re.MULTILINE), "the image does not contain config.yml")
        exposed = set(re.findall(r"\d+", " ".join(re.findall(r"^\s*EXPOSE\s+(.*)$", text, re.MULTILINE))))
        require({"8080", "8081"} <= exposed, f"the image exposes {sorted(exposed)}, not 8080 and 8081")
        require(re.search(r"^\s*USER\s+(?!root\b)\S+", text, re.MULTILINE), "the image runs as root")
        return f"{len(stages)} stages: " + " -> ".join(s[0] for s in stages)

    def all(self):
        self.run("compose-go loads and validates the file (schema, interpolation, consistency)", loader_version)
        self.run("the services exist", self.services_exist)
        self.run("depends_on conditions give the start order", self.start_order)
        self.run("ports 8080, 8081 (loopback), 8233 and 7233 are published", self.ports)
        self.run("syncplane gets the SYNCPLANE_* variables it needs", self.syncplane_env)
        self.run("every long-running service has a healthcheck", self.healthchecks)
        self.run("images are pinned (no :latest, no missing tag)", self.images_pinned)
        self.run("admin-tools and server versions match", self.temporal_versions_match)
        self.run("the server's dynamic config is the repository's file, shared with bin/temporal-server",
                 self.temporal_dynamic_config)
        self.run("temporal-setup registers the namespace and search attributes the code uses",
                 self.temporal_setup_matches_code)
        self.run("the Dockerfile is multi-stage and ships the jar and config.yml", self.dockerfile)


# ---- loading through compose-go ------------------------------------------------------------------

GO_SOURCE = ROOT / "src/test/go/composecheck"
LOADER = ROOT / ".tools/bin/composecheck"


class LoadError(Exception):
    pass


def go_binary():
    found = shutil.which("go") or ("/usr/local/go/bin/go" if os.access("/usr/local/go/bin/go", os.X_OK) else None)
    if not found:
        raise LoadError("Go is required to build the compose loader (apt-get install golang-go, or the Go toolchain)")
    return found


def loader_version():
    m = re.search(r"github.com/compose-spec/compose-go/v2 (\S+)", (GO_SOURCE / "go.mod").read_text(encoding="utf-8"))
    return f"compose-go {m.group(1) if m else '?'}"


def build_loader():
    """go build is incremental: a few ms when nothing changed, ~15 s the first time (cold cache)."""
    LOADER.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([go_binary(), "build", "-buildvcs=false", "-o", str(LOADER), "."], cwd=GO_SOURCE,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise LoadError("building src/test/go/composecheck failed: " + (result.stderr or result.stdout).strip())


def load_model(compose_path):
    """The compose-go model of the file, as docker compose would see it with no variables set."""
    result = subprocess.run([str(LOADER), str(compose_path)], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise LoadError((result.stderr or result.stdout).strip() or f"exit {result.returncode}")
    return json.loads(result.stdout)


def check(compose_path, quiet=False):
    """Runs every check; returns (passed, failed, failures)."""
    model = load_model(compose_path)
    checker = Checker(compose_path, model)
    if quiet:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            checker.all()
        return checker.passed, checker.failed, [l for l in buffer.getvalue().splitlines() if l.startswith("FAIL")]
    checker.all()
    return checker.passed, checker.failed, []


# A broken copy of the file, and what must notice: the loader itself (None) or a named check.
MUTATIONS = [
    ("a misspelt key (restrat:)", "    restart: unless-stopped\n", "    restrat: unless-stopped\n", None),
    ("an unknown depends_on condition", "condition: service_healthy", "condition: service_heathy", None),
    ("depends_on naming a service that does not exist", "      temporal-setup:\n        condition",
     "      temporal-setp:\n        condition", None),
    ("the database URL dropped from syncplane", "      SYNCPLANE_DATABASE_URL: jdbc:postgresql://postgresql:5432/syncplane\n",
     "", "SYNCPLANE_* variables"),
    ("a SYNCPLANE_* variable config.yml does not read", "      SYNCPLANE_ADMIN_BIND_HOST: 0.0.0.0\n",
     "      SYNCPLANE_ADMIN_BIND_HOST: 0.0.0.0\n      SYNCPLANE_ADMIN_BIND_HOTS: 0.0.0.0\n", "SYNCPLANE_* variables"),
    ("the admin port published on every interface", '"127.0.0.1:8081:8081"', '"8081:8081"', "ports"),
    ("an unpinned image", "image: temporalio/ui:2.49.1", "image: temporalio/ui:latest", "images are pinned"),
    ("the dynamic config file misnamed", "file: ./src/main/temporal/dynamicconfig.yaml",
     "file: ./src/main/temporal/dynamic-config.yaml", "dynamic config"),
    ("the dynamic config mounted where the server does not read it", "target: /etc/temporal/config/dynamicconfig/",
     "target: /etc/temporal/dynamicconfig/", "dynamic config"),
]


def self_test(compose_path):
    """Each mutation must make the loader or the named check fail; returns the mutations nobody caught."""
    text = compose_path.read_text(encoding="utf-8")
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        broken = Path(tmp) / "docker-compose.yml"
        for description, old, new, check_name in MUTATIONS:
            if old not in text:
                missed.append(f"{description}: the file no longer contains {old.strip()!r}; update MUTATIONS")
                continue
            broken.write_text(text.replace(old, new, 1), encoding="utf-8")
            try:
                _, failed, failures = check(broken, quiet=True)
            except LoadError:
                if check_name is not None:
                    missed.append(f"{description}: expected check '{check_name}' to fail, but the loader refused it")
                continue
            if check_name is None:
                missed.append(f"{description}: the loader accepted it")
            elif not any(check_name in line for line in failures):
                missed.append(f"{description}: check '{check_name}' did not fail (failures: {failures})")
    return missed


def main(argv):
    path = Path(argv[1]).resolve() if len(argv) > 1 else ROOT / "docker-compose.yml"
    try:
        build_loader()
        print(f"ok    compose-go loader built ({LOADER.relative_to(ROOT)})")
        passed, failed, _ = check(path)
    except (OSError, LoadError, ValueError, Fail) as e:
        print(f"FAIL  compose-go loads {path.name}: {e}")
        print("0 passed, 1 failed")
        return 2
    missed = self_test(path)
    if missed:
        failed += 1
        print("FAIL  broken copies of the file are caught: " + "; ".join(missed))
    else:
        passed += 1
        print(f"ok    broken copies of the file are caught ({len(MUTATIONS)} mutations)")
    print(f"{passed} passed, {failed} failed")
    if failed:
        print(f"check_compose: {path} has problems, see the FAIL lines above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
