"""Every page of every role in Simplified Chinese, in Chromium (issue 19): with the Chinese demo
loaded (names, transcripts and comments in Chinese too), no English word is left in what the page
shows — its text, and the titles, placeholders and labels a screen reader reads. A string that is
not marked for translation, or marked but missing from the catalogue, fails here, named with its
page."""

import re

import pytest
from django.core.management import call_command

from core.models import User
from tests.browser.test_every_page import PERSONAS, _pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words that are the same in a Chinese interface: names of things (file formats, the API, the
# GROW model, the KPI abbreviation), the other language's name on the switch, keyboard keys in the
# scoring page's shortcuts, and the formats a field asks for.
KEPT = {
    "English", "KPI", "KPIs", "GROW", "HEARD", "Excel", "CSV", "xlsx", "xls", "ods", "csv", "API", "UTF",
    "Krippendorff", "Kappa", "Ctrl", "Enter", "Esc", "YYYY", "MM", "DD", "mm", "ss", "hh", "http", "https", "min",
    "Id", "id", "GB", "Windows", "SD", "fcr", "csat", "aht", "Token", "JSON",
    "demo",  # data: the source system the demo's interactions were imported from
}  # fmt: skip
WORD = re.compile(r"(?<![\w./@:-])[A-Za-z]{2,}(?![\w./@:-])")

VISIBLE = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]')) {
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) {
      if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    }
  }
  return parts.join('\\n');
}"""


@pytest.fixture
def chinese_demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--language", "zh-hans", "--history-months", "2")
    settings.DEBUG = False


def english_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w not in KEPT and not (len(w) <= 2 and w.isupper())}


def test_english_words_are_found_and_kept_words_are_not():
    assert english_words("质检均分 85.13 · n = 120 · Unread") == {"Unread"}
    assert english_words("坐席 demo-agent1-20261203-1 · X200 · a@b.cn · https://x.cn/a · KPI 方案") == set()


def test_every_page_reads_in_chinese(chinese_demo, browser, live_server):
    problems, pages = [], 0
    for username in PERSONAS:
        user = User.objects.get(username=username)
        urls = _pages(user)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("demo")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            pages += 1
            assert page.evaluate("document.documentElement.lang") == "zh-hans", url
            found = english_words(page.evaluate(VISIBLE))
            if found:
                problems.append(f"{username} {url}: {', '.join(sorted(found))}")
        context.close()
    assert pages >= 50
    assert problems == [], f"English on {len(problems)} of {pages} pages:\n" + "\n".join(problems)
