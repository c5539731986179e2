"""The console in headless Chromium against the real stack: the seed ingested while the
page is open arrives live, its article page marks every quote with its speaker and relay,
the entity, trending and dead-letter pages show it, untrusted text stays text, and the
pages work by keyboard, at phone width, across a console restart and in ten tabs."""

from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.stack import OPERATOR_TOKEN, unique_article

pytestmark = pytest.mark.integration
PAYLOAD = ("<script>window.__pwned='script';document.title='pwned'</script>"
           "<img src=x onerror=\"window.__pwned='img';document.title='pwned'\">")
JAVASCRIPT_LINK = "javascript:window.__pwned='link'"


def open_console(browser, stack, route: str = "/"):
    browser.get(f"{stack.url}/#{route}")
    wait(browser, lambda d: d.find_element(By.ID, "live-status").get_attribute("data-state") == "open", 30)


def wait(browser, condition, timeout: float = 60.0):
    return WebDriverWait(browser, timeout, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def text_of(browser, css: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, css).text


def card(browser, article_id: str) -> dict | None:
    """The card of ``article_id`` as shown, read in one script (a reload may redraw it)."""
    return browser.execute_script("""
        const card = document.querySelector(`li.card[data-id="${arguments[0]}"]`);
        return card && {text: card.innerText, title: card.querySelector("h2 a").textContent,
          links: [...card.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")])};
    """, article_id)


def test_the_seed_ingested_while_the_page_is_open_arrives_in_the_stream(stack, browser, screenshot):
    open_console(browser, stack)
    browser.execute_script("window.__notReloaded = true")
    article_id = stack.ingest_seed()
    shown = wait(browser, lambda d: card(d, article_id), 120)
    assert browser.execute_script("return window.__notReloaded") is True  # it came live
    delay = browser.execute_script("return window.newsflowLatencies.at(-1)")
    assert delay is not None and delay <= 5.0, f"commit -> card {delay} s"
    assert shown["title"].startswith("Kremlin announces Russia")
    assert ["Dmitry Peskov PERSON", "#/entity/Dmitry%20Peskov"] in shown["links"]  # an entity chip
    assert ["Dmitry Peskov (Kremlin spokesman)", "#/entity/Dmitry%20Peskov"] in shown["links"]  # a speaker
    assert f"#/article/{article_id}" in [href for _, href in shown["links"]]
    assert "quotes by" in shown["text"]
    screenshot("stream")


def test_pause_holds_arrivals_and_resume_shows_them(stack, browser):
    open_console(browser, stack)
    browser.find_element(By.CSS_SELECTOR, "button.pause").click()
    (article_id,) = stack.ingest(unique_article("Held while paused"))
    wait(browser, lambda d: "1 new" in d.find_element(By.CSS_SELECTOR, "button.pause").text, 120)
    assert card(browser, article_id) is None
    browser.find_element(By.CSS_SELECTOR, "button.pause").click()
    assert card(browser, article_id) is not None


def test_the_filter_keeps_the_cards_of_an_entity_or_speaker(stack, browser):
    seed = stack.ingest_seed()
    (other,) = stack.ingest(unique_article("Filtered out"))
    stack.archived(seed)
    stack.archived(other)
    open_console(browser, stack)
    shown = "return [...document.querySelectorAll('li.card')].map((card) => card.dataset.id)"
    wait(browser, lambda d: {seed, other} <= set(d.execute_script(shown)))
    browser.find_element(By.ID, "stream-filter").send_keys("Dmitry Peskov")
    wait(browser, lambda d: (ids := d.execute_script(shown)) and seed in ids and other not in ids)
    browser.find_element(By.ID, "stream-filter").clear()
    browser.find_element(By.ID, "stream-filter").send_keys("Keir Starmer")  # a speaker of the other
    wait(browser, lambda d: (ids := d.execute_script(shown)) and other in ids and seed not in ids)


def test_the_article_page_marks_every_quote_with_its_speaker_and_relay(stack, browser, screenshot):
    article_id = stack.ingest_seed()
    document = stack.archived(article_id)["article"]
    open_console(browser, stack, f"/article/{article_id}")
    marks = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".article-body mark.quote"))
    assert len(marks) == len(document["quotes"])  # every quote highlighted
    speakers = {m.get_attribute("data-speaker") for m in marks}
    assert "Dmitry Peskov" in speakers and any("Rubio" in s for s in speakers), speakers
    assert {m.get_attribute("data-type") for m in marks} <= {"direct", "indirect", "mixed"}
    # the body reads as written: every character once, in order, whatever the marks
    body = browser.execute_script("return document.querySelector('.article-body').textContent")
    assert body == document["body"]
    relays = text_of(browser, ".relays")
    assert "RT" in relays and "MIC Izvestia" in relays
    assert browser.find_elements(By.CSS_SELECTOR, ".article-body .speaker")
    assert browser.find_elements(By.CSS_SELECTOR, ".article-body .cue")
    assert browser.find_elements(By.CSS_SELECTOR, '.article-body a.mention[href="#/entity/Dmitry%20Peskov"]')
    peskov = next(m for m in marks if m.get_attribute("data-speaker") == "Dmitry Peskov")
    peskov.click()
    panel = text_of(browser, "#attribution")
    assert "Dmitry Peskov" in panel and "Kremlin spokesman" in panel and "Confidence" in panel
    listed = text_of(browser, ".quote-list")
    assert "Dmitry Peskov, Kremlin spokesman" in listed and "Rubio" in listed
    screenshot("article")


