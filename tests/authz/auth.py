"""Login, logout, password: the login page for anyone, the rest for anyone logged in."""
from . import Case, post

CASES = {
    "auth.change_password": [
        Case("/password", "302 200 200 200 200 200 302"),
        post("/password", "302 200 200 200 200 200 302"),
    ],
    "auth.login": [
        Case("/login", "200 302 302 302 302 302 200"),
        post("/login", "200 302 302 302 302 302 200"),
    ],
    "auth.logout": [post("/logout", "302 302 302 302 302 302 302")],
    "auth.logout_everywhere": [post("/logout/everywhere", "302 302 302 302 302 302 302")],
}
