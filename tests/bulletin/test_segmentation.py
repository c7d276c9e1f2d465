from vigil.bulletin.segmentation import join, paragraphs, sentences, split


def test_sentences_respect_abbreviations_initials_and_quotes() -> None:
    text = (
        "Dr. Ivanov met Mrs. Smith in St. Petersburg. J. Brown wrote to the U.N. office! "
        "“Free him now,” they said. Is he safe? 40 groups replied… «Thanks» came later."
    )
    assert sentences(text) == [
        "Dr. Ivanov met Mrs. Smith in St. Petersburg.",
        "J. Brown wrote to the U.N. office!",
        "“Free him now,” they said.",
        "Is he safe?",
        "40 groups replied…",
        "«Thanks» came later.",
    ]


def test_paragraphs_are_kept_and_line_breaks_inside_one_are_spaces() -> None:
    text = "First sentence.\nStill the first\nparagraph.\n\n\n  Second paragraph.  \r\n\r\nThird."
    assert paragraphs(text) == [
        "First sentence. Still the first paragraph.",
        "Second paragraph.",
        "Third.",
    ]
    assert split(text) == [
        ["First sentence.", "Still the first paragraph."],
        ["Second paragraph."],
        ["Third."],
    ]


def test_split_and_join_give_back_the_paragraph() -> None:
    paragraph = "One. Two! Three? Four."
    assert join(sentences(paragraph)) == paragraph
    assert split("   \n\n  ") == []
