#!/usr/bin/env python3
"""Static checks of docker-compose.yml (and the Dockerfile it builds), no Docker engine needed.

    python3 src/test/python/check_compose.py [path/to/docker-compose.yml]

Needs PyYAML (`pip install pyyaml`). Parses the compose file with a real YAML parser and checks the
things `docker compose up` relies on: the services, the start order their depends_on conditions
give, the published ports, the SYNCPLANE_* variables the service gets (against the ones config.yml
reads), healthchecks on every long-running service, pinned image versions, and that the search
attributes registered in Temporal are the ones the code uses (Names.CUSTOM_SEARCH_ATTRIBUTES).

When a docker client with the compose plugin is on PATH it also runs
`docker compose -f docker-compose.yml config -q`, the compose implementation's own validation (it
needs no engine). Without the plugin that check is reported as skipped; set
CHECK_COMPOSE_REQUIRE_DOCKER=1 to make that a failure.

Prints one line a check and ends with "N passed, M failed" (", K skipped" when some were skipped);
exits 1 if any check failed, 2 if the file cannot be read at all.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - environment problem, not a check
    print("check_compose: PyYAML is missing; install it with `pip install pyyaml`", file=sys.stderr)
    sys.exit(2)

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
    """Compose accepts environment as a mapping or as a list of KEY=VALUE strings."""
    if env is None:
        return {}
    if isinstance(env, dict):
        return {str(k): ("" if v is None else str(v)) for k, v in env.items()}
    if isinstance(env, list):
        out = {}
        for item in env:
            key, _, value = str(item).partition("=")
            out[key] = value
        return out
    raise Fail(f"environment has an unexpected form: {env!r}")


def depends_on_map(service):
    """Compose accepts depends_on as a list (condition service_started) or a mapping."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {str(d): "service_started" for d in deps}
    return {str(k): (v or {}).get("condition", "service_started") for k, v in deps.items()}


def parse_ports(service_name, service):
    """Yields (host_ip, host_port, container_port) for every published port, both syntaxes."""
    out = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            published = entry.get("published")
            require(published is not None, f"{service_name}: port {entry!r} is not published on the host")
            out.append((entry.get("host_ip"), int(published), int(entry["target"])))
            continue
        require(
            isinstance(entry, str),
            f"{service_name}: port mapping {entry!r} is not a string; quote it (YAML reads 22:22 as a number)",
        )
        spec = entry.split("/")[0]
        parts = spec.rsplit(":", 2)
        require(len(parts) >= 2, f"{service_name}: port {entry!r} publishes no host port")
        host_ip = parts[0].strip("[]") if len(parts) == 3 else None
        out.append((host_ip, int(parts[-2]), int(parts[-1])))
    return out


def image_tag(image):
    """The tag of an image reference, '' when there is none; digests count as pinned."""
    if "@sha256:" in image:
        return "@digest"
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


class Checker:
    def __init__(self, compose_path):
        self.compose_path = compose_path
        self.root = compose_path.parent
        self.doc = yaml.safe_load(compose_path.read_text(encoding="utf-8"))
        if not isinstance(self.doc, dict) or not isinstance(self.doc.get("services"), dict):
            raise Fail(f"{compose_path}: no services mapping")
        self.services = self.doc["services"]
        self.passed = 0
        self.failed = 0
        self.skipped = 0

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
            if detail == "skip":
                return
            self.passed += 1
            print(f"ok    {description}" + (f" ({detail})" if detail else ""))

    def skip(self, description, why):
        self.skipped += 1
        print(f"skip  {description}: {why}")

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

    def docker_compose_config(self):
        description = "docker compose config -q accepts the file"
        docker = shutil.which("docker")
        required = os.environ.get("CHECK_COMPOSE_REQUIRE_DOCKER") == "1"
        if not docker:
            if required:
                self.run(description, lambda: require(False, "no docker client on PATH"))
            else:
                self.skip(description, "no docker client on PATH")
            return
        try:
            probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=60)
            probe_ok = probe.returncode == 0
            answer = (probe.stdout if probe_ok else (probe.stderr or probe.stdout)).strip().splitlines()
        except (OSError, subprocess.SubprocessError) as e:
            answer, probe_ok = [str(e)], False
        if not probe_ok:
            why = "the docker client has no compose plugin: " + (answer[0] if answer else "no answer")
            if required:
                self.run(description, lambda: require(False, why))
            else:
                self.skip(description, why)
            return

        def run_config():
            result = subprocess.run(
                [docker, "compose", "-f", self.compose_path.name, "config", "-q"],
                cwd=self.root, capture_output=True, text=True, timeout=120,
            )
            require(result.returncode == 0, (result.stderr or result.stdout).strip() or f"exit {result.returncode}")
            return answer[0] if answer else None

        self.run(description, run_config)

    def all(self):
        self.run("the services exist", self.services_exist)
        self.run("depends_on conditions give the start order", self.start_order)
        self.run("ports 8080, 8081 (loopback), 8233 and 7233 are published", self.ports)
        self.run("syncplane gets the SYNCPLANE_* variables it needs", self.syncplane_env)
        self.run("every long-running service has a healthcheck", self.healthchecks)
        self.run("images are pinned (no :latest, no missing tag)", self.images_pinned)
        self.run("admin-tools and server versions match", self.temporal_versions_match)
        self.run("temporal-setup registers the namespace and search attributes the code uses",
                 self.temporal_setup_matches_code)
        self.docker_compose_config()


def main(argv):
    path = Path(argv[1]).resolve() if len(argv) > 1 else ROOT / "docker-compose.yml"
    try:
        checker = Checker(path)
    except (OSError, yaml.YAMLError, Fail) as e:
        print(f"check_compose: cannot read {path}: {e}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    checker.all()
    summary = f"{checker.passed} passed, {checker.failed} failed"
    if checker.skipped:
        summary += f", {checker.skipped} skipped"
    print(summary)
    if checker.failed:
        print(f"check_compose: {path} has problems, see the FAIL lines above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
