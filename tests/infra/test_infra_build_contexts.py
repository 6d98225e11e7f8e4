"""Each image's build context holds only what its Dockerfile copies (CI builds every image once per
commit; a file outside the context cannot change the image). BuildKit reads `<Dockerfile>.dockerignore`
next to the Dockerfile before the root .dockerignore (docker/cli docs, commandline/build.md)."""

import fnmatch
import re
import subprocess

import pytest
from pulumi_harness import REPO_ROOT

IMAGES = {
    "service/Dockerfile": {"VERSION", "service/"},
    "nginx/Dockerfile": {"client/", "nginx/__init__.py", "nginx/render.py", "nginx/front-start.sh", "nginx/templates/",
                         "service/__init__.py", "service/contract/__init__.py", "service/contract/limits.py"},
}


def _matches(pattern: str, path: str) -> bool:
    """dockerignore matching: a pattern matches a path or any folder above it."""
    pattern = pattern.rstrip("/")
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    if pattern.startswith("**/"):
        return any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts)
    return any(fnmatch.fnmatchcase(prefix, pattern) and prefix.count("/") == pattern.count("/") for prefix in prefixes)


def build_context(dockerfile: str) -> set[str]:
    rules = [line.strip() for line in (REPO_ROOT / f"{dockerfile}.dockerignore").read_text().splitlines()]
    rules = [rule for rule in rules if rule and not rule.startswith("#")]
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.split()
    included = set()
    for path in tracked:
        keep = True
        for rule in rules:
            negated = rule.startswith("!")
            if _matches(rule.lstrip("!"), path):
                keep = negated
        if keep:
            included.add(path)
    return included


def copied_sources(dockerfile: str) -> set[str]:
    text = (REPO_ROOT / dockerfile).read_text()
    sources = set()
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, flags=re.MULTILINE):
        *from_context, _destination = line.split()
        sources.update(from_context)
    return sources


@pytest.mark.parametrize(("dockerfile", "allowed"), IMAGES.items())
def test_the_context_holds_what_the_dockerfile_copies_and_nothing_else(dockerfile, allowed):
    context = build_context(dockerfile)
    assert context, dockerfile
    for path in context:
        assert any(path == entry or (entry.endswith("/") and path.startswith(entry)) for entry in allowed), path
    for source in copied_sources(dockerfile):
        assert any(path == source or path.startswith(source.rstrip("/") + "/") for path in context), f"{source} missing"
    assert not any(path.startswith(("tests/", "infra/", "docs/", ".github/", "Pulumi")) for path in context)
