"""The API's browsable reference (Swagger UI) renders under the real Content-Security-Policy."""

from administration import roles
from tests.browser.conftest import sign_in


def test_the_api_reference_lists_its_operations_under_the_policy(
    page, live_server, transactional_db, user_with_role, csp_violations, screenshot
):
    user_with_role(roles.ADMIN, username="admin")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "admin")

    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response.ok
    # The page is served under the site's policy, not exempted from it: scripts only from our own files
    # (a nonce is added when a page writes an inline script; this one has none), nothing evaluated.
    directives = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert directives["script-src"].split(" ")[0] == "'self'"
    assert "unsafe" not in directives["script-src"] and "unsafe-eval" not in directives["default-src"]

    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    paths = page.locator(".swagger-ui .opblock .opblock-summary-path").all_inner_texts()
    assert "/api/v1/queue-items/" in paths and "/api/v1/mentions/" in paths
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("HospitalListen API")
    # Operations open, with their parameters (the incremental-sync filter among them).
    page.locator("#operations-queue-items-queue_items_list .opblock-summary").click()
    page.wait_for_selector("#operations-queue-items-queue_items_list tr[data-param-name='updated_since']")
    screenshot("api-docs")
    assert csp_violations == []
    assert errors == []
