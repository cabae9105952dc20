"""French first, English complete: every text of the interface has its French translation."""
import os

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_formatter_gettext": None}


def source_messages():
    method_map = [("app/**.py", "python"), ("seeds/**.py", "python"), ("app/templates/**.html", "jinja2")]
    options = {"app/templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def translated(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        catalog = read_po(f, locale="fr")
    return {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and "fuzzy" not in m.flags and (m.string if isinstance(m.string, str) else all(m.string))
    }


def test_every_message_has_a_french_translation():
    missing = sorted(source_messages() - translated("translations/fr/LC_MESSAGES/messages.po"))
    assert not missing, f"{len(missing)} texts lack a French translation (make i18n-extract): {missing[:20]}"


def fab_messages():
    """The texts of the installed Flask-AppBuilder, as `make i18n-fab-extract` finds them."""
    import flask_appbuilder

    fab = os.path.dirname(flask_appbuilder.__file__)
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    return {m if isinstance(m, str) else m[0]
            for _, _, m, _, _ in extract_from_dir(fab, method_map, options, keywords=KEYWORDS)}


def test_every_flask_appbuilder_text_has_our_french_translation():
    """Flask-AppBuilder's own French is out of date (« Afficer le record »): ours covers all its texts."""
    missing = sorted(fab_messages() - translated("translations/fab/fr/LC_MESSAGES/messages.po"))
    assert not missing, f"{len(missing)} Flask-AppBuilder texts lack our French (make i18n-fab-extract): {missing[:20]}"


def test_flask_appbuilder_pages_read_our_french(login):
    page = login("admin").get("/users/list/").get_data(as_text=True)
    assert "<h1>Utilisateurs</h1>" in page and "Rechercher" in page and "Ajouter un filtre" in page
    assert "Listez" not in page and "Ajouter un filter" not in page


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
