from vigil.bulletin.glossary import hints, stems, violations
from vigil.bulletin.models import GlossaryTerm

TERM = GlossaryTerm(source="prisoner of conscience", target="узник совести")
OTHER = GlossaryTerm(source="death penalty", target="смертная казнь")


def test_inflected_russian_forms_satisfy_the_term() -> None:
    source = "We consider him a prisoner of conscience."
    for target in (
        "Мы считаем его узником совести.",
        "Письма в защиту узника совести.",
        "Узники совести должны быть освобождены.",
    ):
        assert violations(source, target, [TERM]) == [], target


def test_a_translation_without_the_approved_term_is_flagged() -> None:
    source = "Two prisoners of conscience were released."
    assert violations(source, "Освобождены двое политзаключённых.", [TERM]) == [TERM]
    # The words apart, or in another order, are not the term.
    assert violations(source, "Совести нет у тех, кто держит узника.", [TERM]) == [TERM]


def test_hints_list_terms_in_the_source_even_before_translation() -> None:
    source = "The death penalty and a prisoner of conscience."
    found = hints(source, "", [TERM, OTHER])
    assert [(h.term, h.violated) for h in found] == [(TERM, False), (OTHER, False)]
    assert hints("Nothing relevant.", "Ничего.", [TERM, OTHER]) == []
    assert stems("Узника совести", "ru") == ["узник", "совест"]
