"""nginx as the load balancer of the Rasa replicas: its config, and the command that runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).parent
NGINX_CANDIDATES = ("/usr/sbin/nginx", "nginx")


def nginx_config(*, host: str, listen_port: int, replica_ports: list[int], run_dir: Path) -> str:
    """nginx.conf that listens on `listen_port` and spreads requests over the replicas."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined, keep_trailing_newline=True
    )
    template = environment.get_template("nginx.conf.j2")
    return template.render(host=host, listen_port=listen_port, ports=replica_ports, run_dir=run_dir)


def nginx_binary() -> str:
    """The nginx executable (Debian's nginx-light: `make nginx`); SystemExit when there is none."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise SystemExit("nginx is not installed: run `make nginx` (Debian's nginx-light)")


def nginx_command(run_dir: Path) -> list[str]:
    """The command that runs nginx in the foreground with the config `write_nginx_config` wrote."""
    return [nginx_binary(), "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;"]


def write_nginx_config(*, host: str, listen_port: int, replica_ports: list[int], run_dir: Path) -> Path:
    """Write nginx.conf (and the directories it names) into `run_dir`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(
        nginx_config(host=host, listen_port=listen_port, replica_ports=replica_ports, run_dir=run_dir),
        encoding="utf-8",
    )
    return config
