"""Signing in and out, and the pages beside the app (API documentation and
GraphiQL) rendering with every other host cut off."""

from __future__ import annotations

import httpx2
import pytest

from tests.web.conftest import ROLES, Server, Visit, email


def test_the_root_shows_the_sign_in_page(visit: Visit) -> None:
    page = visit.open("/")
    page.wait_for_selector("form button[type=submit]")
    assert page.url == f"{visit.server.url}/login?next=/"
    assert page.locator("h1").inner_text() == "Shotline"
    visit.shoot("sign-in")


def test_a_wrong_password_is_refused(visit: Visit) -> None:
    page = visit.open("/login")
    page.fill("input[name=email]", email("artist"))
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "invalid email or password"
    assert visit.context.cookies() == []


@pytest.mark.parametrize("role", ROLES)
def test_each_demo_account_signs_in_with_an_httponly_cookie_and_out(
    visit: Visit, role: str
) -> None:
    page = visit.sign_in(role)
    assert page.url == f"{visit.server.url}/"
    me = visit.server.get(role, "/api/me")
    assert page.locator("[data-test=who]").inner_text() == (
        f"{me['first_name']} {me['last_name']} · {me['role']}"
    )
    cookies = {cookie["name"]: cookie for cookie in visit.context.cookies()}
    session = cookies["shotline_session"]
    assert (session["httpOnly"], session["sameSite"]) == (True, "Lax")
    assert cookies["shotline_csrf"]["httpOnly"] is False
    # Scripts of the page cannot read the session's token.
    assert "shotline_session" not in page.evaluate("document.cookie")

    page.click("[data-test=sign-out]")
    page.wait_for_selector("input[name=email]")
    assert page.url == f"{visit.server.url}/login"
    # The session is revoked, not only forgotten by the browser.
    refused = httpx2.get(
        f"{visit.server.url}/api/me", cookies={"shotline_session": session["value"]}
    )
    assert refused.status_code == 401


def test_a_page_asked_for_while_signed_out_opens_after_sign_in(visit: Visit) -> None:
    page = visit.open("/projects/1")
    page.wait_for_selector("input[name=email]")
    page.fill("input[name=email]", email("manager"))
    page.fill("input[name=password]", "shotline-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-test=open-assets]")
    assert page.url == f"{visit.server.url}/projects/1"


def test_swagger_ui_renders_offline_with_every_tag(visit: Visit) -> None:
    """Swagger UI renders a long document as a virtual list (only the tags
    near the viewport are in the page): scrolled to the end, it has shown
    every tag of the document."""
    document = httpx2.get(f"{visit.server.url}/openapi.json").json()
    tags = {tag for operations in document["paths"].values() for op in operations.values()
            for tag in op["tags"]}  # fmt: skip
    page = visit.open("/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Shotline")
    visit.shoot("api-docs")
    shown: set[str] = set()
    for _ in range(400):
        shown.update(
            page.locator(".opblock-tag[data-tag]").evaluate_all(
                "tags => tags.map(tag => tag.dataset.tag)"
            )
        )
        if shown >= tags:
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(25)
    assert shown == tags


def test_redoc_renders_offline(visit: Visit) -> None:
    page = visit.open("/redoc")
    page.wait_for_selector("h1")
    page.get_by_text("Production tracking for animation and VFX studios.").wait_for()
    assert page.locator("h1").first.inner_text().startswith("Shotline")


def test_graphiql_renders_offline_and_queries_with_the_session(visit: Visit) -> None:
    visit.sign_in("manager")
    page = visit.open("/graphql")
    page.wait_for_selector(".graphiql-container .graphiql-execute-button")
    page.click(".graphiql-execute-button")
    result = page.locator(".graphiql-response")
    result.get_by_text("The Lighthouse Keepers").wait_for()
    assert '"code": "LHK"' in result.inner_text()
    visit.shoot("graphiql")


def test_password_change_then_sign_in_with_the_new_one(visit: Visit, server: Server) -> None:
    with server.api("admin") as admin:
        created = admin.post(
            "/api/people",
            json={
                "first_name": "Nina",
                "last_name": "Newcomer",
                "email": "nina@shotline.test",
                "role": "artist",
                "password": "first-password-1",
            },
        )
        assert created.status_code == 201, created.text
    page = visit.sign_in("artist", password="first-password-1", who="nina@shotline.test")
    page.click("[data-test=password]")
    page.fill("input[name=current]", "first-password-1")
    page.fill("input[name=new]", "second-password-2")
    page.fill("input[name=again]", "second-password-2")
    page.click("[data-test=password-form] button[type=submit]")
    page.locator("[role=status]").get_by_text("Password changed.").wait_for()
    page.click("[data-test=sign-out]")
    page.wait_for_selector("input[name=email]")

    page.fill("input[name=email]", "nina@shotline.test")
    page.fill("input[name=password]", "first-password-1")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "invalid email or password"
    visit.sign_in("artist", password="second-password-2", who="nina@shotline.test")
