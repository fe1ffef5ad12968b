"""One real stack per test session (see stack.py), and the people who use it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.stack import ARTIFACTS, DEFAULT_LATENCY, Browser, Stack, require_services


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    require_services()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    running = Stack()
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def _healthy_stack(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts on the default simulator settings with every process up."""
    if "stack" not in request.fixturenames:
        yield
        return
    stack: Stack = request.getfixturevalue("stack")
    stack.assert_running()
    stack.simulator_latency(*DEFAULT_LATENCY)
    yield
    stack.simulator_latency(*DEFAULT_LATENCY)


@pytest.fixture(scope="session")
def alice(stack: Stack) -> Iterator[Browser]:
    browser = stack.sign_up("alice")
    yield browser
    browser.http.close()


@pytest.fixture(scope="session")
def bob(stack: Stack) -> Iterator[Browser]:
    browser = stack.sign_up("bob")
    yield browser
    browser.http.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing test shows the tail of every process's log beside its traceback."""
    report = yield
    stack = item.funcargs.get("stack") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(stack, Stack):
        for name, tail in stack.logs().items():
            report.sections.append((f"{name} log ({ARTIFACTS / (name + '.log')})", tail))
    return report
