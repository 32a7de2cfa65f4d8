"""Steps shared by the browser tests (admin login with the demo password from the README)."""

PASSWORD = "om-demo-2026"


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through Wagtail's login form; waits for the dashboard."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/admin/")


def log_out(page) -> None:
    """Forget the session: the next steps run as an anonymous visitor or another user."""
    page.context.clear_cookies()
