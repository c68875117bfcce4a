"""Language identification: the English fast path and lingua behind it."""

from __future__ import annotations

from admiralty.nlp.language import detect, english_share
from admiralty.resources import Resources

ENGLISH = ("The port of Norhaven has been closed since Monday, and talks between the union and the "
           "government stalled on Wednesday, officials on both sides said. It was the third day of the strike.")
GERMAN = ("Der Hafen von Norhaven ist seit Montag geschlossen, und die Gespräche zwischen der Gewerkschaft "
          "und der Regierung sind am Mittwoch ins Stocken geraten, sagten Vertreter beider Seiten.")
FRENCH = ("Le port de Norhaven est fermé depuis lundi, et les discussions entre le syndicat et le "
          "gouvernement sont au point mort depuis mercredi, a indiqué un responsable du port.")
RUSSIAN = ("Порт Норхейвена закрыт с понедельника, а переговоры между профсоюзом и правительством "
           "зашли в тупик в среду, сообщили представители обеих сторон.")


def test_english_takes_the_fast_path_and_others_go_to_lingua(resources: Resources) -> None:
    threshold = float(resources.config["language.english_word_share"])
    assert english_share(ENGLISH, resources)[0] >= threshold
    for text in (GERMAN, FRENCH, RUSSIAN):
        assert english_share(text, resources)[0] < threshold / 2
    assert detect(ENGLISH, resources) == "en"
    assert detect(GERMAN, resources) == "de"
    assert detect(FRENCH, resources) == "fr"
    assert detect(RUSSIAN, resources) == "ru"


def test_a_short_text_is_left_to_lingua(resources: Resources) -> None:
    assert english_share("The end.", resources)[1] < int(resources.config["language.english_min_words"])
    assert detect("The end of the strike.", resources) == "en"
