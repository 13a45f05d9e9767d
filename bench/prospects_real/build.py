"""Build the real-link prospects benchmark: curated GitHub "awesome" lists are the sites, the GitHub
projects they link to are the drafts (each project's README is the draft text), and the truth for a
draft is the set of our lists whose README links that project.

Only references (repository, commit, path, licence, split, labels) are committed, in manifest.jsonl;
the texts are read from git mirrors at run time and written into .cache/ (git-ignored).

    python build.py select [--mirrors DIR] [--clone]   # steps 1-2: writes manifest.jsonl
    python build.py materialise [--mirrors DIR] [--clone]          # texts into .cache/
    python build.py stats                                          # tables for README.md

A mirror is a bare git directory DIR/OWNER+NAME/repo (what the workplace `fetch` tool leaves) or, with
--clone, a `git clone --bare https://github.com/OWNER/NAME` made into DIR/OWNER+NAME/repo on demand.

`select` is deterministic given the mirrors and unavailable.txt (projects that could not be fetched,
one `owner/name  reason` a line): it parses the candidate lists in CANDIDATE_LISTS, keeps those with a
README linking at least MIN_LIST_PROJECTS distinct github.com projects, ranks every linked project by
a seeded order (projects linked by two or more of our lists first), walks the lists round-robin taking
each list's next project until TARGET_DRAFTS drafts have a usable README, and writes the manifest.
When a candidate it reaches has no mirror (and no --clone), `select` writes nothing, prints those
candidates (also into .cache/missing.txt) and exits 3: fetch them and run it again.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.jsonl"
UNAVAILABLE = HERE / "unavailable.txt"
SELECTION_LOG = HERE / "selection.log"
CACHE = HERE / ".cache"
DEFAULT_MIRRORS = Path("/work/.mirror")

SEED = "prospects-real-v1"
MIN_LIST_PROJECTS = 25
TARGET_DRAFTS = 240
# Drafts chosen after the first TARGET_DRAFTS (select --target N, N > 240) form the split "fresh": a
# second held-out split, drawn on 2026-12-06 after the first held-out split had been run three times.
FRESH_AFTER = 240
MAX_FIRST_PER_LIST = 8
MIN_README_WORDS = 150
MAX_README_BYTES = 400_000

# Candidate lists in the order of the brief. Lists kept apart for a separate check are in EXCLUDED_LISTS
# and are never used (as a list or as a draft).
CANDIDATE_LISTS = """
sorrycc/awesome-javascript academic/awesome-datascience lauris/awesome-scala razum2um/awesome-clojure
LewisJEllis/awesome-lua qinwf/awesome-R quozd/awesome-dotnet drobakowski/awesome-erlang
ocaml-community/awesome-ocaml ringabout/awesome-nim C-BJ/awesome-zig denolib/awesome-deno
PatrickJS/awesome-angular sindresorhus/awesome-electron chentsulin/awesome-graphql
webpack-contrib/awesome-webpack awesome-css-group/awesome-css aniftyco/awesome-tailwindcss wbkd/awesome-d3
akrawchyk/awesome-vim rockerBOO/awesome-neovim emacs-tw/awesome-emacs unixorn/awesome-zsh-plugins
rothgar/awesome-tmux webpro/awesome-dotfiles dictcp/awesome-git ligurio/awesome-ci dastergon/awesome-sre
dzharii/awesome-elasticsearch ramnes/awesome-mongodb numetriclabz/awesome-db oxnr/awesome-bigdata
awesome-spark/awesome-spark enaqx/awesome-pentest carpedm20/awesome-hacking apsdehal/awesome-ctf
jivoi/awesome-osint paralax/awesome-honeypots meirwah/awesome-incident-response RyanNielson/awesome-unity
kiloreux/awesome-robotics HQarroum/awesome-iot rust-embedded/awesome-embedded-rust
nschloe/awesome-scientific-computing wilsonfreitas/awesome-quant markusschanta/awesome-jupyter
mjhea0/awesome-fastapi bharathgs/awesome-pytorch-list jtoy/awesome-tensorflow aikorea/awesome-rl
sshuair/awesome-gis BubuAnabelas/awesome-markdown anaibol/awesome-serverless donnemartin/awesome-aws
iCHAIT/awesome-macOS inputsh/awesome-linux awesome-lists/awesome-bash janikvonrotz/awesome-powershell
TheJambo/awesome-testing mxschmitt/awesome-playwright dustinspecker/awesome-eslint dzharii/awesome-typescript
mbasso/awesome-wasm veelenga/awesome-crystal yissachar/awesome-dart fsprojects/awesome-fsharp
hachiojipm/awesome-perl uhub/awesome-c sdras/awesome-actions jaywcjlove/awesome-mac k4m4/terminals-are-sexy
herrbischoff/awesome-macos-command-line lorien/awesome-web-scraping pditommaso/awesome-pipeline
tensorchord/Awesome-LLMOps EthicalML/awesome-production-machine-learning hindupuravinash/the-gan-zoo
zudochkin/awesome-newsletters kdeldycke/awesome-falsehood brillout/awesome-react-components
grab/front-end-guide Developer-Y/cs-video-courses mfornos/awesome-microservices
binhnguyennus/awesome-scalability kdeldycke/awesome-iam stevemao/awesome-git-addons
alexandresanlim/Badges4-README.md-Profile sirredbeard/Awesome-UNIX Awesome-Windows/Awesome
unicodeveloper/awesome-nextjs nuxt/awesome myshov/awesome-backbone
""".split()

EXCLUDED_LISTS = {r.lower() for r in """
ChristosChristofidis/awesome-deep-learning JStumpp/awesome-android akullpp/awesome-java alebcay/awesome-shell
avelino/awesome-go desireevl/awesome-quantum-computing dhamaniasad/awesome-postgres enaqx/awesome-react
h4cc/awesome-elixir igorbarinov/awesome-data-engineering jbhuang0604/awesome-computer-vision
josephmisiti/awesome-machine-learning krispo/awesome-haskell krzjoa/awesome-python-data-science
mjhea0/awesome-flask rust-unofficial/awesome-rust shuaibiyy/awesome-terraform sindresorhus/awesome-nodejs
sobolevn/awesome-cryptography veggiemonk/awesome-docker vinta/awesome-python vsouza/awesome-ios
vuejs/awesome-vue ramitsurana/awesome-kubernetes sbilly/awesome-security rshipp/awesome-malware-analysis
awesome-selfhosted/awesome-selfhosted awesome-foss/awesome-sysadmin wsvincent/awesome-django
Solido/awesome-flutter jondot/awesome-react-native matteocrippa/awesome-swift fffaraz/awesome-cpp
ziadoz/awesome-php markets/awesome-ruby ellisonleao/magictools godotengine/awesome-godot
danielecook/Awesome-Bioinformatics shlomi-noach/awesome-mysql TheComputerM/awesome-svelte
brunopulis/awesome-a11y keon/awesome-nlp agarrharr/awesome-cli-apps ansible-community/awesome-ansible
klaufel/awesome-design-systems sindresorhus/awesome bayandin/awesome-awesomeness
""".split()}

README_NAMES = ("README.md", "README.rst", "readme.md", "Readme.md", "README", "README.markdown",
                "README.org", "readme.markdown", "README.txt", "readme.rst", "Readme.rst", "readme")

# github.com/<first segment> that are not owners of repositories
NOT_OWNERS = {
    "sponsors", "topics", "orgs", "features", "marketplace", "apps", "settings", "site", "about", "pricing",
    "collections", "trending", "explore", "login", "join", "notifications", "security", "enterprise",
    "customer-stories", "readme", "events", "contact", "search", "issues", "pulls", "new", "organizations",
    "users", "codespaces", "logout", "signup", "stars", "watching", "dashboard", "discussions", "works-with",
    "solutions", "resources", "open-source", "premium-support", "git-guides", "why-github", "downloads",
}

# ------------------------------------------------------------------ git helpers


def mirror_dir(mirrors: Path, repo: str) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def find_mirror(mirrors: Path, repo: str) -> Path | None:
    """The mirror of owner/name (GitHub names are case-insensitive, so is this look-up)."""
    exact = mirror_dir(mirrors, repo)
    if exact.is_dir():
        return exact
    want = repo.replace("/", "+").lower()
    if mirrors.is_dir():
        for child in mirrors.iterdir():
            if child.name.lower() == want and (child / "repo").is_dir():
                return child / "repo"
    return None


def clone(mirrors: Path, repo: str) -> Path | None:
    dest = mirror_dir(mirrors, repo)
    dest.parent.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["git", "clone", "--bare", "--quiet", f"https://github.com/{repo}", str(dest)],
                         capture_output=True, text=True, env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"})
    return dest if res.returncode == 0 else None


def get_mirror(mirrors: Path, repo: str, do_clone: bool) -> Path | None:
    found = find_mirror(mirrors, repo)
    if found is None and do_clone:
        found = clone(mirrors, repo)
    return found


def git(gitdir: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(gitdir), *args], capture_output=True, text=True,
                          check=True).stdout


def git_bytes(gitdir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(gitdir), *args], capture_output=True, check=True).stdout


def head_commit(gitdir: Path) -> str:
    return git(gitdir, "rev-parse", "HEAD").strip()


def root_files(gitdir: Path, commit: str) -> dict[str, tuple[str, int]]:
    """name -> (type, size) of the files at the root of the commit's tree; a symbolic link to a file
    of the repository is ("link", size of the file it points to)."""
    out: dict[str, tuple[str, int]] = {}
    for line in git(gitdir, "ls-tree", "-l", commit).splitlines():
        meta, name = line.split("\t", 1)
        mode, typ, _sha, size = meta.split()
        if mode == "120000":
            target = resolve_link(gitdir, commit, name)
            size = git(gitdir, "cat-file", "-s", f"{commit}:{target}").strip() if target else "0"
            typ = "link" if target else "broken-link"
        out[name] = (typ, int(size) if size.isdigit() else 0)
    return out


def resolve_link(gitdir: Path, commit: str, name: str) -> str | None:
    """The path (inside the repository) of the file a root symbolic link points to, if it is a file there."""
    import posixpath

    target = git_bytes(gitdir, "show", f"{commit}:{name}").decode("utf-8", "replace").strip()
    path = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if path.startswith("..") or path.startswith("/"):
        return None
    res = subprocess.run(["git", "-C", str(gitdir), "cat-file", "-t", f"{commit}:{path}"], capture_output=True,
                         text=True)
    return path if res.stdout.strip() == "blob" else None


def show_text(gitdir: Path, commit: str, path: str) -> str:
    return git_bytes(gitdir, "show", f"{commit}:{path}").decode("utf-8", errors="replace")


def find_readme(files: dict[str, tuple[str, int]]) -> str | None:
    for name in README_NAMES:
        if files.get(name, ("", 0))[0] in ("blob", "link"):
            return name
    for name in sorted(files):  # any other README.* at the root
        if files[name][0] in ("blob", "link") and re.fullmatch(r"readme(\.[a-z]+)?", name, re.I):
            return name
    return None


def readme_path(gitdir: Path, commit: str, files: dict[str, tuple[str, int]], name: str) -> str:
    """The README's own path: a root README that is a symbolic link is read where it points."""
    return resolve_link(gitdir, commit, name) or name if files[name][0] == "link" else name


