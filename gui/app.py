"""Entry points for ``main.py``: check that a window can open, then run it.

``display_problem()`` runs before any QApplication exists: Qt aborts the process
when it cannot load its platform plugin, which would also skip the code that stops
the embedded broker. ``run_window()`` runs the window on one qasync loop until it is
closed; the runtime (broker, consumers, API) is the caller's to stop afterwards.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from ctypes.util import find_library
from importlib import resources
from pathlib import Path

APT_LINE = (
    "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
    "libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 "
    "libxcb-randr0"
)
GUI_SWITCH_INTERVAL_S = 0.001
NO_DISPLAY = "no display: use --headless, or QT_QPA_PLATFORM=offscreen"
# What the xcb plugin loads, by the names ctypes.util.find_library knows them by.
XCB_LIBS = (
    "xcb-cursor",
    "xcb-icccm",
    "xcb-image",
    "xcb-keysyms",
    "xcb-render-util",
    "xcb-xkb",
    "xkbcommon-x11",
    "xcb-shape",
    "xcb-randr",
)


def display_problem() -> str | None:
    """A one-line hint when Qt could not open a window here, else None.

    Call before creating a QApplication. Linux only: no DISPLAY / WAYLAND_DISPLAY,
    or the xcb plugin's system libraries are missing (named, with the apt-get line).
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return None
    has_x, has_wayland = bool(os.environ.get("DISPLAY")), bool(os.environ.get("WAYLAND_DISPLAY"))
    if not (has_x or has_wayland):
        return NO_DISPLAY
    if platform.startswith("wayland") or not has_x:
        return None  # the xcb plugin is not the one Qt will load
    if not x_server_reachable(os.environ["DISPLAY"]):
        return f"cannot connect to display {os.environ['DISPLAY']}: " + NO_DISPLAY.split(": ", 1)[1]
    missing = missing_xcb_libraries()
    if missing:
        return (
            f"Qt's xcb platform plugin cannot load: missing {', '.join(missing)}. "
            f"Install them with: {APT_LINE}"
        )
    return None


def x_server_reachable(display: str) -> bool:
    """Whether an X server answers at ``display`` (``:0``, ``unix:0``, ``host:0.0``).

    Qt aborts the whole process when it cannot connect, so ask first.
    """
    match = re.fullmatch(r"(?P<host>[^:]*):(?P<num>\d+)(?:\.\d+)?", display)
    if not match:
        return True  # a form we do not know: let Qt decide
    host, number = match["host"], int(match["num"])
    if host in ("", "unix"):
        # Xorg and Xvfb listen on both the abstract and the filesystem socket.
        return Path(f"/tmp/.X11-unix/X{number}").exists() or _abstract_x_socket(number)
    try:
        socket.create_connection((host, 6000 + number), timeout=1).close()
        return True
    except OSError:
        return False


def _abstract_x_socket(number: int) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(f"\0/tmp/.X11-unix/X{number}")
            return True
        except OSError:
            return False


def missing_xcb_libraries() -> list[str]:
    """System libraries the xcb plugin needs and the loader cannot find."""
    plugin = _xcb_plugin()
    ldd = shutil.which("ldd")
    if plugin is not None and ldd:
        try:
            out = subprocess.run(
                [ldd, str(plugin)], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            return re.findall(r"^\s*(\S+)\s+=>\s+not found", out, flags=re.MULTILINE)
    return [f"lib{name}" for name in XCB_LIBS if find_library(name) is None]


def _xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None


def apply_theme(app: object) -> None:
    """Fusion style plus the dark QSS, so the window looks the same on every desktop."""
    from PySide6.QtGui import QFont

    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(theme())


def theme() -> str:
    """The dark QSS, shipped inside the gui package so an installed app finds it too.

    Its ``url(@ICONS@/...)`` images are the package's own: Qt resolves a relative url()
    against the current directory, not the stylesheet's.
    """
    text = resources.files("gui").joinpath("theme.qss").read_text(encoding="utf-8")
    return text.replace("@ICONS@", icons_dir())


def icons_dir() -> str:
    """The shipped icons folder, with forward slashes (what a QSS url() wants)."""
    return Path(str(resources.files("gui").joinpath("icons"))).as_posix()


def run_window(
    runtime: object,
    api_url: str | None = None,
    api_failure: Callable[[], str | None] | None = None,
    lang: str | None = None,
    api_token: str | None = None,
) -> int:
    """Show the window for ``runtime`` until it is closed; returns an exit code.

    ``lang`` is ``es`` or ``en``; ``None`` follows the system locale.

    ``api_failure`` is polled on the window's clock: once it returns a reason, the
    status bar shows it in red for good. Must run on the main thread. Stops the
    window's timers and threads and destroys the window and its loop before returning,
    all on this thread (see ``gui.gui_gc``); does not stop ``runtime`` (the caller does,
    with the API).
    """
    from PySide6.QtWidgets import QApplication

    from gui.gui_gc import GuiThreadCollector

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "p2p-demo"])
    collector = GuiThreadCollector().start()
    try:
        return _show_window(app, runtime, api_url, api_failure, lang, api_token)
    finally:
        collector.stop()  # the loop and the window's leftovers go here, not on a consumer thread


