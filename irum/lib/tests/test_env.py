import pytest
from django.core.exceptions import ImproperlyConfigured

from irum.lib.env import envbool, envint, envlist, envsecret


def test_envbool_refuses_anything_but_true_or_false(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG")
    monkeypatch.setenv("X_FLAG", "True")
    assert envbool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert envbool("X_FLAG") is False


def test_envint_names_the_variable_it_cannot_read(monkeypatch):
    monkeypatch.setenv("X_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_N"):
        envint("X_N", 1)
    monkeypatch.delenv("X_N")
    assert envint("X_N", 7) == 7


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.org, b.org,,")
    assert envlist("X_HOSTS") == ["a.org", "b.org"]


def test_envsecret_reads_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("X_KEY", raising=False)
    monkeypatch.setenv("X_KEY_FILE", str(secret))
    assert envsecret("X_KEY") == "s3cret"


def test_envsecret_fails_loudly_on_a_missing_or_empty_file(monkeypatch, tmp_path):
    monkeypatch.delenv("X_KEY", raising=False)
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        envsecret("X_KEY")
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "empty"))
    with pytest.raises(ImproperlyConfigured, match="empty"):
        envsecret("X_KEY")


def test_envsecret_refuses_both_a_value_and_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("X_KEY", "a")
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "k"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        envsecret("X_KEY")
