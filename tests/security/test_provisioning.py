"""Group → role mapping, role origins and configuration errors, as plain functions."""
import json

import pytest
from flask_appbuilder.const import AUTH_LDAP

from app import roles as R
from app.security.directory import ConfigurationError, Person
from app.security.provisioning import (
    directory_role_names,
    normalize_dn,
    parse_role_mapping,
    record_application_grants,
    role_origins,
    roles_for_groups,
)


def test_dns_compare_whatever_their_case_and_spacing():
    assert normalize_dn("CN=DETU, OU=Groups,DC=Univ ,DC=Fr") == normalize_dn("cn=detu,ou=groups,dc=univ,dc=fr")
    assert normalize_dn("cn=detu,ou=groups,dc=univ,dc=fr") != normalize_dn("cn=detu2,ou=groups,dc=univ,dc=fr")


def test_mapping_by_dn_or_by_group_name_and_union_of_several_groups():
    mapping = parse_role_mapping(json.dumps({
        "cn=conpere-detu,ou=groups,dc=univ,dc=fr": ["DETU"],
        "Conpere-Scolarite": "Registrar",
        "CN=Conpere-Detu,OU=groups,DC=univ,DC=fr": "Teacher",  # the same group spelled otherwise: merged
    }))
    groups = ["cn=CONPERE-DETU,ou=Groups,dc=univ,dc=fr", "cn=conpere-scolarite,ou=other,dc=univ,dc=fr",
              "cn=personnels,ou=groups,dc=univ,dc=fr"]
    assert roles_for_groups(groups, mapping) == {R.DETU, R.TEACHER, R.REGISTRAR}
    assert roles_for_groups(["cn=personnels,ou=groups,dc=univ,dc=fr"], mapping) == set()


def test_the_student_role_comes_with_a_student_number():
    person = Person(dn="uid=e1,ou=people", uid="e1", student_number="22600001", groups=())
    assert directory_role_names(person, {}, R.STUDENT) == {R.STUDENT}
    assert directory_role_names(person, {}, "") == set()
    staff = Person(dn="uid=s1,ou=people", uid="s1")
    assert directory_role_names(staff, {}, R.STUDENT) == set()


@pytest.mark.parametrize("raw, reason", [
    ("{", "not valid JSON"),
    ("[]", "must be a JSON object"),
    ('{"cn=a": "Nope"}', "unknown roles ['Nope']"),
    ('{"cn=a": [1]}', "role name or a list"),
])
def test_a_wrong_mapping_is_explained(raw, reason):
    with pytest.raises(ValueError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        parse_role_mapping(raw)


@pytest.mark.parametrize("settings, message", [
    ({"LDAP_URLS": ""}, "LDAP_URLS is empty"),
    ({"LDAP_PEOPLE_BASE": ""}, "LDAP_PEOPLE_BASE is empty"),
    ({"LDAP_GROUPS_FROM": "search"}, "needs LDAP_GROUP_BASE"),
    ({"LDAP_ROLE_MAPPING": '{"cn=a": "Dean"}'}, "unknown roles"),
    ({"LDAP_STUDENT_ROLE": "Pupil"}, "LDAP_STUDENT_ROLE='Pupil' is not a role"),
])
def test_a_wrong_setting_stops_the_start_with_one_line(databases, settings, message):
    from tests.conftest import make_app

    base = {"AUTH_TYPE": AUTH_LDAP, "LDAP_URLS": "ldap://127.0.0.1:1", "LDAP_PEOPLE_BASE": "ou=people,dc=x"}
    with pytest.raises(ConfigurationError, match=message):
        make_app(databases.url("template"), **{**base, **settings})


def test_an_administrators_edit_is_recorded_as_a_grant_here(ctx, users):
    from flask import current_app

    sm = current_app.appbuilder.sm
    user = users["detu"]
    assert role_origins(user) == {R.DETU: ["application"]}  # demo accounts: nothing from a directory
    user.roles.append(sm.find_role(R.TEACHER))
    record_application_grants(user)
    ctx.commit()
    assert role_origins(user) == {R.DETU: ["application"], R.TEACHER: ["application"]}
    user.roles = [sm.find_role(R.TEACHER)]
    record_application_grants(user)
    ctx.commit()
    assert role_origins(user) == {R.TEACHER: ["application"]}
