"""The Textual application: credentials in, the browser screen up, keys and themes."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.timer import Timer

from ..config import Settings
from ..core import Api
from . import styles
from .commands import FormCommands, JumpCommands, ViewCommands
from .frames import SteadyFrames
from .idle_gc import IdleCollector
from .refs import Ref
from .screens.browser import BrowserScreen
from .screens.jump import JumpScreen
from .screens.welcome import WelcomeScreen

STARTING_AFTER = 0.4  # seconds: a demo that starts sooner goes straight to the browser


class WbtuiApp(App[None]):
    TITLE = "wbtui"
    CSS_PATH = styles.APP
    COMMANDS = App.COMMANDS | {ViewCommands, JumpCommands, FormCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit wbtui"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit.force"),
        Binding("question_mark,f1", "help", "Keys", id="help", tooltip="Every key of this screen"),
        Binding("colon", "jump", "Jump", id="jump", tooltip="Go to a path or W&B URL"),
    ]

    def __init__(
        self,
        settings: Settings,
        make_api: Callable[[], Api] | None,
        *,
        start_demo: Callable[[], Callable[[], Api]] | None = None,
        initial: str | None = None,
        demo: bool = False,
    ) -> None:
        """`make_api` builds the client (None when there are no credentials); `start_demo`
        starts the demo sandbox (blocking, run in a thread) and returns a `make_api` for it;
        with `demo`, that happens at once (`wbtui demo`) while a screen says so."""
        super().__init__()
        self.settings = settings
        self._make_api = make_api
        self._start_demo = start_demo
        self.initial = initial
        self._demo_at_start = demo
        self._demo_starting = False
        self.api: Api | None = None
        self.theme = settings.theme
        self.animation_level = "none"  # nothing moves over a slow SSH link
        self._collector = IdleCollector()

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    def on_mount(self) -> None:
        self._collector.start()  # no garbage collection pauses while keys come in
        self.set_interval(0.25, self._collector.tick)
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self._demo_at_start:
            self.start_demo()
        elif self._make_api is None:
            self.push_screen(WelcomeScreen(demo_available=self._start_demo is not None))
        else:
            self.open_browser(self._make_api)

    def open_browser(self, make_api: Callable[[], Api]) -> None:
        try:
            self.api = make_api()
        except Exception as error:  # no key, a malformed URL...: say so, never a traceback
            self._welcome(demo_available=self._start_demo is not None, error=str(error))
            return
        self.sub_title = self.api.settings.base_url + (" · read-only" if self.read_only else "")
        self.switch_screen(BrowserScreen()) if self.screen_stack[1:] else self.push_screen(BrowserScreen())

    def start_demo(self) -> None:
        """Start the embedded demo sandbox, then browse it; once (another `d` meanwhile does
        nothing), again after a failure. A start slower than STARTING_AFTER says so; a quicker
        one goes straight to the browser."""
        if self._start_demo is not None and not self._demo_starting:
            self._demo_starting = True
            self._demo_worker()

    @work(thread=True, group="demo", exit_on_error=False)
    def _demo_worker(self) -> None:
        assert self._start_demo is not None
        slow = self.call_from_thread(self.set_timer, STARTING_AFTER, self._say_starting)
        try:
            make_api = self._start_demo()
        except Exception as error:  # a taken data dir, a full disk: say so, never a traceback
            self.call_from_thread(self._demo_failed, slow, str(error))
            return
        self.call_from_thread(self._demo_started, slow, make_api)

    def _say_starting(self) -> None:
        self._welcome(demo_available=True, starting=True)

    def _demo_started(self, slow: Timer, make_api: Callable[[], Api]) -> None:
        slow.stop()
        self.open_browser(make_api)

    def _demo_failed(self, slow: Timer, error: str) -> None:
        slow.stop()
        self._demo_starting = False
        self._welcome(demo_available=True, error=f"The demo could not start: {error}")

    def _welcome(self, **kwargs) -> None:
        """The welcome screen, in place of one already shown."""
        screen = WelcomeScreen(**kwargs)
        self.switch_screen(screen) if isinstance(self.screen, WelcomeScreen) else self.push_screen(screen)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._collector.input()
            if isinstance(event, events.Key) and isinstance(self.screen, SteadyFrames):
                self.screen.hurry_frame()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self._collector.stop()
        if self.api is not None:
            await self.api.close()

    # -- app-wide actions -------------------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # here: start-up stays light

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_jump(self) -> None:
        if isinstance(self.screen, BrowserScreen):
            self.push_screen(JumpScreen(), self.screen.jump_to_path)

    def open_ref(self, ref: Ref) -> None:
        if isinstance(self.screen, BrowserScreen):
            self.screen.open(ref)
