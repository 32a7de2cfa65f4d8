"""The admin login form in German throughout: Wagtail 8 leaves "Password" untranslated."""

from wagtail.admin.forms.auth import LoginForm


class GermanLoginForm(LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "Passwort"