def _show_window(
    app: object,
    runtime: object,
    api_url: str | None,
    api_failure: Callable[[], str | None] | None,
    lang: str | None,
    api_token: str | None,
) -> int:
    """run_window's body: everything it creates is garbage once this returns."""
    import qasync
    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow
    from gui.translation import remove_translator

    _dress(app, lang)
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # the window's own future ends the loop
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # Every Qt -> Python call (a table cell, a paint) needs the GIL, which busy consumer
    # threads hold for up to the switch interval (5 ms) each time: at 1 ms the window
    # stays responsive during bursts.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, GUI_SWITCH_INTERVAL_S))
    window = MainWindow(runtime, api_url, QSettings(), api_failure, api_token)  # layout per user
    done: asyncio.Future[int] = loop.create_future()
    window.closed.connect(lambda: done.done() or done.set_result(0))
    restore = _close_on_sigint(window)
    window.show()
    try:
        with loop:
            code = _run_until_closed(loop, done, window)
            _cancel_pending(loop)
        return code
    finally:
        restore()
        sys.setswitchinterval(switch)
        window.shutdown(wait=True)
        _destroy(window)
        asyncio.set_event_loop(None)
        app.setQuitOnLastWindowClosed(quit_on_close)
        remove_translator(app)


def _dress(app: object, lang: str | None) -> None:
    """The app's name (where QSettings keeps the layout), theme and language."""
    from gui.translation import install_translator

    app.setOrganizationName("kafka-p2p-demo")
    app.setApplicationName("Kafka point-to-point demo")
    apply_theme(app)
    install_translator(app, lang)  # before the window: widgets read their texts once


def _destroy(window: object) -> None:
    """Delete the window now, on this thread; its slots hold the loop's future.

    ``deleteLater()`` would wait for an event loop that may never run again (none does
    after run_window in main.py), and keep every widget, model and the loop alive.
    """
    import shiboken6

    if shiboken6.isValid(window):
        shiboken6.delete(window)


def _run_until_closed(loop: asyncio.AbstractEventLoop, done: asyncio.Future, window: object) -> int:
    """Run until the window closes, or until someone calls QApplication.quit().

    main.py's SIGTERM handler quits the application; that is a normal end, so the
    window is closed (stopping its timers) and the exit code is 0.
    """
    try:
        return loop.run_until_complete(done)
    except RuntimeError as exc:
        if "stopped before Future completed" not in str(exc):
            raise
        window.close()
        return 0


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel coroutines still running (a burst) and let them finish their cleanup."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def _close_on_sigint(window: object) -> Callable[[], None]:
    """Let Python signal handlers run while Qt waits; returns the undo.

    Without a handler of the caller's, Ctrl-C closes the window; with one (main.py
    quits the application), that handler stays in charge.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    from PySide6.QtCore import QTimer

    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:  # keep a handler the caller installed
        signal.signal(signal.SIGINT, lambda *_: window.close())
    wake = QTimer()  # lets the interpreter run the handler while Qt waits
    wake.start(200)
    wake.timeout.connect(lambda: None)

    def restore() -> None:
        wake.stop()
        if previous is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous)

    return restore