def test_tab_reaches_a_quote_and_enter_opens_its_attribution(stack, browser):
    article_id = stack.ingest_seed()
    stack.archived(article_id)
    open_console(browser, stack, f"/article/{article_id}")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".article-body mark.quote"))
    keys = ActionChains(browser)
    keys.send_keys(Keys.TAB).send_keys(Keys.ENTER).perform()  # the skip link
    assert browser.switch_to.active_element.get_attribute("id") == "main"
    assert browser.execute_script("return location.hash") == f"#/article/{article_id}"
    for _ in range(80):
        keys.send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        if active.tag_name == "mark" and "quote" in active.get_attribute("class"):
            break
    else:
        pytest.fail("Tab never reached a quote")
    keys.send_keys(Keys.ENTER).perform()
    speaker = active.get_attribute("data-speaker")
    assert "selected" in active.get_attribute("class")
    assert speaker and speaker in text_of(browser, "#attribution .speaker-name")
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", active)
    assert outline != "none"  # the focus is visible


def test_the_entity_page_of_dmitry_peskov_lists_his_quotes(stack, browser, screenshot):
    stack.archived(stack.ingest_seed())
    open_console(browser, stack, "/entity/Dmitry Peskov")
    said = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".said .quote-item"))
    assert len(said) >= 3
    assert text_of(browser, ".entity-role") == "Kremlin spokesman"
    assert text_of(browser, ".entity-label") == "PERSON"
    assert "Peskov" in text_of(browser, ".entity-aliases")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg circle")
    assert browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby='co-heading'] a.chip")
    screenshot("entity")


def test_trending_shows_him(stack, browser, screenshot):
    stack.archived(stack.ingest_seed())
    open_console(browser, stack, "/trending")
    Select(browser.find_element(By.ID, "trending-label")).select_by_value("PERSON")
    wait(browser, lambda d: "Dmitry Peskov" in d.find_element(By.CSS_SELECTOR, ".windows").text, 90)
    assert browser.find_elements(By.CSS_SELECTOR, ".windows .bars svg rect")
    screenshot("trending")


def test_a_poison_message_appears_under_dead_letters_with_its_reason(stack, browser, screenshot):
    open_console(browser, stack, "/deadletters")
    stack.send_raw([b'{"title": "half a message", "body": '])
    row = wait(browser, lambda d: d.execute_script("""
        const row = document.querySelector('tr[data-reason="malformed_json"]');
        return row && [row.innerText, row.querySelector("pre.preview").textContent];"""), 90)
    assert "malformed_json" in row[0] and "worker" in row[0]
    assert '{"title": "half a message"' in row[1]
    assert "malformed_json" in text_of(browser, ".counts")
    screenshot("deadletters")


def _shifted(span: dict | None, by: int) -> dict | None:
    return {**span, "start": span["start"] + by, "end": span["end"] + by} if span else span


