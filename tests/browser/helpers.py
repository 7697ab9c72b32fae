"""What the browser tests do alike in a page of the dashboard: wait for a run to finish, sign in, open a page of
审核, choose in a select box, assert no exception was drawn. The server itself is tests/browser/serve.py."""

from __future__ import annotations


def wait_for_app(pg, timeout=60_000) -> None:
    """Until the page is connected, its script has finished and no skeleton is left."""
    from playwright.sync_api import expect

    pg.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    expect(pg.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)


def settle(pg, timeout=60_000) -> None:
    """Until the page is connected and its script, given 300 ms to start a rerun, has finished."""
    pg.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    pg.wait_for_timeout(300)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def log_in(pg, server: str, username: str, password: str) -> None:
    """Log in on the 审核 page; the login cookie is set before the next page load."""
    pg.goto(f"{server}/audit", timeout=60_000)
    wait_for_app(pg)
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    pg.get_by_text("已登录：").wait_for(timeout=30_000)
    wait_for_app(pg)
    pg.wait_for_timeout(1000)


def signed_in(chromium, url: str, user: str, password: str, height: int = 1400):
    """A new browser context signed in as `user`, and its page (the caller closes the context)."""
    ctx = chromium.new_context(viewport={"width": 1400, "height": height}, locale="zh-CN")
    pg = ctx.new_page()
    log_in(pg, url, user, password)
    settle(pg)
    return ctx, pg


def open_audited(pg, url: str) -> None:
    """Open `url`, a page showing the 审核 panel (报告详情, 审核), and wait until the panel is drawn."""
    pg.goto(url, timeout=60_000)
    settle(pg)
    pg.get_by_role("heading", name="审核").first.wait_for(timeout=30_000)
    settle(pg)


def choose(pg, label: str, typed: str) -> None:
    """Type `typed` into the select box labelled `label` and pick the first option holding it."""
    box = pg.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    pg.keyboard.type(typed)
    pg.get_by_role("option").filter(has_text=typed).first.click()


def no_exception(pg) -> None:
    assert pg.get_by_test_id("stException").count() == 0, pg.get_by_test_id("stException").first.inner_text()
