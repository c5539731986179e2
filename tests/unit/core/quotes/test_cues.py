"""Which words report speech and in what frame (quotes/cues.py): the lexicon's verbs and
nouns, headline and transcript speakers, a colon's clause, a signed name, a speaker tag."""

from __future__ import annotations

import pytest

from tests.unit.core.quotes.conftest import one, quotes


def test_direct_quote_with_trailing_cue():
    found = quotes('"We will win this election," Senator Jane Smith said on Monday.')
    q = one(found, "We will win")
    assert q["type"] == "direct"
    assert q["speaker"]["name"] == "Jane Smith"
    assert q["cue"]["text"] == "said"
    assert q["text"].startswith('"') and q["text"].endswith('"')


@pytest.mark.parametrize(
    "text, speaker, cue",
    [
        ('"If you ask one more mean question, I may have to leave the stage," Cruz quipped.', "Cruz", "quipped"),
        ("“Is Obama profiling?” reacted Trump.", "Trump", "reacted"),
        ("“Go back to Univision,” Trump barked and a security guard escorted Ramos out.", "Trump", "barked"),
        ("“If anyone wonders why, this report is Exhibit A, and proves the delays,”\xa0added Gowdy.", "Gowdy", "added"),
        ("Sanders shot back, “Secretary Clinton called them out. They must have been really crushed.”", "Sanders", "shot"),
        ('As The Post\'s Dana Milbank puts it, "Senate Republicans are unmoved, and activists uninspired."', "Dana Milbank", "puts"),
    ],
)
def test_any_verb_in_a_tag_touching_the_quote_is_its_cue(text, speaker, cue):
    found = quotes(text)
    assert [(q["type"], q["speaker"]["name"], q["cue"]["text"]) for q in found] == [("direct", speaker, cue)]


def test_a_tag_never_reaches_into_the_next_paragraph():
    text = (
        'Gowdy pressed her.\n\n"Who told you that 90 to 95 percent of your e-mails were in the system?"\n\n'
        "Former secretary of state Hillary Rodham Clinton then answered the committee."
    )
    assert not [q for q in quotes(text) if "Who told you" in q["text"]]


def test_transcript_line_with_no_space_after_the_colon():
    text = 'Former secretary of state Hillary Rodham Clinton:"We learned that from the State Department."'
    q = one(quotes(text), "We learned")
    assert (q["type"], q["speaker"]["text"]) == ("direct", "Hillary Rodham Clinton")


def test_what_a_thing_says_is_not_speech():
    text = 'Rudy Giuliani is now wearing a campaign hat that says "MAKE MEXICO GREAT AGAIN ALSO" for realz.'
    assert quotes(text) == []


def test_participle_after_the_tag_has_its_own_content_not_the_quote():
    text = '"This ad that Trump released today is horrific in my mind," Henry said, referring to the first TV ad.'
    found = quotes(text)
    assert [(q["text"], q["cue"]["text"]) for q in found] == [
        ('"This ad that Trump released today is horrific in my mind,"', "said"),
        ("to the first TV ad", "referring"),
    ]


def test_name_before_colon_speaks_the_quote():
    text = 'Rep. Trey Gowdy (R-S.C.): "I have not heard anyone other than you ever cite that figure. Who told you that?"'
    q = one(quotes(text), "I have not heard")
    assert q["speaker"]["name"] == "Trey Gowdy"
    assert q["type"] == "direct"


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Pollsters agree - Carl Bialik: “One of the biggest lessons was a simple one: keep on contacting "
            "voters as late as possible.”",
            "Carl Bialik",
        ),
        (
            "What that means for this year - More from Jones: “The partisanship of the state population is a "
            "starting point in determining a state’s likely vote.”",
            "Jones",
        ),
    ],
)
def test_name_signed_before_a_colon_speaks_whatever_clause_precedes(text, speaker):
    """The roundup convention: a summary, a dash (or 'from'), the source's name, a colon."""
    found = quotes(text)
    assert [(q["type"], q["speaker"]["text"]) for q in found] == [("direct", speaker)]


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('The scheduling was so odd that a spokesman could only quip: "I guess Christmas Eve was booked."', "a spokesman"),
        ('Clinton has since apologized for what happened: "Yes, I should have used two email addresses."', "Clinton"),
    ],
)
def test_speaker_of_the_clause_a_colon_closes(text, speaker):
    found = quotes(text)
    assert [q["speaker"]["text"] for q in found if q["type"] == "direct"] == [speaker]


def test_headline_speaker_before_colon():
    text = "Marco Rubio: ‘You Don’t Win The Nomination By How Many States You Win.’\nMarco Rubio spoke in Miami."
    q = one(quotes(text), "You Don’t Win")
    assert q["type"] == "direct"
    assert q["speaker"]["name"] == "Marco Rubio"
    assert q["cue"]["text"] == ":"


def test_headline_speaker_the_parser_does_not_know_as_a_name():
    q = one(quotes("Milbank: Republicans ‘Waving The Flag Of Surrender’ To Trump.\nThe column ran on Sunday."), "Waving")
    assert q["speaker"]["text"] == "Milbank"


