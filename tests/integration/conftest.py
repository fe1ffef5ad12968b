"""One real stack per test session (see stack.py), and the people who use it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# The shared end-of-scenario checks assert in a helper module: have pytest rewrite its
# asserts too, so a failing comparison prints its diff. Before any test module imports it.
pytest.register_assert_rewrite("tests.integration.checks")

from tests.integration.stack import Browser, Stack, require_services  # noqa: E402

# Figures a test measured (user properties named "report: ..."), shown after the run.
REPORT_PREFIX = "report: "


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    require_services()
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
    stack.simulator_latency(*stack.latency)
    yield
    stack.simulator_latency(*stack.latency)


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
    funcargs = getattr(item, "funcargs", {})
    stacks = [value for value in funcargs.values() if isinstance(value, Stack)]
    if report.failed:
        for stack in stacks:
            for name, tail in stack.logs().items():
                path = stack.artifacts / f"{name}.log"
                report.sections.append((f"{stack.name} {name} log ({path})", tail))
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    figures = [
        (report.nodeid, name.removeprefix(REPORT_PREFIX), value)
        for report in terminalreporter.getreports("passed")
        if report.when == "call"
        for name, value in report.user_properties
        if name.startswith(REPORT_PREFIX)
    ]
    if figures:
        terminalreporter.section("measured by the integration tests")
        for nodeid, name, value in figures:
            terminalreporter.write_line(f"{name}: {value}  ({nodeid})")
