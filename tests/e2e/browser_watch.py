"""Watches a browser context for what a person would not see but we must not ship:
CSP violations, uncaught page errors, and every request the pages make."""
from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Request

# Delivered to Python through an exposed binding; init scripts run before any page script.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__e2eCspViolation({
    directive: event.violatedDirective, blocked: event.blockedURI, source: event.sourceFile,
  });
});
"""


@dataclass
class BrowserWatch:
    csp_violations: list[dict] = field(default_factory=list)
    csp_console_messages: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.expose_binding("__e2eCspViolation", lambda _source, details: self.csp_violations.append(details))
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("request", self._on_request)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_console_messages.append(message.text)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def problems(self) -> list[str]:
        return (
            [f"CSP violation: {violation}" for violation in self.csp_violations]
            + [f"CSP console message: {text}" for text in self.csp_console_messages]
            + [f"page error: {text}" for text in self.page_errors]
        )
