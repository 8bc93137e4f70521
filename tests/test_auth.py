import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_signed_out_user_is_redirected_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_sign_in_page_is_public_and_in_govuk_style(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-skip-link"' in html
    assert "FOI case manager" in html
    assert 'name="username"' in html and 'type="password"' in html


def test_officer_signs_in_and_lands_on_home(client, officer):
    response = client.post(
        reverse("login"), {"username": "olivia", "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"].username == "olivia"


def test_wrong_password_shows_error_summary_and_keeps_username(client, officer):
    response = client.post(reverse("login"), {"username": "olivia", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "There is a problem" in html
    assert 'value="olivia"' in html
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_sign_out_by_get_is_refused(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("persona", "sees", "does_not_see"),
    [
        ("officer", [], ["Administration"]),
        ("reviewer", [], ["Administration"]),
        ("manager", ["Administration"], []),
    ],
)
def test_each_role_sees_its_navigation(client, request, persona, sees, does_not_see):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    nav = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    # Administration sits with Your account and Sign out in the header's account links.
    nav += html.split('aria-label="Account"', 1)[1].split("</ul>", 1)[0]
    for label in sees:
        assert label in nav
    for label in does_not_see:
        assert label not in nav


def test_roles_are_created_by_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "FOI officer",
        "Reviewer",
        "Manager",
    }


@pytest.mark.parametrize(
    ("persona", "heading"),
    [("officer", "My cases"), ("reviewer", "Review queue"), ("manager", "All cases")],
)
def test_each_role_lands_on_its_own_page(client, request, persona, heading):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("home")).content.decode()
    assert f">{heading}</h1>" in html
