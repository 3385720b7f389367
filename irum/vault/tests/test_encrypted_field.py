import pytest
from django.core.exceptions import FieldError
from django.db import connection, models
from django.test.utils import isolate_apps

from irum.vault.fields import EncryptedTextField


def _model():
    # Defined inside isolate_apps so that it never joins the project's app registry.
    class Secretive(models.Model):
        secret = EncryptedTextField(blank=True)

        class Meta:
            app_label = "vault"

        def __str__(self) -> str:
            return "secretive"

    return Secretive


@isolate_apps("irum.vault")
def test_the_field_encrypts_on_the_way_in_and_decrypts_on_the_way_out():
    field = _model()._meta.get_field("secret")
    stored = field.get_db_prep_save("가명 A", connection)
    assert stored.startswith("v1:") and "가명" not in stored
    assert field.from_db_value(stored, None, connection) == "가명 A"


@isolate_apps("irum.vault")
def test_its_associated_data_is_its_own_column():
    assert _model()._meta.get_field("secret").context() == "vault.secretive.secret"


@isolate_apps("irum.vault")
def test_it_refuses_to_be_searched():
    with pytest.raises(FieldError, match="blind index"):
        _model().objects.filter(secret__icontains="Kim").query  # noqa: B018