# ------------------------------------------------------------------ licences

LICENCE_PATTERNS = [
    (r"Elastic License 2\.0", "Elastic-2.0"),
    (r"CeCILL-B", "CECILL-B"),
    (r"CeCILL-C", "CECILL-C"),
    (r"CeCILL", "CECILL-2.1"),
    (r"Attribution-NonCommercial-ShareAlike 3\.0|by-nc-sa/3\.0", "CC-BY-NC-SA-3.0"),
    (r"^\s*YEAR: \d{4}\s+COPYRIGHT HOLDER:", "MIT"),  # the R packages' LICENSE stub for "MIT + file LICENSE"
    (r"Lesser General Public License.{0,80}either version 3|LGPLv3|LGPL-3", "LGPL-3.0"),
    (r"Lesser General Public License.{0,80}either version 2", "LGPL-2.1"),
    (r"GNU General Public License.{0,80}either version 3|GPLv3|GPL-3", "GPL-3.0"),
    (r"GNU General Public License.{0,80}either version 2|GPLv2|GPL-2", "GPL-2.0"),
    (r"GNU AFFERO GENERAL PUBLIC LICENSE", "AGPL-3.0"),
    (r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3", "LGPL-3.0"),
    (r"GNU LESSER GENERAL PUBLIC LICENSE|GNU LIBRARY GENERAL PUBLIC", "LGPL-2.1"),
    (r"GNU GENERAL PUBLIC LICENSE\s+Version 3", "GPL-3.0"),
    (r"GNU GENERAL PUBLIC LICENSE\s+Version 2", "GPL-2.0"),
    (r"GNU GENERAL PUBLIC LICENSE", "GPL"),
    (r"Mozilla Public License,? (Version|v\.?) ?2\.0", "MPL-2.0"),
    (r"Apache License,?\s+Version 2\.0|Licensed under the Apache License", "Apache-2.0"),
    (r"CC0 1\.0 Universal|Creative Commons Zero|creativecommons\.org/publicdomain/zero", "CC0-1.0"),
    (r"Attribution-ShareAlike 4\.0|CC BY-SA 4\.0", "CC-BY-SA-4.0"),
    (r"Attribution-NonCommercial-ShareAlike 4\.0", "CC-BY-NC-SA-4.0"),
    (r"Attribution-NonCommercial 4\.0", "CC-BY-NC-4.0"),
    (r"Attribution 4\.0 International|CC BY 4\.0", "CC-BY-4.0"),
    (r"Attribution 3\.0", "CC-BY-3.0"),
    (r"free and unencumbered software released into the public domain", "Unlicense"),
    (r"DO WHAT THE FUCK YOU WANT", "WTFPL"),
    (r"Boost Software License", "BSL-1.0"),
    (r"Eclipse Public License - v 2\.0|Eclipse Public License v2\.0|Eclipse Public License, Version 2", "EPL-2.0"),
    (r"Eclipse Public License", "EPL-1.0"),
    (r"The Artistic License 2\.0", "Artistic-2.0"),
    (r"zlib License|This software is provided 'as-is', without any express", "Zlib"),
    (r"ISC License|Permission to use, copy, modify, and(/or)? distribute this software for any", "ISC"),
    (r"MIT License|Permission is hereby granted, free of charge", "MIT"),
    (r"BSD 3-Clause|Neither the name", "BSD-3-Clause"),
    (r"BSD 2-Clause|Redistribution and use in source and binary forms", "BSD-2-Clause"),
    (r"Microsoft Public License", "MS-PL"),
    (r"Universal Permissive License", "UPL-1.0"),
    (r"European Union Public Licen[cs]e", "EUPL-1.2"),
]


def classify_licence(text: str) -> str | None:
    """The licence named by a licence file's first lines (its title), else by its first 60 lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    for first in (4, 60):
        head = re.sub(r"\s+", " ", "\n".join(lines[:first]))
        for pattern, name in LICENCE_PATTERNS:
            if re.search(pattern.replace(r"\s+", " "), head, re.I):
                if name == "BSD-2-Clause" and re.search(r"Neither the name|names of its contributors",
                                                        " ".join(lines[:60]), re.I):
                    return "BSD-3-Clause"
                return name
    return None


def detect_licence(gitdir: Path, commit: str, files: dict[str, tuple[str, int]],
                   readme_text: str | None = None) -> tuple[str, str]:
    """(licence, where it was read): the LICENSE/COPYING file's first lines, else (for lists) a
    licence named in the README's licence section, else "unknown"."""
    names = sorted((n for n, (t, _s) in files.items()
                    if t in ("blob", "link") and re.match(r"(licen[cs]e|copying|unlicense)", n, re.I)),
                   key=lambda n: (len(n), n))
    for name in names:
        path = (resolve_link(gitdir, commit, name) or name) if files[name][0] == "link" else name
        found = classify_licence(show_text(gitdir, commit, path))
        if found:
            return found, name
    if readme_text is not None:
        m = re.search(r"^#+\s*Licen[cs]e\b(.{0,1500})", readme_text, re.I | re.M | re.S)
        if m:
            found = classify_licence(m.group(1)) or ("CC0-1.0" if re.search(r"\bCC0\b", m.group(1)) else None)
            if found:
                return found, "README licence section"
    return "unknown", (names[0] if names else "")


# ------------------------------------------------------------------ links

MD_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*)?$", re.M)
REF_USE = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")
HTML_LINK = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
ORG_LINK = re.compile(r"\[\[(https?://[^\]]+)\](?:\[([^\]]*)\])?\]")
RST_LINK = re.compile(r"`([^`<]*?)\s*<(https?://[^>]+)>`_+")
BARE_URL = re.compile(r"(?<![(<\"'=\[])\bhttps?://[^\s<>\"')\]]+")
TAGS = re.compile(r"<[^>]+>")