@pytest.mark.parametrize(
    "text",
    [
        "The Latest: Cruz to give away engraved shotgun.\nTed Cruz spoke in Iowa.",
        "BREAKING: Federal Judge Gives Hillary Some Of The Worst News.\nThe ruling came on Friday.",
        "Ted Cruz spoke in Iowa.\nCORRECTION: An earlier version of this article misstated the date.",
        "Moscow [Russia], July 14 : Talks will go on in Istanbul next week.",
    ],
)
def test_headline_label_or_dateline_before_colon_is_no_speaker(text):
    assert [q for q in quotes(text) if q["cue"] and q["cue"]["text"] == ":"] == []


def test_transcript_paragraph_is_its_speakers():
    text = (
        "The interview aired on Sunday.\n"
        "TAPPER: Do you think Donald Trump has campaigned as a racial healer?\n"
        "FALLIN: I think he is trying to campaign as a racial healer."
    )
    found = quotes(text)
    assert one(found, "Do you think")["speaker"]["text"] == "TAPPER"
    assert one(found, "I think he is trying")["speaker"]["text"] == "FALLIN"


def test_indirect_said_that():
    q = one(quotes("Finance Minister Carlos Ruiz said that inflation would fall next year."), "inflation")
    assert q["type"] == "indirect"
    assert q["speaker"]["name"] == "Carlos Ruiz"
    assert q["speaker"]["role"] == "Finance Minister"


def test_according_to_organisation():
    q = one(quotes("According to the World Bank, growth will slow in 2026."), "growth will slow")
    assert q["type"] == "indirect"
    assert q["speaker"]["name"] == "the World Bank"
    assert q["cue"]["text"] == "According to"


def test_parenthetical_cue_after_content():
    q = one(quotes("The talks will resume in May, the ministry added."), "talks will resume")
    assert q["type"] == "indirect"
    assert q["speaker"]["text"] == "the ministry"
    assert q["cue"]["text"] == "added"


@pytest.mark.parametrize(
    "text, content",
    [
        ("For that she drew Trump's ire - he called her \"weak\" and said she had lost.", 'her "weak"'),
        (
            "He later suggested her menstrual cycle was behind her aggressive tone, called her “third-rate” and "
            "refused to attend a debate.",
            "her “third-rate”",
        ),
    ],
)
def test_naming_verb_takes_object_and_quote(text, content):
    called = [q for q in quotes(text) if q["cue"]["text"] == "called"]
    assert [(q["text"], q["type"]) for q in called] == [(content, "direct")]


def test_person_a_report_cites_is_its_source_not_a_content():
    found = quotes("The newspaper, which cited Ann Lee, said the vote would be delayed.")
    assert [q["text"] for q in found] == ["the vote would be delayed"]


def test_audience_addressed_is_not_a_content():
    found = quotes("Addressing the annual party gala, Trump said the South had treated him well.")
    assert [q["text"] for q in found] == ["the South had treated him well"]


def test_topic_addressed_is_a_content():
    q = one(quotes("Mayor Joe Hart addressed the concerns of local farmers on Monday."), "concerns")
    assert q["speaker"]["name"] == "Joe Hart"


def test_impersonal_passive_only_relays_the_statement():
    text = "It was reported that the plant would close in March, the company's chief Mark Fisher had said."
    q = one(quotes(text), "the plant would close")
    assert not q["text"].startswith("It was reported")
    assert q["speaker"]["name"] == "Mark Fisher"


@pytest.mark.parametrize(
    "text, content",
    [
        ("The mayor called on the county to reopen the old bridge before winter.",
         "the county to reopen the old bridge before winter"),
        ("The union urged the school board to delay the vote until spring.",
         "the school board to delay the vote until spring"),
    ],
)
def test_whom_an_open_clause_is_asked_of_is_part_of_the_content(text, content):
    (q,) = quotes(text)
    assert q["text"] == content and q["type"] == "indirect"


def test_a_tag_set_inside_the_clause_it_reports_reports_both_halves():
    (q,) = quotes("The new bridge, the engineer says, will carry twice the traffic of the old one.")
    assert q["text"].startswith("The new bridge") and q["text"].endswith("the old one")
    assert (q["cue"]["text"], q["speaker"]["text"], q["type"]) == ("says", "the engineer", "indirect")


def test_a_passive_report_with_its_agent_reports_its_subject():
    (q,) = quotes("The plan to close the library was criticized by the teachers' union.")
    assert (q["text"], q["cue"]["text"], q["speaker"]["text"]) == (
        "The plan to close the library", "criticized", "the teachers' union")


def test_a_tag_after_a_clause_reports_what_the_clause_goes_on_to_say():
    (q,) = quotes("The factory will close, the company said, and about 300 workers will lose their jobs.")
    assert q["text"] == "The factory will close, the company said, and about 300 workers will lose their jobs"
    assert (q["cue"]["text"], q["speaker"]["text"]) == ("said", "the company")