def test_overlapping_spans_and_astral_characters_keep_the_text(stack, browser):
    """Offsets count code points (Python's str): an emoji before every span is one there and
    two UTF-16 units in the browser. Crossing spans (a quote overlapping another, a mention
    across a quote's edge, spans past the end) must neither garble nor drop text."""
    message = stack.enriched(stack.ingest_seed())
    prefix = "\U0001F600 \U0001F30D "  # two astral characters, four code points with the spaces
    by = len(prefix)
    body = prefix + message["body"]
    quotes = [{**q, "start": q["start"] + by, "end": q["end"] + by, "speaker": _shifted(q.get("speaker"), by),
               "cue": _shifted(q.get("cue"), by), "via": _shifted(q.get("via"), by)} for q in message["quotes"]]
    first = quotes[0]
    crossing = {**first, "start": first["start"] + 5, "end": first["end"] + 20, "text": "crossing"}
    beyond = {**first, "start": len(body) - 3, "end": len(body) + 50, "text": "past the end"}
    entities = [{**e, "mentions": [_shifted(m, by) for m in e["mentions"]]} for e in message["canonical_entities"]]
    entities.append({**entities[0], "id": "Edge", "name": "Edge", "normalized": "Edge", "count": 1, "mentions": [
        {"text": "edge", "start": first["end"] - 3, "end": first["end"] + 3}]})
    crafted_id = "e" + message["id"][1:]
    stack.send_enriched({**message, "id": crafted_id, "body": body, "quotes": [*quotes, crossing, beyond],
                         "canonical_entities": entities})
    stack.archived(crafted_id)
    open_console(browser, stack, f"/article/{crafted_id}")
    marks = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".article-body mark.quote"))
    shown = browser.execute_script("return document.querySelector('.article-body').textContent")
    assert shown == body
    texts = browser.execute_script(
        "return [...document.querySelectorAll('.article-body mark.quote')].map(m => m.textContent)")
    assert texts == [body[q["start"]:q["end"]] for q in quotes]  # the crossing and broken ones unmarked
    assert len(marks) == len(quotes)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".quote-list li")) == len(quotes) + 2  # all listed
    assert not browser.find_elements(By.CSS_SELECTOR, 'a.mention[href="#/entity/Edge"]')


LETTER_ROWS = """return [...document.querySelectorAll("table.letters tbody tr")]
    .filter((row) => row.querySelector("pre.preview").textContent.includes(arguments[0]))"""


def test_replaying_a_dead_letter_takes_the_operator_token(stack, browser):
    open_console(browser, stack, "/deadletters")
    tag = f"replay-me-{time.time_ns()}"
    stack.send_raw([f'{{"title": "{tag}", "body": '.encode()])
    wait(browser, lambda d: len(d.execute_script(LETTER_ROWS, tag)) == 1, 90)

    def replay() -> str:
        browser.execute_script(LETTER_ROWS + "[0].querySelector('button.replay').click()", tag)
        return wait(browser, lambda d: (text := d.find_element(By.CSS_SELECTOR, ".replay-outcome").text)
                    and not text.startswith("Replaying") and text)

    assert "Not replayed (401)" in replay()  # no token given
    browser.find_element(By.CSS_SELECTOR, "details.operator summary").click()
    browser.find_element(By.ID, "operator-token").send_keys(OPERATOR_TOKEN)
    assert replay().startswith("Replayed")
    # the same bytes through the worker again: a second dead letter of them
    wait(browser, lambda d: len(d.execute_script(LETTER_ROWS, tag)) == 2, 90)


def _inert(browser) -> None:
    """Nothing of the payloads ran or became markup, and the CSP had nothing to block."""
    assert browser.execute_script("return window.__pwned") is None
    assert "pwned" not in browser.title
    injected = browser.execute_script(
        "return document.querySelectorAll('main script, main img, main iframe, main [onerror],"
        " a[href^=\"javascript:\"]').length")
    assert injected == 0
    refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused


