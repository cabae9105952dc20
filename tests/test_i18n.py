"""French first, English complete: every text of the interface has its French translation."""
import os

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages():
    method_map = [("app/**.py", "python"), ("seeds/**.py", "python"), ("app/templates/**.html", "jinja2")]
    options = {"app/templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_french_translation():
    with open(os.path.join(ROOT, "translations/fr/LC_MESSAGES/messages.po"), "rb") as f:
        catalog = read_po(f, locale="fr")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and "fuzzy" not in m.flags and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"{len(missing)} texts lack a French translation (make i18n-extract): {missing[:20]}"


def test_pages_are_french_by_default_and_english_on_request(login):
    client = login("student")
    page = client.get("/my/contract/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Valider mon contrat" in page and "Projet de formation" in page
    assert "«\u00a0oui si\u00a0»" in page or "Enregistrer le brouillon" in page
    client.get("/lang/en")
    page = client.get("/my/contract/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Validate my contract" in page and "Save as draft" in page


def test_catalogue_labels_follow_the_language(login):
    client = login("student")
    assert "Étudiant salarié" in client.get("/my/contract/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Working student" in client.get("/my/contract/").get_data(as_text=True)


def test_staff_pages_in_both_languages(login):
    client = login("detu")
    assert "Liste des contrats" in client.get("/contracts/list/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Contract list" in client.get("/contracts/list/").get_data(as_text=True)
