"""Each role's navigation bar: what it must offer, and every item it offers opens."""
import lxml.html
import pytest

CONTRACTS = {"/contracts/dashboard/", "/contracts/list/"}
SETTINGS = {"/settingsview/list/", "/campaignview/list/", "/accommodationview/list/", "/remediationview/list/",
            "/hourvolumeview/list/", "/helptextview/list/"}
REFERENCE = {"/facultyview/list/", "/programmeview/list/", "/studentview/list/", "/registrationview/list/",
             "/syncrunview/list/"}
ASSIGNMENTS = {"/detuassignmentview/list/", "/teacherassignmentview/list/", "/registrarassignmentview/list/"}
STUDENT_PAGES = {"/my/contract/", "/my/contracts/", "/my/contacts/", "/my/data/"}
REFERENT = CONTRACTS | {"/exports/", "/transfer/contracts/"} | SETTINGS | REFERENCE | ASSIGNMENTS | {"/impersonation/"}

# role -> (items the menu must offer, items it must not offer)
MENUS = {
    "student": (STUDENT_PAGES, CONTRACTS | SETTINGS),
    "student2": (STUDENT_PAGES, CONTRACTS),
    "detu": (CONTRACTS, STUDENT_PAGES | SETTINGS | {"/exports/"}),
    "detu2": (CONTRACTS, STUDENT_PAGES | SETTINGS),
    "teacher": (CONTRACTS, STUDENT_PAGES | SETTINGS | {"/exports/"}),
    "counsellor": (CONTRACTS, STUDENT_PAGES | SETTINGS),
    "registrar": (CONTRACTS | {"/exports/"}, STUDENT_PAGES | SETTINGS | ASSIGNMENTS),
    "referent": (REFERENT, STUDENT_PAGES | {"/users/list/", "/outboxview/list/"}),
    "dpo": ({"/privacy/reads/"}, STUDENT_PAGES | SETTINGS | ASSIGNMENTS),
    "admin": (REFERENT | {"/privacy/reads/", "/outboxview/list/", "/users/list/", "/roles/list/", "/groups/list/",
                          "/impersonation/sessions/"}, STUDENT_PAGES),
}


def menu_links(html):
    """The links of the navigation bar's menu (not the language and user menus on the right)."""
    tree = lxml.html.fromstring(html)
    menu = tree.xpath('//*[@id="navbar-menu"]/ul[not(contains(@class, "navbar-right"))]//a/@href')
    return [href for href in menu if href != "#"]


@pytest.mark.parametrize("username", sorted(MENUS))
def test_each_role_menu_offers_its_pages_and_each_opens(login, username):
    must, must_not = MENUS[username]
    client = login(username)
    links = menu_links(client.get(sorted(must)[0]).get_data(as_text=True))
    assert must <= set(links), f"{username}'s menu lacks {sorted(must - set(links))}"
    assert not must_not & set(links), f"{username}'s menu offers {sorted(must_not & set(links))}"
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, f"{username}: menu item {href} answers {response.status_code}"
        response.close()