def test_untrusted_text_stays_text(stack, browser):
    open_console(browser, stack)
    hostile = {"title": f"Hostile {PAYLOAD}", "source": f"{PAYLOAD}.example",
               "url": "https://hostile.example/a?q=<script>",
               "published": "2025-07-14",
               "body": (f"LONDON - \"We will not yield {PAYLOAD},\" said Jon Smith, the party leader. "
                        f"Smith added that the plan <a href=\"{JAVASCRIPT_LINK}\">click</a> was ready.")}
    (hostile_id,) = stack.ingest(hostile)
    stack.send_raw([f'{{"title": "{PAYLOAD}", "body": '.encode()])  # a dead letter holding it
    crafted = stack.enriched(hostile_id)
    crafted_id = "c" + hostile_id[1:]
    crafted.update(id=crafted_id, url=JAVASCRIPT_LINK, title=f"Crafted {PAYLOAD}")
    for quote in crafted["quotes"]:
        quote["speaker"] = {**(quote.get("speaker") or {}), "name": f"Evil {PAYLOAD}", "role": PAYLOAD}
    for entity in crafted["canonical_entities"]:
        entity["name"] = f"{entity['name']} {PAYLOAD}"
    stack.send_enriched(crafted)
    for article_id in (hostile_id, crafted_id):
        shown = wait(browser, lambda d: card(d, article_id), 120)
        assert PAYLOAD in shown["title"]
    assert f"Evil {PAYLOAD}"[:100] in card(browser, crafted_id)["text"]  # cut at 120 characters
    _inert(browser)
    for article_id in (hostile_id, crafted_id):
        stack.archived(article_id)
        open_console(browser, stack, f"/article/{article_id}")
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".article-body"))
        assert PAYLOAD in text_of(browser, "article h1")
        body = browser.execute_script("return document.querySelector('.article-body').textContent")
        assert PAYLOAD in body and JAVASCRIPT_LINK in body
        _inert(browser)
    browser.find_element(By.CSS_SELECTOR, ".article-body mark.quote").click()
    assert f"Evil {PAYLOAD}" in text_of(browser, "#attribution")
    open_console(browser, stack, "/deadletters")
    wait(browser, lambda d: any(PAYLOAD in p.text for p in d.find_elements(By.CSS_SELECTOR, "pre.preview")), 90)
    _inert(browser)
    open_console(browser, stack, f"/entity/{PAYLOAD}")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"))
    _inert(browser)


ROUTES = ["/", "/article/{seed}", "/entity/Dmitry Peskov", "/trending", "/deadletters", "/health"]


def test_every_page_fits_a_phone_without_horizontal_scroll(stack, browser, screenshot):
    seed = stack.ingest_seed()
    stack.archived(seed)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    for route in ROUTES:
        open_console(browser, stack, route.format(seed=seed))
        wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "main .notice-info")
             or d.find_elements(By.CSS_SELECTOR, "main h1 + *"), 30)
        time.sleep(0.5)  # the view's data drawn
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{route}: {widths[0]} px wide in a {widths[1]} px window"
    screenshot("health-phone")


# WCAG 2 contrast of every element that shows text against the background it is drawn on
CONTRAST = """
const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
  .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
const background = (node) => {
  for (; node; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
const failures = [];
for (const node of document.querySelectorAll("body *")) {
  if (![...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())) continue;
  const style = getComputedStyle(node);
  if (style.visibility === "hidden" || !node.getClientRects().length || style.clipPath !== "none") continue;
  const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(node))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  if (ratio < needed) failures.push(`${node.tagName}.${node.className}: ${ratio.toFixed(2)}`);
}
return failures;
"""


def test_text_contrast_is_aa_and_every_control_is_labelled(stack, browser):
    seed = stack.ingest_seed()
    stack.archived(seed)
    for route in ROUTES:
        open_console(browser, stack, route.format(seed=seed))
        time.sleep(1.0)
        assert browser.execute_script(CONTRAST) == [], route
        unlabelled = browser.execute_script(
            "return [...document.querySelectorAll('input, select')].filter(e => !e.labels.length).map(e => e.id)")
        assert unlabelled == [], route


def test_a_restarted_console_still_delivers_without_reload(stack, browser):
    open_console(browser, stack)
    browser.execute_script("window.__notReloaded = true")
    stack.restart_console()
    wait(browser, lambda d: d.find_element(By.ID, "live-status").get_attribute("data-state") == "open", 60)
    (article_id,) = stack.ingest(unique_article("After the restart"))
    wait(browser, lambda d: card(d, article_id), 120)
    assert browser.execute_script("return window.__notReloaded") is True


def test_ten_tabs_each_get_the_new_article(stack, browser):
    tabs = []
    for index in range(10):
        if index:
            browser.switch_to.new_window("tab")
        open_console(browser, stack)
        tabs.append(browser.current_window_handle)
    (article_id,) = stack.ingest(unique_article("To every tab"))
    for handle in tabs:
        browser.switch_to.window(handle)
        wait(browser, lambda d: card(d, article_id), 120)
    clients = stack.get_json("/api/console/health")["console"]["clients"]
    assert clients <= 2, f"{clients} streams for 10 tabs: the SharedWorker is not shared"


def test_the_open_page_gets_new_articles_after_the_worker_and_then_the_broker_restart(stack, browser):
    open_console(browser, stack)
    browser.execute_script("window.__notReloaded = true")
    for restart in (stack.restart_worker, stack.restart_broker):
        restart()
        (article_id,) = stack.ingest(unique_article(f"After {restart.__name__}"))
        wait(browser, lambda d: card(d, article_id), 180)
    assert browser.execute_script("return window.__notReloaded") is True
