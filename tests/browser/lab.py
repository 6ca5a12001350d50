"""JupyterLab on a throw-away copy of the course, for the browser tests and benchmarks.

:class:`Lab` copies the course's notebooks, exercises and data into a temporary folder
and serves that copy (a token, autosave off, every cell rendered), so nothing a test
runs or saves can touch the committed notebooks. The functions below drive the page
through Playwright: open a notebook, run all its cells, wait until the kernel is idle::

    with Lab() as lab:
        open_notebook(page, lab, "notebooks/03_leaky_bucket.ipynb")
        run_all(page)

JupyterLab runs in its own process group (``setsid``), stopped as a whole at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]

#: What the copy holds: the lessons, the exercises and the data they load.
FOLDERS = ("notebooks", "exercises", "datasets")

#: JupyterLab settings for a test: no autosave (a run never writes a notebook), every cell
#: in the page (no virtual scrolling, so a widget far down a lesson can be found).
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


#: The notebook in view (JupyterLab keeps other open documents in hidden panels).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """JupyterLab serving a temporary copy of the course; use it as a context manager.

    Parameters
    ----------
    folders : folder names of the course to copy (default :data:`FOLDERS`).
    source : the course to copy (default: this repository).
    env : extra environment variables for JupyterLab and its kernels.
    startup_seconds : how long to wait for the server to answer.
    """

    def __init__(
        self, folders=FOLDERS, *, source: Path = ROOT, env: dict | None = None, startup_seconds: float = 120.0
    ) -> None:
        self.folders = tuple(folders)
        self.env = dict(env or {})
        self.source = Path(source)
        self.startup_seconds = startup_seconds
        self.token = secrets.token_hex(16)
        self.port = 0
        self.root: Path | None = None
        self._home: tempfile.TemporaryDirectory | None = None
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> Lab:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, path: str = "") -> str:
        """The JupyterLab address of ``path`` (relative to the copy), token included."""
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?token={self.token}"

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API (``path`` after ``/api/``); the decoded JSON answer, or None."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every session and stop every kernel (the notebooks opened so far)."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")
        for kernel in self.api("GET", "kernels"):
            try:
                self.api("DELETE", f"kernels/{kernel['id']}")
            except urllib.error.HTTPError as error:
                if error.code != 404:  # 404: it stopped with its session
                    raise

    def start(self) -> None:
        """Copy the course, write the settings and start JupyterLab; wait until it answers."""
        self._home = tempfile.TemporaryDirectory(prefix="crm-lab-")
        home = Path(self._home.name)
        self.root = home / "course"
        for folder in self.folders:
            shutil.copytree(
                self.source / folder, self.root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
            )
        for plugin, values in SETTINGS.items():
            extension, name = plugin.rsplit("/", 1)
            target = home / "settings" / extension / f"{name}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands without clicking menus
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), **self.env}
        self._log = open(home / "lab.log", "wb")  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            command, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + self.startup_seconds
        status = f"http://127.0.0.1:{self.port}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped at start (exit {self._process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(status, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_seconds:.0f} s")

    def log(self) -> str:
        """The server's output so far (the end of it), to explain a failure."""
        if self._home is None:
            return ""
        path = Path(self._home.name) / "lab.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        """Stop JupyterLab and its kernels (the whole process group) and delete the copy."""
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGTERM)
                self._process.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=10)
            self._process = None
            self._log.close()
        if self._home is not None:
            self._home.cleanup()
            self._home = None


def open_notebook(page, lab: Lab, path: str, *, timeout_seconds: float = 120.0) -> None:
    """Open ``path`` of the copy in JupyterLab, alone in a fresh layout, and wait until its kernel is ready.

    Earlier sessions end first: a page reopening a notebook whose session is still alive can
    have its kernel replaced under it, and the cells it sends are lost with the old kernel.
    """
    lab.shutdown_kernels()
    page.goto(lab.url(path) + "&reset")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=timeout_seconds * 1000)
    wait_until_idle(page, timeout_seconds=timeout_seconds)


def kernel_idle(page) -> bool:
    """Whether the open notebook has its kernel, connected and idle, and no cell waits to run.

    Asked of the notebook's session, not of the toolbar's status indicator: while a freshly
    opened notebook is still starting its kernel, the indicator already reads "idle", and the
    cells sent then are lost.
    """
    return page.evaluate(
        """(selector) => {
            const widget = window.jupyterapp.shell.currentWidget;
            const session = widget && widget.sessionContext;
            if (!session || !session.isReady || session.hasNoKernel) return false;
            const kernel = session.session && session.session.kernel;
            if (!kernel || kernel.connectionStatus !== 'connected' || kernel.status !== 'idle') return false;
            const panel = document.querySelector(selector);
            return !!panel && ![...panel.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
        }""",
        PANEL,
    )


def wait_until_idle(page, *, timeout_seconds: float = 600.0, settle_seconds: float = 1.0) -> None:
    """Wait until the kernel has been idle, with no cell queued, for ``settle_seconds``."""
    deadline = time.monotonic() + timeout_seconds
    idle_since = None
    while time.monotonic() < deadline:
        if kernel_idle(page):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle_seconds:
                return
        else:
            idle_since = None
        page.wait_for_timeout(200)
    raise TimeoutError(f"the notebook was still running after {timeout_seconds:.0f} s")


def run_all(page, *, timeout_seconds: float = 600.0, retry_after_seconds: float = 60.0) -> None:
    """Clear the outputs, run every cell of the open notebook (Run › Run All Cells) and wait until all have run.

    If no cell has started after ``retry_after_seconds`` (a request lost while the kernel was
    being replaced), the cells are sent again, up to three times.
    """
    start = """async () => {
        await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
        window.jupyterapp.commands.execute('notebook:run-all-cells');  // resolves only when every cell has run
    }"""
    # Asked of the notebook's model, not its prompts: a cell whose input is hidden (a prose cell) shows none.
    executed = """(wanted) => {
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        let code = 0, done = 0;
        for (let i = 0; i < cells.length; i++) {
            const cell = cells.get(i);
            if (cell.type !== 'code') continue;
            code += 1;
            if (cell.executionCount) done += 1;
        }
        return code > 0 && (wanted === 'all' ? done === code : done > 0);
    }"""
    deadline = time.monotonic() + timeout_seconds
    for _attempt in range(3):
        page.evaluate(start)
        try:
            page.wait_for_function(executed, arg="any", timeout=retry_after_seconds * 1000)
            break
        except PlaywrightTimeout:
            wait_until_idle(page, timeout_seconds=retry_after_seconds)
    remaining = max(deadline - time.monotonic(), 1.0)
    page.wait_for_function(executed, arg="all", timeout=remaining * 1000)
    wait_until_idle(page, timeout_seconds=max(deadline - time.monotonic(), 1.0))


def cell_errors(page) -> list[str]:
    """The errors the open notebook's cells printed (tracebacks), empty when every cell ran."""
    outputs = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [text for text in outputs.all_inner_texts() if "Traceback" in text or "Error" in text]