def clean_anchor(text: str) -> str:
    text = TAGS.sub(" ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images inside the anchor
    text = re.sub(r"[*_`]+", "", html.unescape(text))
    return re.sub(r"\s+", " ", text).strip()


def extract_links(text: str) -> list[tuple[str, str, str]]:
    """(url, anchor, line) for every http(s) link of a Markdown / HTML / Org / reST text, in order.
    Image links (![..](..)) are skipped; a badge wrapped in a link keeps the link."""
    out: list[tuple[str, str, str]] = []
    refs = {m.group(1).strip().lower(): m.group(2) for m in REF_DEF.finditer(text)}
    for line in text.splitlines():
        seen_spans: list[tuple[int, int]] = []
        for m in MD_LINK.finditer(line):
            if m.group(1):
                continue
            url = m.group(3)
            if url.startswith("http"):
                out.append((url, clean_anchor(m.group(2)), line))
            seen_spans.append(m.span())
        for m in REF_USE.finditer(line):
            key = (m.group(2) or m.group(1)).strip().lower()
            url = refs.get(key)
            if url and url.startswith("http"):
                out.append((url, clean_anchor(m.group(1)), line))
            seen_spans.append(m.span())
        for m in HTML_LINK.finditer(line):
            if m.group(1).startswith("http"):
                out.append((html.unescape(m.group(1)), clean_anchor(m.group(2)), line))
            seen_spans.append(m.span())
        for m in ORG_LINK.finditer(line):
            out.append((m.group(1), clean_anchor(m.group(2) or ""), line))
            seen_spans.append(m.span())
        for m in RST_LINK.finditer(line):
            out.append((m.group(2), clean_anchor(m.group(1)), line))
            seen_spans.append(m.span())
    # HTML anchors spread over several lines
    if "<a" in text:
        have = {u for u, _a, _l in out}
        for m in HTML_LINK.finditer(text):
            url = html.unescape(m.group(1))
            if url.startswith("http") and url not in have:
                line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end()) if "\n" in text[m.end():] else len(text)]
                out.append((url, clean_anchor(m.group(2)), line))
    return out


