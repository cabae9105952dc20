"""Is a page written in its own language? Words of the other language in a page's text are reported.

A word counts as English when an English word list has it and the French one does not (and the
reverse), plus a few words both lists share that are sure signs of an untranslated interface
(« Show », « Record », « None »…). Not counted: parts marked with another ``lang`` (a language
switch, an English label shown to a referent), words of the data (names, programme labels, what
people typed: the demo database's text), codes in capitals, and the terms below. Word lists:
Debian's wamerican, wbritish and wfrench (.ci/run installs them).
"""
import os
import re

import lxml.html
from sqlalchemy import String, Text, inspect, select

DICTIONARIES = {"en": ("/usr/share/dict/american-english", "/usr/share/dict/british-english"),
                "fr": ("/usr/share/dict/french",)}
INSTALL = "apt-get install wamerican wbritish wfrench"

# Shared by both word lists, but a sure sign of an untranslated interface in the other language.
SURE_SIGNS = {
    "en": {"show", "list", "record", "records", "value", "cancel", "none", "back", "edit", "delete", "add",
           "search", "filter", "save", "user", "login", "logout", "the", "and", "of", "to", "with", "yes",
           "no", "true", "false", "items", "from", "your", "my", "select"},
    "fr": {"le", "la", "les", "des", "du", "et", "pour", "avec", "sur", "dans", "une", "est", "oui", "votre",
           "vos", "mon", "mes", "aucun", "aucune", "contrat", "contrats", "étudiant", "étudiants", "enregistrer",
           "modifier", "supprimer", "rechercher", "ajouter", "retour", "liste", "paramètres"},
}
# Names and terms the interface uses in both languages.
TERMS = {"conpere", "apogée", "apogee", "pégase", "pegase", "oui", "si", "ine", "detu", "scuio", "deve", "pec",
         "ects", "ufr", "licence", "gmail", "localhost", "demo", "excel", "pdf", "zip", "csv", "url", "https",
         "http", "www", "email", "e", "mail", "ko", "mo"}
# Columns holding codes or the interface's own words: their words must not pass as data.
NOT_DATA = {"sync_run.summary", "sync_run.status", "sync_run.trigger", "sync_error.code", "outbox_message.kind",
            "outbox_message.status", "outbox_message.language", "help_text.field", "help_text.language",
            "contract.status", "contract.kind", "contract.gap_year", "contract_event.from_status",
            "contract_event.to_status", "settings.detu_notification", "user_language.language",
            "ab_user.password", "ab_permission.name", "ab_view_menu.name", "job_state.job_id"}
# Pages that are not the application's own interface (by URL rule).
EXEMPT = {
    "/swagger/<version>": "Swagger UI documents the API for developers, in English",
    "/lang/<string:locale>": "switches the language",
    "/back": "a redirect",
}
# Not read as language: scripts, and <code> (what one types: identifiers, accepted values, examples).
HIDDEN = ("script", "style", "template", "noscript", "code")
ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "data-placeholder")
WORD = re.compile(r"[^\W\d_]+")


def dictionary(language):
    paths = DICTIONARIES[language]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        return None
    words = set()
    for path in paths:
        with open(path, encoding="utf-8", errors="ignore") as f:
            words.update(line.strip().lower() for line in f if line.strip() and "'" not in line)
    return words


def data_words(session, metadata):
    """Every word of the database's text columns (but codes and the interface's own words)."""
    words = set()
    for columns in _data_columns(session, metadata):
        for row in session.execute(select(*columns)):
            words.update(w.lower() for value in row if value for w in WORD.findall(str(value)))
    return words


def _data_columns(session, metadata):
    existing = set(inspect(session.get_bind()).get_table_names())
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))
                   and f"{table.name}.{c.name}" not in NOT_DATA]
        if columns and table.name in existing:
            yield columns


def checker_for(app):
    """A checker knowing the words of the app's demo data; skips the test when a word list is missing."""
    import pytest

    from app.extensions import db

    with app.app_context():
        checker = LanguageChecker(data_words(db.session, db.metadata))
        db.session.remove()
    if checker.missing:
        pytest.skip(f"word lists missing ({', '.join(checker.missing)}): {INSTALL}")
    return checker


class LanguageChecker:
    def __init__(self, data):
        self.words = {lang: dictionary(lang) for lang in DICTIONARIES}
        self.data = data

    @property
    def missing(self):
        return [lang for lang, words in self.words.items() if words is None]

    def foreign(self, word, language):
        """Is this word of the other language (and not of the page's)?"""
        other = "en" if language == "fr" else "fr"
        if word in self.data or word in TERMS or len(word) < 2:
            return False
        if word in SURE_SIGNS[other] and word not in SURE_SIGNS[language]:
            return True
        return word in self.words[other] and word not in self.words[language]

    def problems(self, html, language):
        """[(word, the text it is in)] for each word of the other language the page shows."""
        found = {}
        for text in visible_texts(html, language):
            for word in WORD.findall(text):
                if word.isupper() and len(word) > 1:
                    continue  # a code or an acronym
                if self.foreign(word.lower(), language):
                    found.setdefault(word.lower(), " ".join(text.split())[:120])
        return sorted(found.items())


def visible_texts(html, language):
    """The texts a reader meets in the page's language: text nodes and labelling attributes."""
    tree = lxml.html.fromstring(html)
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in HIDDEN:
            continue
        if _language_of(element, language) == language:
            yield from _own_texts(element)
        parent = element.getparent()
        if element.tail and parent is not None and parent.tag not in HIDDEN \
                and _language_of(parent, language) == language:
            yield element.tail


def _own_texts(element):
    """An element's text and the attributes that label it."""
    yield element.text or ""
    yield from (element.get(name) for name in ATTRIBUTES if element.get(name))
    if element.tag == "input" and element.get("type") in ("submit", "button"):
        yield element.get("value") or ""


def _language_of(element, default):
    """The language of an element: its own ``lang`` or its closest ancestor's."""
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return node.get("lang")[:2]
    return default