GITHUB_PROJECT = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)", re.I)


def github_project(url: str) -> tuple[str, str] | None:
    """(normalised "owner/name", as written "Owner/Name") of a link to a github.com repository, else None.
    /tree/..., /blob/..., #fragment, ?query, .git and a trailing slash are dropped."""
    url = url.strip().split("#", 1)[0].split("?", 1)[0]
    m = GITHUB_PROJECT.match(url)
    if not m:
        return None
    owner, name = m.group(1), m.group(2)
    if name.lower().endswith(".git"):
        name = name[:-4]
    name = name.rstrip(".")
    if not name or owner.lower() in NOT_OWNERS:
        return None
    return f"{owner}/{name}".lower(), f"{owner}/{name}"


def list_projects(text: str, self_repo: str) -> dict[str, str]:
    """normalised owner/name -> as written, for the projects a list links (not itself, no awesome lists)."""
    out: dict[str, str] = {}
    for url, _anchor, _line in extract_links(text):
        found = github_project(url)
        if not found:
            continue
        key, written = found
        if key == self_repo.lower() or key.split("/")[1].startswith("awesome") or key in EXCLUDED_LISTS:
            continue
        out.setdefault(key, written)
    return out


# ------------------------------------------------------------------ README quality

def prose_words(text: str) -> int:
    """Words of a README once code blocks, images/badges, HTML tags, URLs and tables' rules are gone."""
    text = re.sub(r"```.*?```|~~~.*?~~~", " ", text, flags=re.S)
    text = re.sub(r"^(?: {4}|\t).*$", " ", text, flags=re.M)  # indented code
    text = re.sub(r"^\.\. code-block::.*?(?=^\S)", " ", text, flags=re.M | re.S)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)", " ", text)  # linked badges
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"<(img|svg|picture|source)[^>]*>", " ", text, flags=re.I)
    text = TAGS.sub(" ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    return len(re.findall(r"[A-Za-z][A-Za-z'-]+", text))


def seeded(key: str) -> str:
    return hashlib.sha256(f"{SEED}:{key}".encode()).hexdigest()


def split_of(repo: str) -> str:
    """dev or heldout, from the sha256 of the lower-case project id (even last byte: dev). Fixed once."""
    return "dev" if int(hashlib.sha256(repo.lower().encode()).hexdigest(), 16) % 2 == 0 else "heldout"


# ------------------------------------------------------------------ select

def read_unavailable() -> dict[str, str]:
    out: dict[str, str] = {}
    if UNAVAILABLE.exists():
        for line in UNAVAILABLE.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                repo, _, reason = line.partition(" ")
                out[repo.lower()] = reason.strip() or "unavailable"
    return out


def load_lists(mirrors: Path, do_clone: bool, log: list[str]) -> list[dict]:
    lists: list[dict] = []
    seen: set[str] = set()
    unavailable = read_unavailable()
    for repo in CANDIDATE_LISTS:
        key = repo.lower()
        if key in seen or key in EXCLUDED_LISTS:
            continue
        seen.add(key)
        if key in unavailable:
            log.append(f"list {repo}: skipped, {unavailable[key]}")
            continue
        gitdir = get_mirror(mirrors, repo, do_clone)
        if gitdir is None:
            log.append(f"list {repo}: skipped, no mirror")
            continue
        commit = head_commit(gitdir)
        files = root_files(gitdir, commit)
        readme = find_readme(files)
        if readme is None:
            log.append(f"list {repo}: skipped, no README")
            continue
        readme = readme_path(gitdir, commit, files, readme)
        text = show_text(gitdir, commit, readme)
        projects = list_projects(text, repo)
        if len(projects) < MIN_LIST_PROJECTS:
            log.append(f"list {repo}: skipped, only {len(projects)} distinct github projects")
            continue
        licence, licence_from = detect_licence(gitdir, commit, files, text)
        lists.append({"repo": repo, "commit": commit, "path": readme, "licence": licence,
                      "licence_from": licence_from, "projects": projects})
        log.append(f"list {repo}: kept, {len(projects)} distinct github projects, {licence}")
    return lists


def candidate_order(lists: list[dict]) -> tuple[dict[str, list[str]], dict[str, set[str]], dict[str, str]]:
    """Per list, its projects in the order they are tried: linked by 2+ of our lists first, then a
    seeded hash order. Also project -> the lists linking it, and project -> its name as written."""
    list_keys = {item["repo"].lower() for item in lists}
    linked_by: dict[str, set[str]] = defaultdict(set)
    written: dict[str, Counter] = defaultdict(Counter)
    for item in lists:
        for key, name in item["projects"].items():
            if key in list_keys:  # our own lists are never drafts
                continue
            linked_by[key].add(item["repo"])
            written[key][name] += 1
    order: dict[str, list[str]] = {}
    for item in lists:
        mine = [k for k in item["projects"] if k in linked_by]
        order[item["repo"]] = sorted(mine, key=lambda k: (-min(len(linked_by[k]), 2), seeded(k)))
    names = {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in written.items()}
    return order, linked_by, names


def check_draft(mirrors: Path, repo: str, do_clone: bool) -> tuple[dict | None, str]:
    gitdir = get_mirror(mirrors, repo, do_clone)
    if gitdir is None:
        return None, "no mirror"
    try:
        commit = head_commit(gitdir)
        files = root_files(gitdir, commit)
    except subprocess.CalledProcessError:
        return None, "empty or broken repository"
    readme = find_readme(files)
    if readme is None:
        return None, "no README at the root"
    if files[readme][1] > MAX_README_BYTES:
        return None, f"README too big ({files[readme][1]} bytes)"
    readme = readme_path(gitdir, commit, files, readme)
    text = show_text(gitdir, commit, readme)
    words = prose_words(text)
    if words < MIN_README_WORDS:
        return None, f"README has {words} prose words"
    licence, licence_from = detect_licence(gitdir, commit, files)
    return {"commit": commit, "path": readme, "licence": licence, "licence_from": licence_from,
            "words": words}, "ok"


def select(args: argparse.Namespace) -> int:
    log: list[str] = []
    mirrors = Path(args.mirrors)
    lists = load_lists(mirrors, args.clone, log)
    order, linked_by, names = candidate_order(lists)
    unavailable = read_unavailable()
    list_repos = [item["repo"] for item in lists]
    rr = sorted(list_repos, key=seeded)  # the round-robin order of the lists
    chosen: dict[str, dict] = {}
    first_count: Counter = Counter()
    pos = {r: 0 for r in rr}
    tried: set[str] = set()
    missing: list[str] = []
    progress = True
    while len(chosen) < args.target and progress:
        progress = False
        for r in rr:
            if len(chosen) >= args.target:
                break
            if first_count[r] >= MAX_FIRST_PER_LIST:
                continue
            while pos[r] < len(order[r]):
                key = order[r][pos[r]]
                pos[r] += 1
                if key in tried:
                    continue
                tried.add(key)
                name = names[key]
                if key in unavailable:
                    log.append(f"draft {name} (via {r}): skipped, {unavailable[key]}")
                    continue
                info, why = check_draft(mirrors, name, args.clone)
                if why == "no mirror":
                    # counts as taken, so that the walk stays where it would be once the mirror exists
                    missing.append(name)
                    chosen[key] = {"name": name, "first": r, "missing": True}
                    first_count[r] += 1
                    progress = True
                    break
                if info is None:
                    log.append(f"draft {name} (via {r}): skipped, {why}")
                    continue
                chosen[key] = {"name": name, "first": r, **info}
                first_count[r] += 1
                log.append(f"draft {name} (via {r}): kept, {info['words']} words, {len(linked_by[key])} lists")
                progress = True
                break
    if missing:
        print(f"{len(missing)} candidate projects have no mirror: fetch them (or list them in unavailable.txt"
              " with a reason) and run select again; nothing written.", file=sys.stderr)
        (CACHE / "missing.txt").parent.mkdir(exist_ok=True)
        (CACHE / "missing.txt").write_text("\n".join(missing) + "\n")
        (CACHE / "selection-partial.log").write_text("\n".join(log) + "\n")
        print("\n".join(missing))
        return 3
    list_rows = []
    for item in lists:
        list_rows.append({"type": "list", "repo": item["repo"], "commit": item["commit"], "path": item["path"],
                          "licence": item["licence"], "licence_from": item["licence_from"],
                          "url": f"https://github.com/{item['repo']}", "n_projects": len(item["projects"])})
    draft_rows = []
    round_of = {key: i for i, key in enumerate(chosen)}
    for key in sorted(chosen, key=lambda k: chosen[k]["name"].lower()):
        c = chosen[key]
        draft_rows.append({"type": "draft", "repo": c["name"], "commit": c["commit"], "path": c["path"],
                           "licence": c["licence"], "licence_from": c["licence_from"],
                           "url": f"https://github.com/{c['name']}", "split": split_of(key) if round_of[key] < FRESH_AFTER else "fresh",
                           "truth": sorted(linked_by[key], key=str.lower), "selected_via": c["first"]})
    with MANIFEST.open("w") as fh:
        for row in list_rows + draft_rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    SELECTION_LOG.write_text("\n".join(log) + "\n")
    splits = Counter(r["split"] for r in draft_rows)
    multi = sum(len(r["truth"]) > 1 for r in draft_rows)
    uncovered = [r for r in list_repos if not any(r in d["truth"] for d in draft_rows)]
    print(f"lists: {len(list_rows)}; drafts: {len(draft_rows)} {dict(splits)}; multi-label: {multi};"
          f" lists with no draft: {uncovered}")
    return 0


# ------------------------------------------------------------------ materialise

def read_manifest() -> list[dict]:
    return [json.loads(line) for line in MANIFEST.read_text().splitlines() if line.strip()]


def materialise(args: argparse.Namespace) -> int:
    mirrors = Path(args.mirrors)
    rows = read_manifest()
    out = Path(args.out)
    (out / "drafts").mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    for row in rows:
        gitdir = get_mirror(mirrors, row["repo"], args.clone)
        if gitdir is None:
            print(f"error: no mirror of {row['repo']} in {mirrors} (fetch github:{row['repo']}, or use --clone)",
                  file=sys.stderr)
            return 1
        try:
            texts[row["repo"]] = show_text(gitdir, row["commit"], row["path"])
        except subprocess.CalledProcessError:
            print(f"error: the mirror of {row['repo']} in {mirrors} lacks {row['commit'][:12]}:{row['path']}",
                  file=sys.stderr)
            return 1
    lists = [r for r in rows if r["type"] == "list"]
    drafts = [r for r in rows if r["type"] == "draft"]
    with (out / "lists.jsonl").open("w") as fh:
        for r in lists:
            fh.write(json.dumps({"repo": r["repo"], "url": r["url"], "name": r["repo"],
                                 "text": texts[r["repo"]]}, ensure_ascii=False) + "\n")
    keep = {f"{r['repo'].replace('/', '__')}.md" for r in drafts}
    for old in (out / "drafts").iterdir():
        if old.name not in keep:
            old.unlink()
    for r in drafts:
        (out / "drafts" / f"{r['repo'].replace('/', '__')}.md").write_text(texts[r["repo"]])
    n_links = 0
    with (out / "links.jsonl").open("w") as fh:
        for r in lists:
            for url, anchor, line in extract_links(texts[r["repo"]]):
                fh.write(json.dumps({"list": r["repo"], "source_url": r["url"], "target_url": url,
                                     "anchor": anchor, "context": line.strip()}, ensure_ascii=False) + "\n")
                n_links += 1
    (out / "drafts.jsonl").write_text("".join(
        json.dumps({k: r[k] for k in ("repo", "url", "split", "truth")}
                   | {"file": f"drafts/{r['repo'].replace('/', '__')}.md"}) + "\n" for r in drafts))
    print(f"materialised {len(lists)} lists, {len(drafts)} drafts, {n_links} links into {out}")
    return 0


def stats(_args: argparse.Namespace) -> int:
    """Markdown tables of the manifest (for README.md): lists, licences, splits, links per list."""
    rows = read_manifest()
    lists = [r for r in rows if r["type"] == "list"]
    drafts = [r for r in rows if r["type"] == "draft"]
    links_file = CACHE / "links.jsonl"
    n_links: Counter = Counter()
    if links_file.exists():
        for line in links_file.read_text().splitlines():
            n_links[json.loads(line)["list"]] += 1
    truth_n = Counter(t for d in drafts for t in d["truth"])
    via = Counter(d["selected_via"] for d in drafts)
    print("| list | commit | licence | github projects linked | outbound links | drafts it links (dev/heldout) | drafts chosen via it |")
    print("|---|---|---|---|---|---|---|")
    for r in lists:
        dev = sum(r["repo"] in d["truth"] and d["split"] == "dev" for d in drafts)
        held = truth_n[r["repo"]] - dev
        print(f"| [{r['repo']}]({r['url']}) | `{r['commit'][:10]}` | {r['licence']} | {r['n_projects']} |"
              f" {n_links.get(r['repo'], '?')} | {truth_n[r['repo']]} ({dev}/{held}) | {via[r['repo']]} |")
    print()
    for kind, items in (("lists", lists), ("drafts", drafts)):
        counts = Counter(r["licence"] for r in items)
        print(f"Licences of the {len(items)} {kind}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    print()
    for split in ("dev", "heldout", "fresh"):
        ds = [d for d in drafts if d["split"] == split]
        sizes = Counter(len(d["truth"]) for d in ds)
        print(f"{split}: {len(ds)} drafts; true lists per draft: "
              + ", ".join(f"{k}: {v}" for k, v in sorted(sizes.items()))
              + f"; lists that are the truth of at least one: {len({t for d in ds for t in d['truth']})}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("select", help="choose the lists and drafts from the mirrors; write manifest.jsonl")
    p.add_argument("--mirrors", default=str(DEFAULT_MIRRORS))
    p.add_argument("--clone", action="store_true", help="git clone missing repositories from https://github.com/")
    p.add_argument("--target", type=int, default=TARGET_DRAFTS)
    p = sub.add_parser("materialise", help="write the texts of the manifest into .cache/")
    p.add_argument("--mirrors", default=str(DEFAULT_MIRRORS))
    p.add_argument("--clone", action="store_true", help="git clone missing repositories from https://github.com/")
    p.add_argument("--out", default=str(CACHE))
    sub.add_parser("stats", help="Markdown tables of the manifest (lists, licences, splits)")
    args = parser.parse_args(argv)
    return {"select": select, "materialise": materialise, "stats": stats}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
